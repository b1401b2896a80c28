"""How an agent reply reads: empathetic, polite, explaining a policy, and stiffly so.

One binary model per trait, each a language-routed linear classifier (`kefu.nlu.routed`),
behind the same component interface as every NLU model: train, predict, save, load. The
shipped artefact was trained on agent replies we labelled ourselves (row ids and labels in
`benchmarks/data/jddc_agent_reply_labels.csv`) plus the hand-written seed phrases in
`seed_styles.csv`; `kefu.quality.train` rebuilds it and reports precision and recall.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

import numpy as np

from kefu.nlu.component import Component, Manifest, data_hash
from kefu.nlu.data import Example
from kefu.nlu.features import FeatureConfig
from kefu.nlu.linear import LinearConfig
from kefu.nlu.routed import RoutedModel

TRAITS: tuple[str, ...] = ("empathy", "polite", "policy", "stiff_policy")
MODEL_DIR = Path(__file__).resolve().parent / "models" / "reply_style"
SEED_FILE = Path(__file__).resolve().parent / "seed_styles.csv"
#: Replies are short and their cues are a few characters long ("抱歉", "理解您", "无法").
FEATURES: dict[str, FeatureConfig] = {
    "zh": FeatureConfig(char_ngrams=(1, 3), word_ngrams=(1, 1), char_bits=18, word_bits=18),
    "en": FeatureConfig(char_ngrams=(3, 5), word_ngrams=(1, 2), char_bits=18, word_bits=18),
}


@dataclass(frozen=True, slots=True)
class LabelledReply:
    text: str
    labels: Mapping[str, bool]


@dataclass(frozen=True, slots=True)
class ReplyStyle:
    """Probabilities in [0, 1], rounded to 6 places so saved and loaded models agree."""

    empathy: float
    polite: float
    policy: float
    stiff_policy: float

    def has(self, trait: str, threshold: float = 0.5) -> bool:
        value: float = getattr(self, trait)
        return value >= threshold


class ReplyStyleClassifier(Component[Sequence[LabelledReply], ReplyStyle]):
    kind: ClassVar[str] = "reply_style"

    def __init__(self, linear: LinearConfig | None = None) -> None:
        self.linear = linear or LinearConfig(estimator="logreg", c=4.0, balanced=True)
        self.models: dict[str, RoutedModel] = {}
        self.manifest = None

    def train(self, data: Sequence[LabelledReply]) -> Self:
        metrics: dict[str, float] = {}
        self.models = {}
        for trait in TRAITS:
            examples = [Example(r.text, "1" if r.labels[trait] else "0") for r in data]
            model = RoutedModel(FEATURES)
            for name, value in model.train(examples, self.linear).items():
                metrics[f"{trait}_{name}"] = value
            self.models[trait] = model
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=data_hash(
                (r.text, *("1" if r.labels[t] else "0" for t in TRAITS)) for r in data
            ),
            n_examples=len(data),
            config={
                "traits": list(TRAITS),
                "features": {lang: cfg.to_dict() for lang, cfg in FEATURES.items()},
                "c": self.linear.c,
                "estimator": self.linear.estimator,
                "balanced": self.linear.balanced,
            },
            metrics=metrics,
        )
        return self

    def predict(self, text: str) -> ReplyStyle:
        clipped = text[:1000]
        values = {t: round(m.proba(clipped).get("1", 0.0), 6) for t, m in self.models.items()}
        return ReplyStyle(**{t: values.get(t, 0.0) for t in TRAITS})

    def _state(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for trait, model in self.models.items():
            arrays.update(model.state(f"{trait}."))
        return arrays

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        config = manifest.config
        component = cls(
            LinearConfig(
                estimator=str(config["estimator"]),
                c=float(config["c"]),
                balanced=bool(config["balanced"]),
            )
        )
        for trait in config["traits"]:
            component.models[str(trait)] = RoutedModel.from_state(
                config["features"], arrays, f"{trait}."
            )
        return component


def read_seed(path: Path = SEED_FILE) -> list[LabelledReply]:
    """Hand-written replies (zh and en) that teach the traits in both languages."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            LabelledReply(row["text"], {t: row[t] == "1" for t in TRAITS})
            for row in csv.DictReader(handle)
        ]


def load_default() -> ReplyStyleClassifier:
    return ReplyStyleClassifier.load(MODEL_DIR)
