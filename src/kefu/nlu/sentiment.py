"""Sentiment polarity: the probability that a message is positive."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Self

import numpy as np

from kefu.nlu.component import Component, Manifest, data_hash
from kefu.nlu.data import Example
from kefu.nlu.features import FeatureConfig
from kefu.nlu.linear import LinearConfig
from kefu.nlu.routed import RoutedModel

POSITIVE = "1"
NEGATIVE = "0"


class SentimentClassifier(Component[Sequence[Example], float]):
    """Labels are "1" (positive) and "0" (negative); `predict` returns P(positive)."""

    kind: ClassVar[str] = "sentiment"

    def __init__(
        self,
        features: Mapping[str, FeatureConfig] | None = None,
        linear: LinearConfig | None = None,
    ) -> None:
        self.routed = RoutedModel(features)
        self.linear = linear or LinearConfig(estimator="logreg", c=4.0)
        self.manifest = None

    def train(self, data: Sequence[Example]) -> Self:
        bad = {e.label for e in data} - {POSITIVE, NEGATIVE}
        if bad:
            raise ValueError(f"sentiment labels must be 0 or 1, got {sorted(bad)}")
        metrics = self.routed.train(data, self.linear)
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=data_hash((e.text, e.label) for e in data),
            n_examples=len(data),
            config={
                "features": self.routed.config(),
                "c": self.linear.c,
                "estimator": self.linear.estimator,
            },
            metrics=metrics,
        )
        return self

    def predict(self, text: str) -> float:
        return round(self.routed.proba(text).get(POSITIVE, 0.5), 6)

    def predict_label(self, text: str) -> str:
        return POSITIVE if self.predict(text) >= 0.5 else NEGATIVE

    def _state(self) -> dict[str, np.ndarray]:
        return self.routed.state()

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        component = cls(
            linear=LinearConfig(
                estimator=str(manifest.config["estimator"]), c=float(manifest.config["c"])
            )
        )
        component.routed = RoutedModel.from_state(manifest.config["features"], arrays)
        return component
