"""Retraining behind the evaluation gate.

A candidate is built from the knowledge base plus what reviewers accepted, evaluated on the
frozen dev sets beside the current model, kept in the registry either way (with its
verdict), and made current only when the gate lets it through.

A version holds the knowledge matcher (`knowledge/`: the entries and the customers'
phrasings it recognises) and the intent classifier (`intent/`: the one the bot reads
intents with, hot-swapped on every instance when promoted). The frozen dev sets are in
`kefu.learning.evaluation`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kefu.learning.evaluation import DevSets, intent_metrics, knowledge_metrics
from kefu.learning.gate import Metric, Verdict, judge
from kefu.learning.registry import ModelRegistry, ModelVersion
from kefu.nlu.build import KNOWLEDGE_DIR, MODELS_DIR
from kefu.nlu.component import MANIFEST
from kefu.nlu.data import Example
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.matcher import KnowledgeEntry, KnowledgeMatcher

Builder = Callable[[Path], None]
Evaluator = Callable[[Path], Mapping[str, Metric]]


@dataclass(frozen=True, slots=True)
class Outcome:
    version: ModelVersion
    verdict: Verdict
    promoted: bool


def retrain(
    registry: ModelRegistry,
    build: Builder,
    evaluate: Evaluator,
    *,
    tolerance: float,
    at: datetime,
    note: str = "",
    baseline: Builder | None = None,
) -> Outcome:
    """`baseline` builds what the first candidate is compared with when nothing has been
    promoted yet (the built-in models); without it a first candidate is always promoted."""
    current = registry.current()
    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / "model"
        build(built)
        metrics = evaluate(built)
        if current is not None:
            before = evaluate(current.path)
        elif baseline is not None:
            baseline(Path(folder) / "baseline")
            before = evaluate(Path(folder) / "baseline")
        else:
            before = {}
        verdict = judge(before, metrics, tolerance)
        version = registry.add(
            built,
            {
                "note": note,
                "metrics": {k: m.value for k, m in metrics.items()},
                "baseline": {k: m.value for k, m in before.items()},
                "parent": current.name if current else None,
                "promoted": verdict.promote,
                "verdict": verdict.reason(),
                "tolerance": tolerance,
            },
            at,
        )
    if verdict.promote:
        registry.promote(version.name, at)
    return Outcome(version, verdict, verdict.promote)


#: The folders of a registry version: the components the gate measured.
KNOWLEDGE = "knowledge"
INTENT = "intent"


def bundle_builder(
    entries: Sequence[KnowledgeEntry],
    *,
    intent_examples: Sequence[Example] | None = None,
    base_intent: Path | None = None,
    base_knowledge: Path | None = MODELS_DIR / KNOWLEDGE_DIR,
) -> Builder:
    """A candidate of the models the gate measures: the knowledge matcher built from the
    knowledge base, and the intent classifier trained on `intent_examples` (or, without
    them, copied from `base_intent`, the current one: an unchanged model passes its own
    dev sets).

    The matcher starts from `base_knowledge` (the built-in one: its question-pair scorer,
    calibration and the sentence vectors of the phrasings it knows), as every instance's
    live matcher does, so only new phrasings are encoded."""

    def build(out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        base = KnowledgeMatcher.load(base_knowledge) if base_knowledge else KnowledgeMatcher()
        base.train(list(entries)).save(out / KNOWLEDGE)
        if intent_examples is not None:
            IntentClassifier().train(list(intent_examples)).save(out / INTENT)
        elif base_intent is not None and base_intent.is_dir():
            shutil.copytree(base_intent, out / INTENT)

    return build


def bundle_evaluator(dev: DevSets) -> Evaluator:
    """Every frozen metric of the components a version holds."""

    def evaluate(model: Path) -> Mapping[str, Metric]:
        metrics: dict[str, Metric] = {}
        knowledge = model / KNOWLEDGE if (model / KNOWLEDGE).is_dir() else model
        if (knowledge / MANIFEST).exists():
            metrics.update(knowledge_metrics(KnowledgeMatcher.load(knowledge), dev))
        if (model / INTENT / MANIFEST).exists():
            metrics.update(intent_metrics(IntentClassifier.load(model / INTENT), dev))
        return metrics

    return evaluate


def intent_of(version: ModelVersion | None) -> Path | None:
    """The intent classifier a registry version holds, if any."""
    if version is None or not (version.path / INTENT / MANIFEST).exists():
        return None
    return version.path / INTENT


def matcher_builder(entries: Sequence[KnowledgeEntry]) -> Builder:
    """The knowledge matcher alone (see `bundle_builder`)."""
    return bundle_builder(entries)


def matcher_evaluator(heldout: Mapping[str, Sequence[str]]) -> Evaluator:
    """Top-1 on paraphrases never used for training (entry id → questions)."""
    return bundle_evaluator(DevSets(heldout=heldout))
