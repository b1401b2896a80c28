"""The frozen dev sets a candidate model is measured on, and what each metric means.

Three kinds of frozen data, none of them ever trained on:
- the knowledge base's **held-out paraphrases** (`kefu/knowledge/demo/heldout.yaml`): top-1
  of the knowledge matcher;
- **CLINC150 dev** (`../shared/datasets/clinc150/dev.csv`, where available), the shared set
  the intent classifier is measured on: out-of-scope recall always, in-scope accuracy when
  the model knows CLINC's intents;
- **kefu's real dev set** (`docs/realdev.md`, the `dev` split only): the English requests
  written for kefu (in the repository) and, where the JDDC dataset is present, the real
  JD.com customer messages. The matcher's top-1 must name an entry the label allows; the
  intent classifier's intent must be the flow the label allows.

Each metric has a sentence a person reads in a verdict (`METRIC_LABELS`).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kefu.learning.gate import Metric
from kefu.learning.precheck import FrozenQuestion
from kefu.nlu.data import Example
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.matcher import KnowledgeMatcher

OOS = "oos"

METRIC_LABELS: dict[str, str] = {
    "knowledge.heldout_top1": "knowledge held-out paraphrases answered by the right entry",
    "knowledge.realdev_top1": "real dev questions matched to the entry their label names",
    "intent.realdev_flow_accuracy": "real dev requests given the intent of their labelled flow",
    "intent.clinc150_dev_in_scope_accuracy": "CLINC150 dev in-scope accuracy",
    "intent.clinc150_dev_oos_recall": "CLINC150 dev out-of-scope questions declined",
}

#: The intents that start each flow of the demo bot (a label names flows, the model intents).
FLOW_INTENTS: dict[str, frozenset[str]] = {
    "order_status": frozenset({"order_status", "delivery_late"}),
    "change_phone": frozenset({"change_address"}),
}
SPECIAL = frozenset({"none", "human", "context", "greeting"})


@dataclass(frozen=True, slots=True)
class RealCase:
    """One labelled real message: what the demo business should do with it (`options`)."""

    text: str
    options: tuple[str, ...]

    @property
    def entries(self) -> tuple[str, ...]:
        return tuple(o for o in self.options if not o.startswith("flow:") and o not in SPECIAL)

    @property
    def flows(self) -> tuple[str, ...]:
        return tuple(o[5:] for o in self.options if o.startswith("flow:"))


@dataclass(frozen=True, slots=True)
class DevSets:
    heldout: Mapping[str, Sequence[str]] = field(default_factory=dict)
    real: Sequence[RealCase] = ()
    clinc: Sequence[Example] = ()
    notes: tuple[str, ...] = ()


def knowledge_metrics(matcher: KnowledgeMatcher, dev: DevSets) -> dict[str, Metric]:
    out: dict[str, Metric] = {}
    pairs = [(entry, q) for entry, qs in dev.heldout.items() for q in qs]
    if pairs:
        hits = sum(_top1(matcher, q) == entry for entry, q in pairs)
        _put(out, "knowledge.heldout_top1", hits / len(pairs))
    asked = [c for c in dev.real if c.entries]
    if asked:
        hits = sum(_top1(matcher, c.text) in c.entries for c in asked)
        _put(out, "knowledge.realdev_top1", hits / len(asked))
    return out


def intent_metrics(classifier: IntentClassifier, dev: DevSets) -> dict[str, Metric]:
    out: dict[str, Metric] = {}
    requests = [c for c in dev.real if c.flows]
    if requests:
        hits = 0
        for c in requests:
            label = classifier.predict(c.text).label
            hits += any(label in FLOW_INTENTS.get(f, frozenset({f})) for f in c.flows)
        _put(out, "intent.realdev_flow_accuracy", hits / len(requests))
    known = set(classifier.labels)
    declined = [e for e in dev.clinc if e.label == OOS]
    if declined:
        hits = sum(classifier.predict(e.text).is_oos for e in declined)
        _put(out, "intent.clinc150_dev_oos_recall", hits / len(declined))
    in_scope = [e for e in dev.clinc if e.label != OOS and e.label in known]
    if in_scope:
        hits = sum(classifier.predict(e.text).label == e.label for e in in_scope)
        _put(out, "intent.clinc150_dev_in_scope_accuracy", hits / len(in_scope))
    return out


def _put(out: dict[str, Metric], name: str, value: float) -> None:
    out[name] = Metric(value, label=METRIC_LABELS.get(name, ""))


def _top1(matcher: KnowledgeMatcher, text: str) -> str | None:
    found = matcher.match(text, 1)
    return found[0].entry_id if found else None


# -- reading the frozen sets --------------------------------------------------------------


def read_real_dev(labels_dir: Path, datasets: Path | None) -> tuple[list[RealCase], list[str]]:
    """The `dev` split of kefu's real dev set: English always (when the repository's
    benchmark data is there), JDDC when the dataset is present."""
    found, missing = read_real_split(labels_dir, datasets, "dev")
    notes = []
    if "en" in missing:
        notes.append(
            f"{labels_dir / 'en_requests.csv'} not found: the English real dev set was skipped"
        )
    if "jddc" in missing:
        notes.append("the JDDC dataset is not available: its real dev messages were skipped")
    return [case for _, case in found], notes


def read_real_split(
    labels_dir: Path, datasets: Path | None, split: str
) -> tuple[list[tuple[str, RealCase]], list[str]]:
    """(set, case) of one split of kefu's real dev set, `en` then `jddc`, and the sets that
    are not available here."""
    missing: list[str] = []
    cases: list[tuple[str, RealCase]] = []
    english = labels_dir / "en_requests.csv"
    if english.exists():
        with english.open(encoding="utf-8", newline="") as f:
            cases += [
                ("en", RealCase(r["text"], tuple(r["label"].split("|"))))
                for r in csv.DictReader(f)
                if r["split"] == split
            ]
    else:
        missing.append("en")
    jddc = labels_dir / "jddc_labels.csv"
    pairs = datasets / "jddc2018_transcripts" / "pairs.csv" if datasets else None
    if jddc.exists() and pairs is not None and pairs.exists():
        pieces: dict[str, list[str]] = {}
        with pairs.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                pieces[row["id"]] = row["context_QAQAQ"].split(",")
        with jddc.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                if r["split"] == split and r["row_id"] in pieces:
                    text = pieces[r["row_id"]][int(r["piece"])].strip()
                    cases.append(("jddc", RealCase(text, tuple(r["label"].split("|")))))
    else:
        missing.append("jddc")
    return cases, missing


def review_questions(
    datasets: Path | None, labels_dir: Path | None = None
) -> tuple[list[FrozenQuestion], tuple[str, ...]]:
    """The questions a proposal is pre-checked on, and the sources missing here: the
    knowledge base's held-out paraphrases and the *calib* split of the real dev set (never
    dev, which is only for reporting)."""
    from kefu.knowledge.demo import heldout_questions
    from kefu.nlu.build import repo_root

    questions = [
        FrozenQuestion(q, (entry,), "heldout")
        for entry, qs in heldout_questions().items()
        for q in qs
    ]
    found, missing = read_real_split(
        labels_dir or repo_root() / "benchmarks" / "data", datasets, "calib"
    )
    questions += [
        FrozenQuestion(case.text, case.options, f"{which}_calib")
        for which, case in found
        if case.text
    ]
    return questions, tuple(f"{which}_calib" for which in missing)


def read_clinc_dev(datasets: Path | None) -> list[Example]:
    path = datasets / "clinc150" / "dev.csv" if datasets else None
    if path is None or not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [Example(r["text"], r["label"].strip()) for r in csv.DictReader(f)]


def frozen_dev_sets(datasets: Path | None, labels_dir: Path | None = None) -> DevSets:
    """Every frozen dev set that is available on this machine."""
    from kefu.knowledge.demo import heldout_questions
    from kefu.nlu.build import repo_root

    real, notes = read_real_dev(labels_dir or repo_root() / "benchmarks" / "data", datasets)
    clinc = read_clinc_dev(datasets)
    if not clinc:
        notes.append("CLINC150 dev is not available: the intent model's shared dev set skipped")
    return DevSets(heldout_questions(), real, clinc, tuple(notes))
