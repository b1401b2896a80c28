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
from kefu.nlu.dense import DenseInput, encoder_config, join_dense, join_dense_one
from kefu.nlu.features import FeatureConfig, Featurizer, Matrix
from kefu.nlu.linear import LinearConfig, LinearModel
from kefu.nlu.metrics import classification_metrics
from kefu.nlu.types import OOS_LABEL, IntentPrediction

#: Cascade: the hashed-feature head decides alone where its out-of-fold precision is this.
SURE_PRECISION = 0.99


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


def sure_threshold(confidence: np.ndarray, right: np.ndarray, precision: float) -> float:
    """The lowest confidence above which out-of-fold decisions are right `precision` of
    the time (1.01, i.e. never, when no such level exists)."""
    order = np.argsort(-confidence, kind="stable")
    hits = np.cumsum(right[order]) / np.arange(1, order.size + 1)
    ok = np.nonzero(hits >= precision)[0]
    if ok.size == 0 or order.size < 20:
        return 1.01
    return float(confidence[order][ok.max()])


class IntentClassifier(Component[Sequence[Example], IntentPrediction]):
    """Hashed TF-IDF → calibrated linear head; with the sentence encoder, a second head on
    [TF-IDF ‖ embedding] that predicts whenever a vector is available (the default)."""

    kind: ClassVar[str] = "intent"

    def __init__(self, config: IntentConfig | None = None) -> None:
        self.config = config or IntentConfig()
        self.featurizer = Featurizer(self.config.features)
        self.model: LinearModel | None = None
        self.threshold = 0.0
        #: Cheap-head confidence from which it decides alone (cascade; see `is_sure`).
        self.sure = 1.01
        self.dense: LinearModel | None = None
        self.dense_threshold = 0.0
        self.dense_input = DenseInput()
        self.manifest = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c for c in (self.model.classes if self.model else ()) if c != OOS_LABEL)

    def train(self, data: Sequence[Example], vectors: np.ndarray | None = None) -> Self:
        """Fit the hashed-feature head and, when the encoder is installed (or `vectors`,
        one embedding row per example, are given), the dense head."""
        texts = [e.text for e in data]
        x = self.featurizer.fit(texts)
        config = self.config.to_dict()
        if vectors is None:
            vectors = self.dense_input.training_vectors(texts)
        self._fit_head(x, data, config)
        if vectors is not None:
            metrics = dict(self.manifest.metrics) if self.manifest else {}
            self.dense, self.dense_threshold, dense_metrics, _ = self._fit(
                join_dense(x, vectors, self.dense_input.weight), data
            )
            metrics.update({f"dense_{k}": v for k, v in dense_metrics.items()})
            config["encoder"] = encoder_config(self.dense_input.weight)
            self.manifest = self._manifest(data, config, metrics)
        return self

    def _fit(
        self, x: Matrix, data: Sequence[Example]
    ) -> tuple[LinearModel, float, dict[str, float], np.ndarray]:
        labels = [e.label for e in data]
        model, oof = LinearModel.train(x, labels, self.config.linear)
        truth = np.asarray(labels)
        predicted, confidence = self._decide(oof, model)
        threshold = choose_threshold(
            confidence, predicted, truth, self.config.oos_recall_target, self.config.reject_share
        )
        final = np.where(confidence < threshold, OOS_LABEL, predicted)
        metrics = {f"cv_{k}": v for k, v in classification_metrics(truth, final).items()}
        metrics["threshold"] = threshold
        self.sure_from(confidence, final == truth)
        return model, threshold, metrics, oof

    def sure_from(self, confidence: np.ndarray, right: np.ndarray) -> None:
        if self.model is None:  # the first (hashed-feature) head sets the cascade level
            self.sure = sure_threshold(confidence, right, SURE_PRECISION)

    def _manifest(
        self, data: Sequence[Example], config: dict[str, Any], metrics: dict[str, float]
    ) -> Manifest:
        return Manifest(
            kind=self.kind,
            data_hash=data_hash((e.text, e.label) for e in data),
            n_examples=len(data),
            config=config,
            metrics=metrics,
        )

    def _fit_head(self, x: Matrix, data: Sequence[Example], config: dict[str, Any]) -> Self:
        """Trains the linear head on features `x` and picks the out-of-scope threshold on
        out-of-fold predictions (training data only)."""
        self.model = None
        model, threshold, metrics, _ = self._fit(x, data)
        self.model, self.threshold = model, threshold
        metrics["sure"] = self.sure
        self.manifest = self._manifest(data, config, metrics)
        return self

    def _decide(
        self, proba: np.ndarray, model: LinearModel | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best label (possibly `oos`) and the confidence in the best in-scope label."""
        model = model or self.model
        assert model is not None
        classes = np.asarray(model.classes)
        in_scope = classes != OOS_LABEL
        best_any = classes[proba.argmax(axis=1)]
        scoped = np.where(in_scope, proba, -1.0)
        best_in = classes[scoped.argmax(axis=1)]
        confidence = scoped.max(axis=1)
        predicted = np.where(best_any == OOS_LABEL, OOS_LABEL, best_in)
        return predicted, confidence

    def predict_batch(
        self, texts: Sequence[str], vectors: np.ndarray | None = None
    ) -> list[IntentPrediction]:
        if self.model is None:
            raise RuntimeError("the intent classifier is not trained")
        x = self.featurizer.transform(texts)
        if self.dense is not None and vectors is None:
            vectors = self.dense_input.batch_vectors(texts)
        if self.dense is not None and vectors is not None:
            x = join_dense(x, vectors, self.dense_input.weight)
            return self._predictions(self.dense.proba(x), dense=True)
        return self._predictions(self.model.proba(x))

    def _predictions(self, proba: np.ndarray, *, dense: bool = False) -> list[IntentPrediction]:
        model = self.dense if dense else self.model
        threshold = self.dense_threshold if dense else self.threshold
        assert model is not None
        predicted, confidence = self._decide(proba, model)
        classes = model.classes
        out = []
        for row, label, conf in zip(proba, predicted, confidence, strict=True):
            order = [i for i in np.argsort(-row) if classes[i] != OOS_LABEL]
            ranking = tuple(
                (classes[i], round(float(row[i]), 6)) for i in order[: self.config.top_n]
            )
            best_guess = ranking[0][0] if ranking else OOS_LABEL
            is_oos = bool(label == OOS_LABEL or conf < threshold)
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

    @property
    def uses_encoder(self) -> bool:
        return self.dense is not None and self.dense_input.available()

    def predict(
        self, text: str, *, vector: np.ndarray | None = None, encode: bool = True
    ) -> IntentPrediction:
        """The intent of `text`. With a dense head: on `vector` if given, else on the
        encoder's embedding of `text` (unless `encode=False`: the cheap head alone)."""
        if self.model is None:
            raise RuntimeError("the intent classifier is not trained")
        sparse = self.featurizer.vector(text)
        if self.dense is not None and vector is None and encode:
            vector = self.dense_input.vector(text)
        if self.dense is not None and vector is not None:
            joined = join_dense_one(sparse, self.featurizer.n_features, vector, self.dense_input)
            return self._predictions(self.dense.proba_one(joined)[None, :], dense=True)[0]
        return self._predictions(self.model.proba_one(sparse)[None, :])[0]

    def is_sure(self, prediction: IntentPrediction) -> bool:
        """True when the cheap head's prediction is as good as the dense head's would be
        (out-of-fold precision ≥ 99 % at this confidence): the cascade skips the encoder."""
        return not prediction.is_oos and prediction.confidence >= self.sure

    def _state(self) -> dict[str, np.ndarray]:
        assert self.model is not None
        arrays = {
            **self.featurizer.state(),
            **self.model.state("model."),
            "threshold": np.asarray([self.threshold]),
            "sure": np.asarray([self.sure]),
        }
        if self.dense is not None:
            arrays.update(self.dense.state("dense."))
            arrays["dense_threshold"] = np.asarray([self.dense_threshold])
        return arrays

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        component = cls(IntentConfig.from_dict(manifest.config))
        component.featurizer.set_state(arrays)
        component.model = LinearModel.from_state(arrays, "model.")
        component.threshold = float(arrays["threshold"][0])
        component.sure = float(arrays["sure"][0]) if "sure" in arrays else 1.01
        if "dense.coef" in arrays:
            component.dense = LinearModel.from_state(arrays, "dense.")
            component.dense_threshold = float(arrays["dense_threshold"][0])
            component.dense_input = DenseInput.from_config(manifest.config.get("encoder"))
        return component
