"""English negativity: what kefu's emotion reading calls negative, on held-out GoEmotions.

Real English support tweets are not available, so this measures the same question — is this
message negative? — on GoEmotions (English Reddit comments, `../shared/datasets/goemotions`).
Its test split is withheld from the datasets folder, so the dev split is cut in two by a hash
of the comment id: `tune` (choose thresholds there) and `report` (only measured). The
emotion models train on a sample of GoEmotions *train*; dev is never trained on.

Gold: a comment is negative when one of its labels is in the paper's negative sentiment group
(anger, annoyance, disappointment, disapproval, disgust, embarrassment, fear, grief,
nervousness, remorse, sadness); every other comment (positive, ambiguous, neutral) is not.

Read as negative, three ways kefu reads a message (`NluEngine.analyse(text, top_k=0)`, the
bot's call):

* `index<=2`: the 5-level emotion index at 1 or 2 (the wall-board's "upset customers");
* `assist`: category anger/anxiety/sadness or index 1 (`kefu.assist.turns.is_negative`);
* `intensity>=t`: anger + anxiety + sadness at least `t`, `t` chosen on `tune` for F1.

    python benchmarks/bench_en_negativity.py [--n 600] [--json]

Writes `benchmarks/results/en_negativity.json`.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import machine, write_result

ROOT = Path(__file__).resolve().parents[1]
DATASET = (
    Path(os.environ.get("KEFU_DATASETS", str(ROOT.parent / "shared" / "datasets")))
    / "goemotions"
    / "dev.csv"
)
NEGATIVE = frozenset(
    {
        "anger",
        "annoyance",
        "disappointment",
        "disapproval",
        "disgust",
        "embarrassment",
        "fear",
        "grief",
        "nervousness",
        "remorse",
        "sadness",
    }
)
NEGATIVE_CATEGORIES = frozenset({"anger", "anxiety", "sadness"})


def half(comment_id: str) -> str:
    return "tune" if hashlib.sha256(comment_id.encode()).digest()[0] % 2 == 0 else "report"


def load(n: int, seed: int = 11) -> dict[str, list[tuple[str, bool]]]:
    """`n` seeded comments from each half of GoEmotions dev, with the gold negativity."""
    out: dict[str, list[tuple[str, bool]]] = {"tune": [], "report": []}
    with DATASET.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            labels = set(row["labels"].split(";"))
            out[half(row["id"])].append((row["text"], bool(labels & NEGATIVE)))
    rng = random.Random(seed)
    return {k: rng.sample(v, min(n, len(v))) for k, v in out.items()}


def prf(gold: list[bool], said: list[bool]) -> dict[str, float]:
    tp = sum(g and s for g, s in zip(gold, said, strict=True))
    fp = sum(s and not g for g, s in zip(gold, said, strict=True))
    fn = sum(g and not s for g, s in zip(gold, said, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "said": tp + fp}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="comments per half")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from kefu.nlu.engine import NluEngine

    engine = NluEngine.load_default()
    data = load(args.n)
    started = time.process_time()
    readings: dict[str, list[tuple[bool, int, str, float]]] = {}
    for name, rows in data.items():
        readings[name] = []
        for text, gold in rows:
            e = engine.analyse(text, top_k=0).emotion
            readings[name].append((gold, e.index, e.category, e.negative_intensity))
    cpu = time.process_time() - started

    def ways(rows: list[tuple[bool, int, str, float]], t: float) -> dict[str, list[bool]]:
        return {
            "index<=2": [i <= 2 for _, i, _, _ in rows],
            "assist": [c in NEGATIVE_CATEGORIES or i <= 1 for _, i, c, _ in rows],
            "intensity>=t": [x >= t for _, _, _, x in rows],
        }

    tune = readings["tune"]
    gold_tune = [g for g, _, _, _ in tune]
    grid = [round(0.05 * k, 2) for k in range(1, 20)]
    best_t = max(grid, key=lambda t: prf(gold_tune, ways(tune, t)["intensity>=t"])["f1"])
    result: dict[str, Any] = {
        "machine": machine(),
        "data": f"GoEmotions dev, {args.n} seeded comments per half (hash of the id)",
        "encoder": engine.uses_encoder,
        "intensity_threshold_from_tune": best_t,
        "cpu_ms_per_message": round(cpu * 1000 / sum(len(v) for v in readings.values()), 1),
    }
    for name, rows in readings.items():
        gold = [g for g, _, _, _ in rows]
        result[name] = {
            "n": len(rows),
            "negative": sum(gold),
            **{way: prf(gold, said) for way, said in ways(rows, best_t).items()},
        }
    path = write_result("en_negativity.json", result)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name in ("tune", "report"):
            r = result[name]
            parts = ", ".join(
                f"{w}: P {r[w]['precision']:.2f} R {r[w]['recall']:.2f} F1 {r[w]['f1']:.2f}"
                for w in ("index<=2", "assist", "intensity>=t")
            )
            print(f"{name:6} n={r['n']} negative={r['negative']}  {parts}")
        print(f"intensity threshold (chosen on tune): {best_t}; wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
