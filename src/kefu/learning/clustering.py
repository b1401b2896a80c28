"""Group texts that ask the same thing: leader clustering on unit sentence vectors.

Pure and deterministic: texts are taken in the order given (oldest first), each joins the
nearest topic whose centroid is at least `threshold` cosine away, or starts a new one. One
pass, O(texts × topics × dimensions), fast enough for tens of thousands of gaps in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from kefu.learning.model import Gap, Topic

FloatArray = npt.NDArray[np.float32]

#: Cosine similarity above which two gaps are taken to ask the same thing. Chosen on the
#: demo knowledge base's phrasings (same entry vs different entries), see docs/learning.md.
DEFAULT_THRESHOLD = 0.82


@dataclass(frozen=True, slots=True)
class Cluster:
    members: tuple[int, ...]  # indices into the input, in input order
    centre: int  # the member nearest the centroid


def cluster(vectors: FloatArray, threshold: float = DEFAULT_THRESHOLD) -> list[Cluster]:
    """Clusters of row indices of `vectors` (unit rows), biggest first, ties by first member."""
    n = int(vectors.shape[0])
    if n == 0:
        return []
    dim = int(vectors.shape[1])
    sums = np.zeros((min(n, 1024), dim), dtype=np.float32)
    unit = np.zeros_like(sums)
    members: list[list[int]] = []
    for i in range(n):
        v = vectors[i]
        k = len(members)
        if k:
            sims = unit[:k] @ v
            j = int(np.argmax(sims))
            if float(sims[j]) >= threshold:
                members[j].append(i)
                sums[j] += v
                norm = float(np.linalg.norm(sums[j]))
                unit[j] = sums[j] / norm if norm else sums[j]
                continue
        if k == sums.shape[0]:
            sums = np.vstack([sums, np.zeros_like(sums)])
            unit = np.vstack([unit, np.zeros_like(unit)])
        sums[k] = v
        unit[k] = v
        members.append([i])
    clusters = []
    for j, rows in enumerate(members):
        sims = vectors[rows] @ unit[j]
        clusters.append(Cluster(tuple(rows), rows[int(np.argmax(sims))]))
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    return clusters


def nearest_first(vectors: FloatArray, rows: Sequence[int], centre: int) -> list[int]:
    """`rows` ordered by similarity to row `centre`, most similar first (stable)."""
    sims = vectors[list(rows)] @ vectors[centre]
    order = sorted(range(len(rows)), key=lambda i: (-float(sims[i]), i))
    return [rows[i] for i in order]


@dataclass(frozen=True, slots=True)
class TrendRule:
    """A topic is `growing` when its gaps in the last half of `window` are at least
    `factor` times those of the half before, and at least `min_recent`."""

    window: timedelta = timedelta(days=2)
    factor: float = 2.0
    min_recent: int = 5


def topics(
    gaps: Sequence[Gap],
    vectors: FloatArray,
    *,
    now: datetime,
    threshold: float = DEFAULT_THRESHOLD,
    trend: TrendRule = TrendRule(),
    examples: int = 5,
) -> list[Topic]:
    """Topics of `gaps` (oldest first; `vectors` row i encodes `gaps[i].text`)."""
    half = trend.window / 2
    found = []
    for c in cluster(vectors, threshold):
        ordered = nearest_first(vectors, c.members, c.centre)
        chosen = [gaps[i] for i in ordered]
        texts = list(dict.fromkeys(g.text for g in chosen))
        kinds: dict[str, int] = {}
        for g in chosen:
            kinds[g.kind.value] = kinds.get(g.kind.value, 0) + 1
        recent = sum(1 for g in chosen if now - half < g.at <= now)
        before = sum(1 for g in chosen if now - trend.window < g.at <= now - half)
        growing = recent >= trend.min_recent and recent >= trend.factor * max(before, 1)
        found.append(
            Topic(
                id=f"t-{gaps[c.members[0]].id}",
                label=gaps[c.centre].text,
                size=len(chosen),
                examples=tuple(texts[:examples]),
                gap_ids=tuple(g.id for g in chosen),
                kinds=kinds,
                recent=recent,
                before=before,
                growing=growing,
                first_at=min(g.at for g in chosen),
                last_at=max(g.at for g in chosen),
            )
        )
    return found
