"""A calibrated linear classifier stored as plain arrays (no pickle).

Training uses scikit-learn; prediction is one sparse product and a softmax, so a loaded
artefact does not depend on scikit-learn's pickle format. Probabilities are calibrated with
one temperature fitted on out-of-fold scores, which keeps the ranking of the classifier
and makes "0.9" mean roughly nine times in ten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

_TEMPERATURES = np.geomspace(0.25, 200.0, 60)


@dataclass(frozen=True, slots=True)
class LinearConfig:
    estimator: str = "svc"  # "svc" (LinearSVC) or "logreg"
    c: float = 1.0
    folds: int = 3
    balanced: bool = False
    seed: int = 0


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    out: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return out


def _fit_estimator(
    x: sp.csr_matrix, y: np.ndarray, config: LinearConfig
) -> tuple[np.ndarray, np.ndarray]:
    weight = "balanced" if config.balanced else None
    if config.estimator == "svc":
        svc = LinearSVC(C=config.c, class_weight=weight, random_state=config.seed)
        svc.fit(x, y)
        return np.asarray(svc.coef_), np.asarray(svc.intercept_)
    if config.estimator == "logreg":
        lr = LogisticRegression(C=config.c, class_weight=weight, max_iter=1000)
        lr.fit(x, y)
        return np.asarray(lr.coef_), np.asarray(lr.intercept_)
    raise ValueError(f"unknown estimator {config.estimator!r}: expected 'svc' or 'logreg'")


def _two_columns(scores: np.ndarray) -> np.ndarray:
    """Binary estimators give one score; two opposite columns make softmax a sigmoid."""
    if scores.shape[1] == 1:
        return np.hstack([-scores / 2, scores / 2])
    return scores


def quantise(values: np.ndarray) -> np.ndarray:
    """Round to float16 precision (stored as float16, computed in float32): halves the
    artefact, and the model in memory is exactly the one that will be loaded."""
    out: np.ndarray = np.asarray(values, dtype=np.float16).astype(np.float32)
    return out


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """The softmax temperature that minimises log-loss of out-of-fold scores."""
    best, best_loss = 1.0, np.inf
    rows = np.arange(len(y_index))
    for t in _TEMPERATURES:
        p = softmax(scores * t)
        loss = float(-np.log(np.clip(p[rows, y_index], 1e-12, None)).mean())
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


class LinearModel:
    """Weights over a featurizer's columns, class names and a temperature."""

    def __init__(
        self,
        classes: Sequence[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        temperature: float = 1.0,
    ) -> None:
        self.classes = tuple(classes)
        self.coef = quantise(coef)
        self.coef_t = np.ascontiguousarray(self.coef.T)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.temperature = float(temperature)

    def scores(self, x: sp.csr_matrix) -> np.ndarray:
        return _two_columns(np.asarray(x @ self.coef_t) + self.intercept)

    def proba_one(self, vector: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Probabilities for one message's sparse vector (the per-message hot path)."""
        index, values = vector
        scores = _two_columns((values @ self.coef_t[index] + self.intercept)[None, :])
        out: np.ndarray = softmax(scores * self.temperature)[0]
        return out

    def proba(self, x: sp.csr_matrix) -> np.ndarray:
        return softmax(self.scores(x) * self.temperature)

    @classmethod
    def train(
        cls, x: sp.csr_matrix, labels: Sequence[str], config: LinearConfig | None = None
    ) -> tuple[LinearModel, np.ndarray]:
        """Fit on all rows; return the model and calibrated out-of-fold probabilities.

        The out-of-fold probabilities (rows aligned with `labels`, columns with
        `model.classes`) let callers pick thresholds on data the model has not seen.
        """
        config = config or LinearConfig()
        y = np.asarray(labels)
        classes = np.unique(y)
        if classes.size < 2:
            raise ValueError(f"need at least 2 classes to train, got {classes.size}")
        y_index = np.searchsorted(classes, y)
        folds = min(config.folds, int(np.bincount(y_index).min()))
        oof = np.zeros((len(y), classes.size))
        if folds >= 2:
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
            for train_idx, test_idx in splitter.split(np.zeros(len(y)), y_index):
                # Stratified folds with >= `folds` examples per class: every class is in
                # every training part, so the score columns line up with `classes`.
                coef, intercept = _fit_estimator(x[train_idx], y[train_idx], config)
                oof[test_idx] = _two_columns(np.asarray(x[test_idx] @ coef.T) + intercept)
            temperature = fit_temperature(oof, y_index)
        else:
            temperature = 1.0
        coef, intercept = _fit_estimator(x, y, config)
        model = cls([str(c) for c in classes], coef, intercept, temperature)
        oof_proba = softmax(oof * temperature) if folds >= 2 else model.proba(x)
        return model, oof_proba

    def state(self, prefix: str = "") -> dict[str, np.ndarray]:
        return {
            f"{prefix}coef": self.coef.astype(np.float16),
            f"{prefix}intercept": self.intercept,
            f"{prefix}temperature": np.asarray([self.temperature]),
            f"{prefix}classes": np.asarray(self.classes, dtype=np.str_),
        }

    @classmethod
    def from_state(cls, arrays: Mapping[str, np.ndarray], prefix: str = "") -> LinearModel:
        return cls(
            [str(c) for c in arrays[f"{prefix}classes"]],
            arrays[f"{prefix}coef"],
            arrays[f"{prefix}intercept"],
            float(arrays[f"{prefix}temperature"][0]),
        )
