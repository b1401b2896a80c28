"""Hashed TF-IDF features over character and word n-grams.

Hashing means a trained artefact holds bucket numbers and weights, never the n-grams
themselves: models built from corpora that state no licence ship none of their text. After
hashing, only the buckets seen in at least `min_df` training documents are kept, so the
weight matrices stay small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from kefu.nlu.normalise import normalise
from kefu.nlu.segment import tokenize

#: scipy.sparse.csr_matrix; scipy ships no type hints, so to mypy it is Any.
Matrix: TypeAlias = Any
#: A single message's vector: column indices (sorted) and values.
SparseVector = tuple[np.ndarray, np.ndarray]


def bucket(feature: str, n_features: int) -> int:
    """The bucket `HashingVectorizer(alternate_sign=False)` puts a feature in."""
    h = int(murmurhash3_32(feature, seed=0))
    if h == -(2**31):
        return (2**31 - 1 - (n_features - 1)) % n_features
    return abs(h) % n_features


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """How text becomes a vector. Part of every artefact's manifest."""

    char_ngrams: tuple[int, int] = (1, 4)
    word_ngrams: tuple[int, int] = (1, 2)
    char_bits: int = 20
    word_bits: int = 20
    min_df: int = 1
    sublinear_tf: bool = True
    char_analyzer: str = "char_wb"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureConfig:
        return cls(
            char_ngrams=(int(data["char_ngrams"][0]), int(data["char_ngrams"][1])),
            word_ngrams=(int(data["word_ngrams"][0]), int(data["word_ngrams"][1])),
            char_bits=int(data["char_bits"]),
            word_bits=int(data["word_bits"]),
            min_df=int(data["min_df"]),
            sublinear_tf=bool(data["sublinear_tf"]),
            char_analyzer=str(data.get("char_analyzer", "char_wb")),
        )


def word_ngrams(text: str, ngrams: tuple[int, int]) -> list[str]:
    """Word n-grams of normalised text, joined with a space."""
    tokens = tokenize(text)
    low, high = ngrams
    out: list[str] = []
    for n in range(low, high + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


class Featurizer:
    """Text → L2-normalised TF-IDF vector over the hashed buckets kept at fit time."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        cfg = self.config
        self._char = HashingVectorizer(
            analyzer=cfg.char_analyzer,
            ngram_range=cfg.char_ngrams,
            n_features=2**cfg.char_bits,
            alternate_sign=False,
            norm=None,
            lowercase=False,
            dtype=np.float32,
        )
        self._word = HashingVectorizer(
            analyzer=self._words,
            n_features=2**cfg.word_bits,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )
        self._char_analyzer = self._char.build_analyzer()
        self.columns: np.ndarray = np.zeros(0, dtype=np.int64)
        self.idf: np.ndarray = np.zeros(0, dtype=np.float32)
        self._remap: np.ndarray = np.zeros(0, dtype=np.int64)

    def vector(self, text: str) -> SparseVector:
        """One message's vector, without scipy: the per-message hot path (~0.2 ms).

        Same buckets, IDF and normalisation as `transform`; tests hold the two equal.
        """
        doc = normalise(text)
        n_char = 2**self.config.char_bits
        n_word = 2**self.config.word_bits
        counts: dict[int, int] = {}
        for gram in self._char_analyzer(doc):
            b = bucket(gram, n_char)
            counts[b] = counts.get(b, 0) + 1
        for gram in self._words(doc):
            b = n_char + bucket(gram, n_word)
            counts[b] = counts.get(b, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        raw = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if self.columns.size != n_char + n_word:
            self._ensure_remap(n_char + n_word)
            raw = self._remap[raw]
            keep = raw >= 0
            raw, values = raw[keep], values[keep]
        order = np.argsort(raw)
        raw, values = raw[order], values[order]
        if self.config.sublinear_tf:
            values = np.log1p(values)
        values = values * self.idf[raw]
        norm = float(np.sqrt(np.dot(values, values)))
        if norm > 0:
            values = values / norm
        return raw, values.astype(np.float32)

    def _ensure_remap(self, total: int) -> None:
        if self._remap.size != total:
            remap = np.full(total, -1, dtype=np.int64)
            remap[self.columns] = np.arange(self.columns.size)
            self._remap = remap

    def _words(self, text: str) -> list[str]:
        return word_ngrams(text, self.config.word_ngrams)

    @property
    def n_features(self) -> int:
        return int(self.columns.size)

    def hashed(self, texts: Sequence[str]) -> Matrix:
        """Raw bucket counts: stateless, so they can be computed once and reused across
        cross-validation folds (`fit_counts`, `weight`)."""
        return self._hashed(texts)

    def _hashed(self, texts: Sequence[str]) -> Matrix:
        docs = [normalise(t) for t in texts]
        counts = sp.hstack([self._char.transform(docs), self._word.transform(docs)], format="csr")
        return counts

    def fit(self, texts: Sequence[str]) -> Matrix:
        """Learn which buckets to keep and their IDF; return the training matrix.

        With `min_df=0` every bucket is kept and unseen ones get the highest IDF, which
        suits a knowledge base whose words the fitting corpus may never have seen.
        """
        return self.fit_counts(self._hashed(texts))

    def fit_counts(self, counts: Matrix) -> Matrix:
        """`fit` on counts from `hashed`."""
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.columns = np.flatnonzero(df >= self.config.min_df).astype(np.int64)
        self._remap = np.zeros(0, dtype=np.int64)
        n = counts.shape[0]
        idf = np.log((1.0 + n) / (1.0 + df[self.columns])) + 1.0
        # float16 precision: stored as float16, so the fitted and loaded models agree.
        self.idf = idf.astype(np.float16).astype(np.float32)
        return self._weight(counts)

    def transform(self, texts: Sequence[str]) -> Matrix:
        return self._weight(self._hashed(texts))

    def weight(self, counts: Matrix) -> Matrix:
        """`transform` on counts from `hashed`."""
        return self._weight(counts)

    def _weight(self, counts: Matrix) -> Matrix:
        x = self._select(counts)
        if self.config.sublinear_tf:
            np.log1p(x.data, out=x.data)
        x = x.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        scaled: Matrix = sp.diags((1.0 / norms).astype(np.float32)) @ x
        scaled = scaled.astype(np.float32).tocsr()
        scaled.sort_indices()
        return scaled

    def _select(self, counts: Matrix) -> Matrix:
        """Keep the fitted buckets, renumbered 0..n-1. O(nnz): column slicing a matrix
        with millions of columns costs milliseconds per message, this does not."""
        if self.columns.size == counts.shape[1]:
            return counts.tocsr(copy=True)
        self._ensure_remap(counts.shape[1])
        new = self._remap[counts.indices]
        keep = new >= 0
        row_of = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        selected: Matrix = sp.csr_matrix(
            (counts.data[keep], (row_of[keep], new[keep])),
            shape=(counts.shape[0], self.columns.size),
            dtype=np.float32,
        )
        return selected

    def state(self, prefix: str = "") -> dict[str, np.ndarray]:
        # Kept buckets are sorted, so their gaps are small numbers that compress well.
        return {
            f"{prefix}columns": np.diff(self.columns, prepend=0).astype(np.uint32),
            f"{prefix}idf": self.idf.astype(np.float16),
        }

    def set_state(self, arrays: Mapping[str, np.ndarray], prefix: str = "") -> None:
        self.columns = np.cumsum(np.asarray(arrays[f"{prefix}columns"], dtype=np.int64))
        self._remap = np.zeros(0, dtype=np.int64)
        self.idf = np.asarray(arrays[f"{prefix}idf"], dtype=np.float32)
