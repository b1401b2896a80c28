"""Per-message emotion: category probabilities and a 5-level emotion index.

Categories come from a classifier trained per language (Weibo emotions for Chinese, Reddit
emotions for English, plus kefu's own customer-service examples). The index blends the
valence of those categories with a sentiment model's polarity, because review-trained
polarity catches complaints ("送得太慢了") that carry no explicit emotion word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Self

import numpy as np
import scipy.sparse as sp

from kefu.nlu.component import Component, Manifest, data_hash
from kefu.nlu.data import Example
from kefu.nlu.dense import DenseInput, encoder_config
from kefu.nlu.features import FeatureConfig
from kefu.nlu.linear import LinearConfig, LinearModel
from kefu.nlu.metrics import classification_metrics
from kefu.nlu.routed import RoutedModel
from kefu.nlu.sentiment import SentimentClassifier
from kefu.nlu.types import EMOTION_CATEGORIES, EmotionReading

#: Label names used by public corpora, mapped onto kefu's categories.
ALIASES: dict[str, str] = {
    "angry": "anger",
    "anger": "anger",
    "disgust": "anger",
    "fear": "anxiety",
    "anxiety": "anxiety",
    "worry": "anxiety",
    "sad": "sadness",
    "sadness": "sadness",
    "happy": "joy",
    "joy": "joy",
    "satisfaction": "joy",
    "surprise": "surprise",
    "neutral": "neutral",
    "none": "neutral",
    "happiness": "joy",
    "like": "joy",
}

#: Share of the encoder head in the mixed category probabilities (fixed, not tuned).
DENSE_MIX = 0.5

#: kefu category → label of the public evaluation sets (SMP2020-EWECT naming).
EVAL_LABELS: dict[str, str] = {
    "anger": "angry",
    "anxiety": "fear",
    "sadness": "sad",
    "joy": "happy",
    "surprise": "surprise",
    "neutral": "neutral",
}

#: How pleasant each category is, in [-1, 1].
VALENCE: dict[str, float] = {
    "anger": -1.0,
    "anxiety": -0.7,
    "sadness": -0.8,
    "joy": 1.0,
    "surprise": 0.1,
    "neutral": 0.0,
}

#: Valence cut points between index levels 1|2|3|4|5.
INDEX_CUTS: tuple[float, ...] = (-0.55, -0.2, 0.2, 0.55)


def canonical_category(label: str) -> str:
    try:
        return ALIASES[label.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(ALIASES))
        raise ValueError(f"unknown emotion label {label!r}; expected one of {known}") from None


def emotion_index(scores: Mapping[str, float], positive: float | None) -> tuple[int, float]:
    """The 1–5 index and valence in [-1, 1] from category scores and P(positive)."""
    valence = sum(VALENCE[c] * p for c, p in scores.items())
    if positive is not None:
        polar = (1.0 - scores.get("neutral", 0.0)) * (2.0 * positive - 1.0)
        valence = 0.6 * valence + 0.4 * polar
    valence = max(-1.0, min(1.0, valence))
    index = 1 + int(np.searchsorted(INDEX_CUTS, valence, side="right"))
    return index, round(valence, 6)


class EmotionClassifier(Component[Sequence[Example], EmotionReading]):
    kind: ClassVar[str] = "emotion"

    def __init__(
        self,
        features: Mapping[str, FeatureConfig] | None = None,
        linear: LinearConfig | None = None,
        sentiment: SentimentClassifier | None = None,
    ) -> None:
        self.routed = RoutedModel(features)
        self.linear = linear or LinearConfig(estimator="logreg", c=4.0)
        self.sentiment = sentiment
        #: Logistic regression on the encoder vector alone (one head for both languages).
        self.dense: LinearModel | None = None
        self.dense_input = DenseInput()
        self.manifest = None

    def train(
        self,
        data: Sequence[Example],
        dense: tuple[Sequence[Example], np.ndarray] | bool = True,
    ) -> Self:
        """Fit the per-language hashed-feature models on `data` and, when the encoder is
        installed, the encoder head: on `dense` (examples and their vectors) or, when
        `dense` is True, on all of `data`, encoded now. `dense=False`: no encoder head."""
        examples = [Example(e.text, canonical_category(e.label)) for e in data]
        metrics = self.routed.train(examples, self.linear)
        self.dense = None
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=data_hash((e.text, e.label) for e in examples),
            n_examples=len(examples),
            config={
                "features": self.routed.config(),
                "c": self.linear.c,
                "estimator": self.linear.estimator,
                "sentiment": (
                    self.sentiment.manifest.to_json()
                    if self.sentiment and self.sentiment.manifest
                    else None
                ),
            },
            metrics=metrics,
        )
        if dense is True and self.dense_input.available():
            vectors = self.dense_input.training_vectors([e.text for e in examples])
            if vectors is not None:
                self.fit_dense(examples, vectors)
        elif isinstance(dense, tuple):
            self.fit_dense(*dense)
        return self

    def fit_dense(self, examples: Sequence[Example], vectors: np.ndarray) -> Self:
        """Fit the encoder head (logistic regression on the vector alone)."""
        assert self.manifest is not None, "train the hashed-feature models first"
        labels = [canonical_category(e.label) for e in examples]
        head, oof = LinearModel.train(
            sp.csr_matrix(np.asarray(vectors, dtype=np.float32)),
            labels,
            LinearConfig(estimator="logreg", c=4.0, balanced=True),
        )
        metrics = dict(self.manifest.metrics)
        predicted = np.asarray(head.classes)[oof.argmax(axis=1)]
        for name, value in classification_metrics(labels, predicted).items():
            metrics[f"dense_cv_{name}"] = value
        self.dense = head
        config = dict(self.manifest.config)
        config["encoder"] = encoder_config(self.dense_input.weight)
        config["dense_data_hash"] = data_hash((e.text, e.label) for e in examples)
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=self.manifest.data_hash,
            n_examples=self.manifest.n_examples,
            config=config,
            metrics=metrics,
        )
        return self

    @property
    def uses_encoder(self) -> bool:
        return self.dense is not None and self.dense_input.available()

    def predict(
        self, text: str, *, vector: np.ndarray | None = None, encode: bool = True
    ) -> EmotionReading:
        raw = self.routed.proba(text)
        if self.dense is not None and vector is None and encode:
            vector = self.dense_input.vector(text)
        if self.dense is not None and vector is not None:
            row = self.dense.proba_one(
                (np.arange(vector.size, dtype=np.int64), np.asarray(vector, dtype=np.float32))
            )
            by_class = dict(zip(self.dense.classes, row.tolist(), strict=True))
            raw = {
                c: (1 - DENSE_MIX) * raw.get(c, 0.0) + DENSE_MIX * by_class.get(c, 0.0)
                for c in EMOTION_CATEGORIES
            }
            total = sum(raw.values()) or 1.0
            raw = {c: p / total for c, p in raw.items()}
        scores = {c: round(raw.get(c, 0.0), 6) for c in EMOTION_CATEGORIES}
        positive = self.sentiment.predict(text) if self.sentiment else None
        index, valence = emotion_index(scores, positive)
        category = max(scores, key=lambda c: scores[c])
        return EmotionReading(index=index, valence=valence, category=category, scores=scores)

    def _state(self) -> dict[str, np.ndarray]:
        arrays = self.routed.state("emotion.")
        if self.sentiment is not None:
            arrays.update({f"sentiment.{k}": v for k, v in self.sentiment._state().items()})
        if self.dense is not None:
            arrays.update(self.dense.state("dense."))
        return arrays

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        config = manifest.config
        sentiment = None
        if config.get("sentiment"):
            sub = Manifest.from_json(str(config["sentiment"]))
            prefix = "sentiment."
            sub_arrays = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
            sentiment = SentimentClassifier._from_state(sub, sub_arrays)
            sentiment.manifest = sub
        component = cls(
            linear=LinearConfig(estimator=str(config["estimator"]), c=float(config["c"])),
            sentiment=sentiment,
        )
        component.routed = RoutedModel.from_state(config["features"], arrays, "emotion.")
        if "dense.coef" in arrays:
            component.dense = LinearModel.from_state(arrays, "dense.")
        return component
