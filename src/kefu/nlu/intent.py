"""Intent classification with calibrated confidence and out-of-scope detection.

A message is out of scope (OOS) when the classifier picks the `oos` class (if the training
data has `oos` examples) or when its calibrated confidence in the best in-scope intent is
below a threshold. The threshold is chosen on out-of-fold predictions of the training data,
never on evaluation data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np

from kefu.nlu.component import Component, Manifest, data_hash
from kefu.nlu.data import Example
from kefu.nlu.features import FeatureConfig, Featurizer, Matrix
from kefu.nlu.linear import LinearConfig, LinearModel
from kefu.nlu.metrics import classification_metrics
from kefu.nlu.types import OOS_LABEL, IntentPrediction


@dataclass(frozen=True, slots=True)
class IntentConfig:
    features: FeatureConfig = field(default_factory=lambda: FeatureConfig(char_ngrams=(1, 4)))
    linear: LinearConfig = field(default_factory=LinearConfig)
    #: Share of the training `oos` examples (out of fold) the threshold must catch.
    oos_recall_target: float = 0.75
    #: Without `oos` examples, reject this share of the least confident training messages.
    reject_share: float = 0.02
    top_n: int = 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": self.features.to_dict(),
            "linear": {
                "estimator": self.linear.estimator,
                "c": self.linear.c,
                "folds": self.linear.folds,
                "balanced": self.linear.balanced,
                "seed": self.linear.seed,
            },
            "oos_recall_target": self.oos_recall_target,
            "reject_share": self.reject_share,
            "top_n": self.top_n,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IntentConfig:
        linear = data["linear"]
        return cls(
            features=FeatureConfig.from_dict(data["features"]),
            linear=LinearConfig(
                estimator=str(linear["estimator"]),
                c=float(linear["c"]),
                folds=int(linear["folds"]),
                balanced=bool(linear["balanced"]),
                seed=int(linear["seed"]),
            ),
            oos_recall_target=float(data["oos_recall_target"]),
            reject_share=float(data["reject_share"]),
            top_n=int(data["top_n"]),
        )


def choose_threshold(
    confidence: np.ndarray,
    predicted: np.ndarray,
    truth: np.ndarray,
    recall_target: float,
    reject_share: float,
) -> float:
    """Pick the confidence below which a message is called out of scope.

    With `oos` examples: the lowest threshold whose out-of-fold oos recall reaches
    `recall_target` (in-scope accuracy only falls as the threshold rises, so the lowest
    one loses the least). Without: reject the `reject_share` least confident of the
    correctly classified training messages.
    """
    is_oos = truth == OOS_LABEL
    if not is_oos.any():
        right = confidence[predicted == truth]
        return float(np.quantile(right, reject_share)) if right.size else 0.0
    caught_by_class = predicted[is_oos] == OOS_LABEL
    oos_confidence = confidence[is_oos]
    for t in np.unique(np.round(confidence, 4)):
        recall = float(((oos_confidence < t) | caught_by_class).mean())
        if recall >= recall_target:
            return float(t)
    return float(np.round(confidence.max(), 4))


class IntentClassifier(Component[Sequence[Example], IntentPrediction]):
    kind: ClassVar[str] = "intent"

    def __init__(self, config: IntentConfig | None = None) -> None:
        self.config = config or IntentConfig()
        self.featurizer = Featurizer(self.config.features)
        self.model: LinearModel | None = None
        self.threshold = 0.0
        self.manifest = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c for c in (self.model.classes if self.model else ()) if c != OOS_LABEL)

    def train(self, data: Sequence[Example]) -> Self:
        x = self.featurizer.fit([e.text for e in data])
        return self._fit_head(x, data, self.config.to_dict())

    def _fit_head(self, x: Matrix, data: Sequence[Example], config: dict[str, Any]) -> Self:
        """Trains the linear head on features `x` and picks the out-of-scope threshold on
        out-of-fold predictions (training data only)."""
        labels = [e.label for e in data]
        model, oof = LinearModel.train(x, labels, self.config.linear)
        self.model = model
        truth = np.asarray(labels)
        predicted, confidence = self._decide(oof)
        self.threshold = choose_threshold(
            confidence, predicted, truth, self.config.oos_recall_target, self.config.reject_share
        )
        final = np.where(confidence < self.threshold, OOS_LABEL, predicted)
        metrics = {f"cv_{k}": v for k, v in classification_metrics(truth, final).items()}
        metrics["threshold"] = self.threshold
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=data_hash((e.text, e.label) for e in data),
            n_examples=len(data),
            config=config,
            metrics=metrics,
        )
        return self

    def _decide(self, proba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best label (possibly `oos`) and the confidence in the best in-scope label."""
        assert self.model is not None
        classes = np.asarray(self.model.classes)
        in_scope = classes != OOS_LABEL
        best_any = classes[proba.argmax(axis=1)]
        scoped = np.where(in_scope, proba, -1.0)
        best_in = classes[scoped.argmax(axis=1)]
        confidence = scoped.max(axis=1)
        predicted = np.where(best_any == OOS_LABEL, OOS_LABEL, best_in)
        return predicted, confidence

    def predict_batch(self, texts: Sequence[str]) -> list[IntentPrediction]:
        if self.model is None:
            raise RuntimeError("the intent classifier is not trained")
        return self._predictions(self.model.proba(self.featurizer.transform(texts)))

    def _predictions(self, proba: np.ndarray) -> list[IntentPrediction]:
        assert self.model is not None
        predicted, confidence = self._decide(proba)
        classes = self.model.classes
        out = []
        for row, label, conf in zip(proba, predicted, confidence, strict=True):
            order = [i for i in np.argsort(-row) if classes[i] != OOS_LABEL]
            ranking = tuple(
                (classes[i], round(float(row[i]), 6)) for i in order[: self.config.top_n]
            )
            best_guess = ranking[0][0] if ranking else OOS_LABEL
            is_oos = bool(label == OOS_LABEL or conf < self.threshold)
            out.append(
                IntentPrediction(
                    label=OOS_LABEL if is_oos else str(label),
                    confidence=round(float(conf), 6),
                    is_oos=is_oos,
                    best_guess=best_guess,
                    ranking=ranking,
                )
            )
        return out

    def predict(self, text: str) -> IntentPrediction:
        if self.model is None:
            raise RuntimeError("the intent classifier is not trained")
        proba = self.model.proba_one(self.featurizer.vector(text))
        return self._predictions(proba[None, :])[0]

    def _state(self) -> dict[str, np.ndarray]:
        assert self.model is not None
        return {
            **self.featurizer.state(),
            **self.model.state("model."),
            "threshold": np.asarray([self.threshold]),
        }

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        component = cls(IntentConfig.from_dict(manifest.config))
        component.featurizer.set_state(arrays)
        component.model = LinearModel.from_state(arrays, "model.")
        component.threshold = float(arrays["threshold"][0])
        return component
