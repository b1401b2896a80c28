"""The contract every NLU component passes: train, predict, save → load, awkward input."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kefu.nlu.component import MANIFEST, ArtefactError, Component
from kefu.nlu.emotion import EmotionClassifier
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.matcher import KnowledgeMatcher
from kefu.nlu.pairs import PairScorer
from kefu.nlu.sentiment import SentimentClassifier
from kefu.nlu.types import EMOTION_CATEGORIES, EmotionReading, IntentPrediction

from . import factories
from .factories import AWKWARD_INPUTS


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], Component[Any, Any]]
    data: Callable[[], Any]


def _matcher() -> KnowledgeMatcher:
    return KnowledgeMatcher(PairScorer().train(factories.pair_examples()))


CASES = [
    Case("intent", IntentClassifier, factories.intent_examples),
    Case("sentiment", SentimentClassifier, factories.sentiment_examples),
    Case("emotion", EmotionClassifier, factories.emotion_examples),
    Case(
        "emotion+sentiment",
        lambda: EmotionClassifier(
            sentiment=SentimentClassifier().train(factories.sentiment_examples())
        ),
        factories.emotion_examples,
    ),
    Case("pairs", PairScorer, factories.pair_examples),
    Case("knowledge", _matcher, factories.knowledge_entries),
    Case("knowledge-no-scorer", KnowledgeMatcher, factories.knowledge_entries),
]


@pytest.fixture(scope="module", params=CASES, ids=[c.name for c in CASES])
def trained(request: pytest.FixtureRequest) -> Component[Any, Any]:
    case: Case = request.param
    return case.make().train(case.data())


def test_a_trained_component_has_a_manifest(trained: Component[Any, Any]) -> None:
    manifest = trained.manifest
    assert manifest is not None
    assert manifest.kind == trained.kind
    assert len(manifest.data_hash) == 64
    assert manifest.n_examples > 0
    assert {"numpy", "scikit-learn", "jieba", "python"} <= set(manifest.libraries)
    assert len(manifest.model_version) == 12


@pytest.mark.parametrize("text", AWKWARD_INPUTS, ids=range(len(AWKWARD_INPUTS)))
def test_awkward_input_is_answered_quickly(trained: Component[Any, Any], text: str) -> None:
    start = time.perf_counter()
    trained.predict(text)
    assert time.perf_counter() - start < 2.0


def test_save_then_load_gives_identical_predictions(
    trained: Component[Any, Any], tmp_path: Path
) -> None:
    saved = trained.save(tmp_path / "model")
    assert (saved / MANIFEST).is_file()
    loaded = type(trained).load(saved)
    assert loaded.manifest == trained.manifest
    for text in AWKWARD_INPUTS:
        assert loaded.predict(text) == trained.predict(text)


def test_loading_another_kind_is_refused(trained: Component[Any, Any], tmp_path: Path) -> None:
    trained.save(tmp_path / "model")
    other = SentimentClassifier if trained.kind != "sentiment" else IntentClassifier
    with pytest.raises(ArtefactError, match="expected"):
        other.load(tmp_path / "model")


def test_loading_a_folder_without_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtefactError, match=MANIFEST):
        IntentClassifier.load(tmp_path)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_training_twice_on_the_same_data_gives_the_same_model(case: Case) -> None:
    data = case.data()
    first, second = case.make().train(data), case.make().train(data)
    assert first.manifest == second.manifest
    for text in AWKWARD_INPUTS[:6]:
        assert first.predict(text) == second.predict(text)


def test_predictions_have_the_promised_shape(trained: Component[Any, Any]) -> None:
    out = trained.predict("我的外卖半小时前就该到了，where is it?")
    if isinstance(out, IntentPrediction):
        assert 0.0 <= out.confidence <= 1.0
        assert out.is_oos == (out.label == "oos")
    elif isinstance(out, EmotionReading):
        assert 1 <= out.index <= 5
        assert set(out.scores) == set(EMOTION_CATEGORIES)
        assert sum(out.scores.values()) == pytest.approx(1.0, abs=1e-3)
    elif isinstance(out, float):
        assert 0.0 <= out <= 1.0
    else:
        assert isinstance(out, tuple)
        assert all(0.0 <= m.score <= 1.0 for m in out)
