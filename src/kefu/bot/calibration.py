"""From the language engine's scores to the bot's estimated precision, and back.

The engine's scores (`KnowledgeMatch.score`, `IntentPrediction.confidence`) are meant as
probabilities, but calibration does not travel between data sets: a score of 0.6 may be
right 95 % of the time on one knowledge base and 70 % on another. So the bot reads
precision through a small monotone map per kind of evidence, kept as data in the rules
(`BotRules.calibration`), and answers only where the estimated precision reaches the
rules' `precision_target`. `fit` re-fits a map from labelled rows (isotonic regression,
pool-adjacent-violators) and `main` does it from a CSV:

    python -m kefu.bot.calibration rows.csv [--target 0.95]

where each row is `kind,score,correct` (kind `knowledge`, `separated` or `intent`,
correct 1 or 0). It
prints the `calibration` document to PUT into the bot rules, and the threshold each kind
needs to reach the target.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: `separated`: the best entry's score when it leads the runner-up by at least the rules'
#: `answer_separation` (a clear winner is right more often than its score alone says).
KINDS = ("knowledge", "intent", "separated")


@dataclass(frozen=True, slots=True)
class CalibrationMap:
    """(score, precision) points, scores ascending, precision non-decreasing; linear in
    between, flat beyond the ends."""

    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if not self.points:
            raise ValueError("a calibration map needs at least one point")
        scores = [s for s, _ in self.points]
        if scores != sorted(scores) or any(not 0 <= v <= 1 for p in self.points for v in p):
            raise ValueError("calibration points must be (score, precision) in [0, 1], sorted")

    def precision(self, score: float) -> float:
        points = self.points
        if score <= points[0][0]:
            return points[0][1]
        for (s0, p0), (s1, p1) in itertools.pairwise(points):
            if score <= s1:
                return p0 if s1 == s0 else p0 + (p1 - p0) * (score - s0) / (s1 - s0)
        return points[-1][1]

    def threshold(self, target: float) -> float | None:
        """The lowest score whose estimated precision reaches `target` (None: never)."""
        for (s0, p0), (s1, p1) in itertools.pairwise(self.points):
            if p0 >= target:
                return s0
            if p1 >= target > p0:
                return s0 + (s1 - s0) * (target - p0) / (p1 - p0)
        return self.points[-1][0] if self.points[-1][1] >= target else None

    def to_list(self) -> list[list[float]]:
        return [[round(s, 4), round(p, 4)] for s, p in self.points]


#: Identity: the score is the precision (what a perfectly calibrated engine would give).
IDENTITY = CalibrationMap(((0.0, 0.0), (1.0, 1.0)))


def parse_map(value: object) -> CalibrationMap:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ValueError("must be a list of [score, precision] pairs")
    points = []
    for item in value:
        if (
            not isinstance(item, Sequence)
            or isinstance(item, str)
            or len(item) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in item)
        ):
            raise ValueError("must be a list of [score, precision] pairs")
        points.append((float(item[0]), float(item[1])))
    return CalibrationMap(tuple(points))


def fit(rows: Iterable[tuple[float, bool]], *, max_points: int = 12) -> CalibrationMap:
    """Isotonic regression of correct ~ score, as at most `max_points` points."""
    data = sorted((float(s), 1.0 if ok else 0.0) for s, ok in rows)
    if not data:
        return IDENTITY
    # Pool adjacent violators: blocks of (sum, count, first score, last score).
    blocks: list[list[float]] = []
    for score, ok in data:
        blocks.append([ok, 1.0, score, score])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count, _, last = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
            blocks[-1][3] = last
    merged: list[list[float]] = []  # [score, correct, count]: one point per score
    for b in blocks:
        score = (b[2] + b[3]) / 2
        if merged and merged[-1][0] == score:
            merged[-1][1] += b[0]
            merged[-1][2] += b[1]
        else:
            merged.append([score, b[0], b[1]])
    points = [(score, ok / count) for score, ok, count in merged]
    for i in range(1, len(points)):  # merging equal scores may dent the curve: keep it monotone
        if points[i][1] < points[i - 1][1]:
            points[i] = (points[i][0], points[i - 1][1])
    while len(points) > max_points:
        # Merge the pair of neighbours closest in precision (keeps the curve's shape).
        i = min(range(len(points) - 1), key=lambda k: points[k + 1][1] - points[k][1])
        (s0, p0), (s1, p1) = points[i], points[i + 1]
        points[i : i + 2] = [((s0 + s1) / 2, (p0 + p1) / 2)]
    return CalibrationMap(tuple((min(1.0, max(0.0, s)), p) for s, p in points))


def fit_all(rows: Iterable[Mapping[str, str]]) -> dict[str, CalibrationMap]:
    by_kind: dict[str, list[tuple[float, bool]]] = {}
    for row in rows:
        kind = row["kind"].strip()
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
        by_kind.setdefault(kind, []).append((float(row["score"]), row["correct"].strip() == "1"))
    return {kind: fit(rows_) for kind, rows_ in by_kind.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fit the bot's calibration maps from a CSV.")
    parser.add_argument("csv", help="rows of kind,score,correct")
    parser.add_argument("--target", type=float, default=0.95)
    args = parser.parse_args(argv)
    try:
        with open(args.csv, encoding="utf-8", newline="") as handle:
            maps = fit_all(csv.DictReader(handle))
    except (OSError, KeyError, ValueError) as exc:
        print(f"cannot fit: {exc}", file=sys.stderr)
        return 2
    out = {
        "calibration": {kind: m.to_list() for kind, m in maps.items()},
        "thresholds": {kind: m.threshold(args.target) for kind, m in maps.items()},
        "precision_target": args.target,
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
