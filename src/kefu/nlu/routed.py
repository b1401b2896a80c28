"""A classifier with one model per language, chosen by `detect_language` at predict time.

Chinese and English need different features (characters vs words) and come from different
corpora, so each language gets its own featurizer and weights. A message in a language
without a model goes to the first model trained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kefu.nlu.data import Example
from kefu.nlu.features import FeatureConfig, Featurizer
from kefu.nlu.language import detect_language
from kefu.nlu.linear import LinearConfig, LinearModel
from kefu.nlu.metrics import classification_metrics

LANGUAGES: tuple[str, ...] = ("zh", "en")

#: Features that suit each language: character n-grams carry Chinese; words carry English.
DEFAULT_FEATURES: dict[str, FeatureConfig] = {
    "zh": FeatureConfig(char_ngrams=(1, 3), word_ngrams=(1, 2), char_bits=20, word_bits=20),
    "en": FeatureConfig(char_ngrams=(2, 5), word_ngrams=(1, 2), char_bits=20, word_bits=20),
}


def language_of(text: str) -> str:
    lang = detect_language(text)
    return "en" if lang == "en" else "zh"


class RoutedModel:
    def __init__(self, features: Mapping[str, FeatureConfig] | None = None) -> None:
        self.features = dict(features or DEFAULT_FEATURES)
        self.models: dict[str, tuple[Featurizer, LinearModel]] = {}

    def train(self, data: Sequence[Example], linear: LinearConfig) -> dict[str, float]:
        """Fit one model per language present in `data`; return out-of-fold metrics."""
        by_lang: dict[str, list[Example]] = {}
        for example in data:
            by_lang.setdefault(language_of(example.text), []).append(example)
        metrics: dict[str, float] = {}
        self.models = {}
        for lang in LANGUAGES:
            examples = by_lang.get(lang, [])
            if len({e.label for e in examples}) < 2:
                continue
            featurizer = Featurizer(self.features[lang])
            x = featurizer.fit([e.text for e in examples])
            labels = [e.label for e in examples]
            model, oof = LinearModel.train(x, labels, linear)
            predicted = np.asarray(model.classes)[oof.argmax(axis=1)]
            for name, value in classification_metrics(labels, predicted).items():
                metrics[f"{lang}_cv_{name}"] = value
            self.models[lang] = (featurizer, model)
        if not self.models:
            raise ValueError("need at least 2 labels in one language to train")
        return metrics

    def proba(self, text: str) -> dict[str, float]:
        lang = language_of(text)
        featurizer, model = self.models.get(lang) or next(iter(self.models.values()))
        row = model.proba_one(featurizer.vector(text))
        return {c: float(p) for c, p in zip(model.classes, row, strict=True)}

    def config(self) -> dict[str, Any]:
        return {lang: cfg.to_dict() for lang, cfg in self.features.items()}

    def state(self, prefix: str = "") -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for lang, (featurizer, model) in self.models.items():
            arrays.update(featurizer.state(f"{prefix}{lang}."))
            arrays.update(model.state(f"{prefix}{lang}.model."))
        return arrays

    @classmethod
    def from_state(
        cls, config: Mapping[str, Any], arrays: Mapping[str, np.ndarray], prefix: str = ""
    ) -> RoutedModel:
        routed = cls({lang: FeatureConfig.from_dict(c) for lang, c in config.items()})
        for lang in LANGUAGES:
            if f"{prefix}{lang}.columns" not in arrays:
                continue
            featurizer = Featurizer(routed.features[lang])
            featurizer.set_state(arrays, f"{prefix}{lang}.")
            routed.models[lang] = (
                featurizer,
                LinearModel.from_state(arrays, f"{prefix}{lang}.model."),
            )
        return routed
