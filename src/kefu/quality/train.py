"""Rebuild the reply-style model and measure it on our labelled JDDC agent replies.

    python -m kefu.quality.train [--pairs ../shared/datasets/jddc2018_transcripts/pairs.csv]

The labels file holds row ids and labels only; the texts are read from the data set at
training time, so none of them ships with kefu. Rows marked `dev` are never trained on:
precision and recall are measured on them, once for a model trained on the labelled
`train` rows alone and once for the shipped model (those rows plus the seed phrases).
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from pathlib import Path

from kefu.quality.styles import (
    MODEL_DIR,
    TRAITS,
    LabelledReply,
    ReplyStyleClassifier,
    read_seed,
)

ROOT = Path(__file__).resolve().parents[3]
LABELS = ROOT / "benchmarks" / "data" / "jddc_agent_reply_labels.csv"
PAIRS = ROOT.parent / "shared" / "datasets" / "jddc2018_transcripts" / "pairs.csv"


def clean(text: str) -> str:
    """The data set ends replies with a separator comma; its emoji codes carry no words."""
    return text.strip().rstrip(",").strip()


def labelled_replies(labels: Path = LABELS, pairs: Path = PAIRS) -> dict[str, list[LabelledReply]]:
    """`{"train": [...], "dev": [...]}` joined from the labels file and the data set."""
    with labels.open(encoding="utf-8", newline="") as handle:
        wanted = {row["row_id"]: row for row in csv.DictReader(handle)}
    texts: dict[str, str] = {}
    with pairs.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["id"] in wanted:
                texts[row["id"]] = clean(row["agent_response"])
    missing = set(wanted) - set(texts)
    if missing:
        raise ValueError(f"{len(missing)} labelled rows are not in {pairs}: {sorted(missing)[:3]}")
    out: dict[str, list[LabelledReply]] = {"train": [], "dev": []}
    for row_id, row in wanted.items():
        reply = LabelledReply(texts[row_id], {t: row[t] == "1" for t in TRAITS})
        out[row["split"]].append(reply)
    return out


def evaluate(model: ReplyStyleClassifier, data: Sequence[LabelledReply]) -> dict[str, object]:
    """Precision, recall and F1 per trait at the 0.5 threshold, with the counts."""
    report: dict[str, object] = {}
    predictions = [model.predict(r.text) for r in data]
    for trait in TRAITS:
        tp = fp = fn = 0
        for reply, style in zip(data, predictions, strict=True):
            truth, guess = reply.labels[trait], style.has(trait)
            tp += truth and guess
            fp += guess and not truth
            fn += truth and not guess
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[trait] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "positives": tp + fn,
            "n": len(data),
        }
    return report


def cross_validate(data: Sequence[LabelledReply], folds: int = 5) -> dict[str, object]:
    """Pooled precision and recall over `folds` folds of every labelled reply: a steadier
    figure than the 100-reply dev split for the rarer traits (each reply is predicted by a
    model that never saw it)."""
    from kefu.quality.styles import ReplyStyle

    predicted: list[tuple[LabelledReply, ReplyStyle]] = []
    seed = read_seed()
    for k in range(folds):
        held = [r for i, r in enumerate(data) if i % folds == k]
        rest = [r for i, r in enumerate(data) if i % folds != k]
        model = ReplyStyleClassifier().train([*rest, *seed])
        predicted += [(r, model.predict(r.text)) for r in held]

    class _Fixed(ReplyStyleClassifier):
        def predict(self, text: str) -> ReplyStyle:
            return answers[text]

    answers = {r.text: style for r, style in predicted}
    return evaluate(_Fixed(), [r for r, _ in predicted])


def build(
    labels: Path = LABELS, pairs: Path = PAIRS
) -> tuple[ReplyStyleClassifier, dict[str, object]]:
    splits = labelled_replies(labels, pairs)
    seed = read_seed()
    labelled_only = ReplyStyleClassifier().train(splits["train"])
    shipped = ReplyStyleClassifier().train([*splits["train"], *seed])
    figures: dict[str, object] = {
        "labelled": {"train": len(splits["train"]), "dev": len(splits["dev"]), "seed": len(seed)},
        "dev_trained_on_labelled_train": evaluate(labelled_only, splits["dev"]),
        "dev_shipped_model": evaluate(shipped, splits["dev"]),
        "cv5_all_labelled_plus_seed": cross_validate([*splits["train"], *splits["dev"]]),
    }
    return shipped, figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--figures", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    model, figures = build(args.labels, args.pairs)
    model.save(args.out)
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    if args.figures is not None:
        args.figures.parent.mkdir(parents=True, exist_ok=True)
        args.figures.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
