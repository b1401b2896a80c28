"""Retraining behind the evaluation gate: a model that regresses is kept but never made
current, and a rollback is one call."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from kefu.knowledge.demo import demo_entries, heldout_questions
from kefu.knowledge.service import matcher_entry
from kefu.learning.gate import Metric, judge
from kefu.learning.registry import ModelRegistry, RegistryError
from kefu.learning.retrain import matcher_builder, matcher_evaluator, retrain
from kefu.nlu.matcher import KnowledgeEntry
from tests.learning.conftest import NOW


def good_entries() -> list[KnowledgeEntry]:
    return [matcher_entry(e) for e in demo_entries()]


def scrambled_entries() -> list[KnowledgeEntry]:
    """A deliberately bad training set: every entry gets another entry's phrasings."""
    entries = good_entries()
    phrasings = [e.phrasings for e in entries]
    random.Random(7).shuffle(phrasings)
    return [
        replace(e, question=p[0] if p else e.question, phrasings=p)
        for e, p in zip(entries, phrasings, strict=True)
    ]


def test_the_gate_refuses_a_model_trained_on_a_bad_set_and_keeps_the_good_one(
    tmp_path: Path,
) -> None:
    registry = ModelRegistry(tmp_path / "models")
    evaluate = matcher_evaluator(heldout_questions())
    first = retrain(registry, matcher_builder(good_entries()), evaluate, tolerance=0.01, at=NOW)
    assert first.promoted and registry.current() == first.version
    good = first.version.manifest["metrics"]["knowledge.heldout_top1"]
    assert good > 0.5

    bad = retrain(registry, matcher_builder(scrambled_entries()), evaluate, tolerance=0.01, at=NOW)
    assert not bad.promoted
    [regression] = bad.verdict.regressions
    assert regression.metric == "knowledge.heldout_top1" and regression.candidate < good - 0.2
    current = registry.current()
    assert current is not None and current.name == first.version.name
    # The refused candidate stays in the registry with its verdict, for a person to read.
    kept = registry.get(bad.version.name).manifest
    assert kept["promoted"] is False
    assert kept["verdict"].startswith("refused: knowledge held-out paraphrases answered by the")


def test_a_rollback_steps_back_one_promotion_at_a_time(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    evaluate = matcher_evaluator(heldout_questions())
    names = [
        retrain(
            registry, matcher_builder(good_entries()), evaluate, tolerance=0.01, at=NOW
        ).version.name
        for _ in range(3)
    ]
    assert registry.promotions() == names
    assert registry.rollback(NOW).name == names[1]
    assert registry.rollback(NOW).name == names[0]
    with pytest.raises(RegistryError, match="nothing to roll back to"):
        registry.rollback(NOW)
    current = registry.current()
    assert current is not None and current.name == names[0]


def test_the_gate_reads_the_direction_of_each_metric() -> None:
    current = {"accuracy": Metric(0.90), "wrong_answers": Metric(0.05, higher_is_better=False)}
    assert judge(current, {"accuracy": Metric(0.895), "wrong_answers": Metric(0.055)}, 0.01).promote
    worse = judge(current, {"accuracy": Metric(0.91), "wrong_answers": Metric(0.08)}, 0.01)
    assert not worse.promote and worse.regressions[0].metric == "wrong_answers"
    missing = judge(current, {"accuracy": Metric(0.95)}, 0.01)
    assert not missing.promote and missing.missing == ("wrong_answers",)
    assert judge({}, {"accuracy": Metric(0.1)}, 0.0).promote


def test_a_verdict_says_in_words_what_fell_and_by_how_much() -> None:
    current = {"a": Metric(0.84, label="real dev requests given the intent of their flow")}
    verdict = judge(current, {"a": Metric(0.03, label=current["a"].label)}, 0.01)
    assert verdict.reason() == (
        "refused: real dev requests given the intent of their flow (a) fell from 84.0 % to "
        "3.0 % (81.0 points; at most 1.0 allowed)"
    )
    assert judge(current, {}, 0.01).reason() == "refused: a could not be measured on the candidate"
    assert judge(current, current, 0.01).reason() == "no metric fell by more than 1.0 points"
