"""How components feed the sentence embedding to their linear heads.

A dense head reads [hashed TF-IDF ‖ w · embedding]: both parts are unit vectors, so `w`
sets their balance. Every component embeds the same text (`encoder_text`: normalised,
noise stripped, greeting off), so the engine can encode a message once and hand the one
vector to intent, emotion and knowledge matching.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from kefu.nlu.e5 import DIM, ENCODER_NAME, DiskCache, encoder_version, shared_encoder
from kefu.nlu.features import Matrix, SparseVector
from kefu.nlu.noise import prepare, strip_noise


def encoder_text(text: str) -> str:
    """What the encoder reads for `text`: the message without noise and greeting (the
    whole normalised message when it is only a greeting)."""
    from kefu.nlu.normalise import normalise

    _, rest = prepare(text)
    return rest or strip_noise(normalise(text))


def encoder_config(weight: float) -> dict[str, Any]:
    return {"model": ENCODER_NAME, "version": encoder_version(), "dim": DIM, "weight": weight}


@dataclass(frozen=True, slots=True)
class DenseInput:
    """The embedding side of a dense head: its weight next to the TF-IDF vector."""

    weight: float = 1.0
    #: Corpus name for the training-vector disk cache (None: encode, do not cache).
    cache_name: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> DenseInput:
        return cls(weight=float((config or {}).get("weight", 1.0)))

    @staticmethod
    def available() -> bool:
        return shared_encoder() is not None

    def vector(self, text: str) -> np.ndarray | None:
        encoder = shared_encoder()
        return None if encoder is None else encoder.encode_one(encoder_text(text))

    def batch_vectors(self, texts: Sequence[str]) -> np.ndarray | None:
        encoder = shared_encoder()
        if encoder is None:
            return None
        rows = encoder.encode_many([encoder_text(t) for t in texts])
        return np.stack(rows) if rows else np.zeros((0, DIM), dtype=np.float32)

    def training_vectors(self, texts: Sequence[str]) -> np.ndarray | None:
        encoder = shared_encoder()
        if encoder is None:
            return None
        prepared = [encoder_text(t) for t in texts]
        if self.cache_name is None:
            rows = encoder.encode_many(prepared)
            return np.stack(rows) if rows else np.zeros((0, DIM), dtype=np.float32)
        return DiskCache(encoder).encode(self.cache_name, prepared)


def join_dense(x: Matrix, vectors: np.ndarray, weight: float) -> Matrix:
    dense = sp.csr_matrix(np.asarray(vectors, dtype=np.float32) * np.float32(weight))
    return sp.hstack([x, dense], format="csr", dtype=np.float32)


def join_dense_one(
    sparse: SparseVector, width: int, vector: np.ndarray, dense: DenseInput
) -> SparseVector:
    index, values = sparse
    return (
        np.concatenate([index, width + np.arange(DIM, dtype=np.int64)]),
        np.concatenate([values, np.asarray(vector, dtype=np.float32) * np.float32(dense.weight)]),
    )
