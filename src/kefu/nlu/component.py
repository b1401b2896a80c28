"""The one interface every NLU component shares: train, predict, save, load.

A saved component is a directory holding `manifest.json` (what it is, what it was trained
on, how well it did, with which libraries) and `state.npz` (plain arrays, loaded without
pickle). The contract suite in tests/nlu checks every component against this interface.
"""

from __future__ import annotations

import hashlib
import json
import platform
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Generic, Self, TypeVar

import numpy as np

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
STATE = "state.npz"

TrainT = TypeVar("TrainT")
OutT = TypeVar("OutT")


class ArtefactError(Exception):
    """A model directory that is missing, of another kind, or of an unknown format."""


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("kefu", "numpy", "scipy", "scikit-learn", "jieba"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def data_hash(rows: Iterable[Iterable[str]]) -> str:
    """SHA-256 of the training rows, so a manifest says exactly which data made a model."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update("\t".join(row).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Manifest:
    kind: str
    data_hash: str
    n_examples: int
    config: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)
    libraries: Mapping[str, str] = field(default_factory=library_versions)
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        # Store config and metrics as JSON would give them back (tuples become lists), so a
        # loaded manifest equals the one that was saved.
        object.__setattr__(self, "config", json.loads(json.dumps(self.config, default=list)))
        metrics = {k: float(v) for k, v in self.metrics.items()}
        object.__setattr__(self, "metrics", metrics)

    @property
    def model_version(self) -> str:
        """A short id that changes whenever the data or the configuration changes."""
        blob = json.dumps([self.kind, self.data_hash, self.config], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def to_json(self) -> str:
        data = asdict(self)
        data["model_version"] = self.model_version
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=list)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(
            kind=data["kind"],
            data_hash=data["data_hash"],
            n_examples=int(data["n_examples"]),
            config=data.get("config", {}),
            metrics=data.get("metrics", {}),
            libraries=data.get("libraries", {}),
            format_version=int(data.get("format_version", 0)),
        )


def read_manifest(directory: Path, kind: str) -> Manifest:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise ArtefactError(f"{directory} is not a kefu model: expected {MANIFEST} in it")
    manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
    if manifest.kind != kind:
        raise ArtefactError(f"{directory} holds a {manifest.kind!r} model, expected {kind!r}")
    if manifest.format_version != FORMAT_VERSION:
        raise ArtefactError(
            f"{directory} has format {manifest.format_version}, expected {FORMAT_VERSION}"
        )
    return manifest


class Component(ABC, Generic[TrainT, OutT]):
    """Train on data, predict one message, save to and load from a directory."""

    kind: ClassVar[str]
    manifest: Manifest | None = None

    @abstractmethod
    def train(self, data: TrainT) -> Self:
        """Fit on `data`, replacing what was learnt before; sets `manifest`."""

    @abstractmethod
    def predict(self, text: str) -> OutT:
        """Analyse one message. Never raises on empty, long or mixed-language text."""

    @abstractmethod
    def _state(self) -> dict[str, np.ndarray]:
        """Arrays that, with the manifest config, rebuild the component."""

    @classmethod
    @abstractmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        """Rebuild from `_state()` arrays."""

    @property
    def is_trained(self) -> bool:
        return self.manifest is not None

    def save(self, directory: str | Path) -> Path:
        if self.manifest is None:
            raise ArtefactError(f"cannot save an untrained {self.kind} component")
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = self._state()
        np.savez_compressed(out / STATE, **arrays)
        (out / MANIFEST).write_text(self.manifest.to_json() + "\n", encoding="utf-8")
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        manifest = read_manifest(Path(directory), cls.kind)
        with np.load(Path(directory) / STATE, allow_pickle=False) as arrays:
            state = {name: arrays[name] for name in arrays.files}
        component = cls._from_state(manifest, state)
        component.manifest = manifest
        return component
