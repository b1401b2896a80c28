"""Fitting the knowledge matcher's encoder similarity and its calibration.

Knowledge-base scores must be probabilities that the entry answers the message: the bot
answers only where its estimated precision is ≥ 95 %. They are fitted on retrieval
episodes built from data that is *not* the demo knowledge base nor anything reported:

- CLINC150 train as a knowledge base (ten utterances per intent as phrasings, other train
  utterances as questions, the train `oos` utterances as questions no entry answers);
- kefu's demo intents (zh + en) as a knowledge base, half phrasings, half questions;
- AFQMC questions (financial customer service) asked of that demo-intent base: no entry
  answers them (out-of-domain negatives).

Every candidate in the top 3 of each question is a row: label 1 when it is the right
entry. The weights of (e5 nearest, e5 centroid, TF-IDF) similarity are picked by top-1 on
the in-scope questions, then a logistic regression on the similarity gives P(answers).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from kefu.nlu.data import Example
from kefu.nlu.matcher import KnowledgeEntry, KnowledgeMatcher

WEIGHT_GRID: tuple[tuple[float, float, float], ...] = (
    (0.5, 0.5, 0.0),
    (0.4, 0.4, 0.2),
    (0.3, 0.3, 0.4),
    (0.6, 0.2, 0.2),
    (0.2, 0.6, 0.2),
    (0.35, 0.35, 0.3),
)


@dataclass(frozen=True, slots=True)
class Episode:
    """A knowledge base and questions asked of it (expected entry id, or None)."""

    entries: tuple[KnowledgeEntry, ...]
    questions: tuple[tuple[str, str | None], ...]


def intent_episode(
    examples: Sequence[Example], phrasings: int, questions: int, seed: int = 0
) -> Episode:
    """Labelled utterances as a knowledge base: `phrasings` per label become the entry,
    up to `questions` others per label are asked; `oos` rows are asked, answered by none."""
    by_label: dict[str, list[str]] = {}
    for e in examples:
        by_label.setdefault(e.label, []).append(e.text)
    rng = random.Random(seed)
    entries: list[KnowledgeEntry] = []
    asked: list[tuple[str, str | None]] = []
    for label in sorted(by_label):
        texts = list(by_label[label])
        rng.shuffle(texts)
        if label == "oos":
            asked += [(t, None) for t in texts[: questions * 3]]
            continue
        if len(texts) < 2:
            continue
        n = min(phrasings, max(1, len(texts) // 2))
        entries.append(KnowledgeEntry(f"e-{label}", texts[0], tuple(texts[1:n])))
        asked += [(t, f"e-{label}") for t in texts[n : n + questions]]
    return Episode(tuple(entries), tuple(asked))


def _rows(
    matcher: KnowledgeMatcher, episode: Episode, weights: tuple[float, float, float], top: int
) -> tuple[list[float], list[int], float]:
    matcher.dense_weights = weights
    matcher.train(list(episode.entries))
    ids = list(matcher.entries)
    sims, labels, right, scoped = [], [], 0, 0
    for question, expected in episode.questions:
        similarity, _, _ = matcher.similarities(question)
        order = np.argsort(-similarity, kind="stable")[:top]
        for rank, e in enumerate(order):
            sims.append(float(similarity[e]))
            labels.append(int(ids[e] == expected))
            if rank == 0 and expected is not None:
                right += int(ids[e] == expected)
        scoped += expected is not None
    return sims, labels, right / max(scoped, 1)


def fit_dense(
    matcher: KnowledgeMatcher, episodes: Sequence[Episode], top: int = 3
) -> dict[str, float]:
    """Set `matcher.dense_weights` and `dense_calibration` from `episodes`; the matcher
    must have encoder vectors for every text (`remember`) or the encoder installed."""
    matcher.dense_calibration = (1.0, 0.0)  # switch the encoder path on while fitting
    best: tuple[float, tuple[float, float, float]] = (-1.0, WEIGHT_GRID[0])
    for weights in WEIGHT_GRID:
        accuracy = np.mean([_rows(matcher, ep, weights, 1)[2] for ep in episodes])
        if accuracy > best[0]:
            best = (float(accuracy), weights)
    sims: list[float] = []
    labels: list[int] = []
    for ep in episodes:
        s, y, _ = _rows(matcher, ep, best[1], top)
        sims += s
        labels += y
    model = LogisticRegression(C=100.0).fit(np.asarray(sims)[:, None], np.asarray(labels))
    matcher.dense_weights = best[1]
    matcher.dense_calibration = (float(model.coef_[0][0]), float(model.intercept_[0]))
    return {"episode_top1": best[0], "calibration_rows": float(len(labels))}


def reliability(
    scores: Sequence[float], labels: Sequence[int], bins: Sequence[float] = (0.5, 0.8, 0.9, 0.95)
) -> list[dict[str, float]]:
    """Rows of a reliability table: score bin, count, mean score, observed precision."""
    edges = [0.0, *bins, 1.0001]
    s, y = np.asarray(scores), np.asarray(labels)
    out = []
    for lo, hi in itertools.pairwise(edges):
        mask = (s >= lo) & (s < hi)
        if mask.any():
            out.append(
                {
                    "from": lo,
                    "to": min(hi, 1.0),
                    "n": int(mask.sum()),
                    "mean_score": round(float(s[mask].mean()), 4),
                    "precision": round(float(y[mask].mean()), 4),
                }
            )
    return out
