"""Evaluation measures shared by the CLI and the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from kefu.nlu.types import OOS_LABEL

T = TypeVar("T")
In = TypeVar("In")


def classification_metrics(
    truth: Sequence[str] | np.ndarray, predicted: Sequence[str] | np.ndarray
) -> dict[str, float]:
    """accuracy, macro-F1 and n; with `oos` rows also in-scope accuracy and oos recall."""
    y = np.asarray(truth)
    p = np.asarray(predicted)
    out = {
        "accuracy": float(accuracy_score(y, p)) if y.size else 0.0,
        "macro_f1": float(f1_score(y, p, average="macro", zero_division=0)) if y.size else 0.0,
        "n": float(y.size),
    }
    oos = y == OOS_LABEL
    if oos.any():
        out["in_scope_accuracy"] = float((p[~oos] == y[~oos]).mean()) if (~oos).any() else 0.0
        out["oos_recall"] = float((p[oos] == OOS_LABEL).mean())
    return out


def timed(fn: Callable[[In], T], texts: Sequence[In]) -> tuple[list[T], dict[str, float]]:
    """Run `fn` on each input in turn (one thread) and report p50/p99 latency in ms."""
    results: list[T] = []
    times = np.zeros(len(texts))
    for i, text in enumerate(texts):
        start = time.perf_counter()
        results.append(fn(text))
        times[i] = time.perf_counter() - start
    if not len(texts):
        return results, {"latency_ms_p50": 0.0, "latency_ms_p99": 0.0}
    return results, {
        "latency_ms_p50": float(np.percentile(times, 50) * 1000),
        "latency_ms_p99": float(np.percentile(times, 99) * 1000),
    }
