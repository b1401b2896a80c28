"""Knowledge matching: which knowledge-base entries answer a customer's question?

Each entry has a standard question and any number of similar phrasings. An entry's
similarity to a message is the mean of two TF-IDF cosines: with its closest phrasing (a
nearest neighbour: one or two phrasings are enough to start) and with the centroid of all
its phrasings (which sharpens as phrasings are added). On CLINC150 intents used as entries,
with held-out *training* utterances as questions, top-1 went from 0.42 with one phrasing to
0.60 with five and 0.80 with twenty; closest phrasing alone gave 0.55 and 0.72. The score
is a probability of "same meaning", a logistic function of that similarity fitted by the
pair scorer, so it never re-orders the ranking. (Re-ranking with the full pair scorer was
measured and dropped: its AFQMC-shaped features cost ~20 points of top-1.)

With the sentence encoder, every phrasing also has a multilingual-e5 vector, and the
similarity becomes a weighted sum of the e5 cosines (nearest phrasing, centroid) and the
TF-IDF one; `score` is then a logistic function of that similarity fitted on retrieval
episodes from other data (`kefu.nlu.calibration`): the probability that the entry answers
the message. Vectors are cached per phrasing text: an edit encodes only the new texts.

Adding, updating or removing an entry only re-encodes that entry's phrasings: the IDF
and the pair scorer are fixed, so nothing is retrained.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import ClassVar, Self

import numpy as np
import scipy.sparse as sp

from kefu.nlu.component import Component, Manifest, data_hash
from kefu.nlu.dense import encoder_text
from kefu.nlu.e5 import DIM, clip, shared_encoder, text_key
from kefu.nlu.entries import KnowledgeEntry as KnowledgeEntry  # also its home for callers
from kefu.nlu.features import Featurizer, SparseVector
from kefu.nlu.language import has_chinese
from kefu.nlu.linear import quantise
from kefu.nlu.pairs import MATCH_FEATURES, PairScorer
from kefu.nlu.types import KnowledgeMatch

#: Similarity with the encoder = weights · (e5 nearest, e5 centroid, TF-IDF similarity);
#: score = sigmoid(a · similarity + b). Defaults; `kefu nlu build-models` fits them.
DEFAULT_DENSE_WEIGHTS = (0.4, 0.4, 0.2)
#: Until fitted: similarity 0.8 → 0.5 (roughly where e5-small paraphrases start).
DEFAULT_CALIBRATION = (15.0, -12.0)
#: Rows, phrasing vectors, centroids of all phrasings and of those not in Chinese, of an index.
_DenseIndex = tuple[list[tuple[str, str]], np.ndarray, np.ndarray, np.ndarray]


_Index = tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray, list[tuple[str, str]]]


class KnowledgeMatcher(Component[Sequence[KnowledgeEntry], tuple[KnowledgeMatch, ...]]):
    kind: ClassVar[str] = "knowledge"

    def __init__(self, pairs: PairScorer | None = None, *, top_k: int = 5) -> None:
        self.pairs = pairs
        self.featurizer = pairs.featurizer if pairs else Featurizer(MATCH_FEATURES)
        self.top_k = top_k
        self.entries: dict[str, KnowledgeEntry] = {}
        self._vectors: dict[str, list[SparseVector]] = {}
        self._index: _Index | None = None
        # Bumped by every edit: an index built while an edit happened is not kept, so a
        # reader in another thread (a test, an admin tool) never pins a stale index.
        self._generation = 0
        self.dense_weights: tuple[float, float, float] = DEFAULT_DENSE_WEIGHTS
        #: (a, b) of sigmoid(a · similarity + b) with the encoder (None: never use it).
        self.dense_calibration: tuple[float, float] | None = DEFAULT_CALIBRATION
        #: Encoder vectors by text hash: the shipped seed plus every phrasing encoded.
        self._text_vectors: dict[bytes, np.ndarray] = {}
        self._dense_index: _DenseIndex | None = None
        self.manifest = None

    # -- the knowledge base ------------------------------------------------------------

    def train(self, data: Sequence[KnowledgeEntry]) -> Self:
        """Replace the whole knowledge base with `data`."""
        if self.pairs is None:
            # Without a pair scorer there is no corpus IDF: learn it from the entries.
            self.featurizer.fit([t for e in data for t in e.texts] or [""])
        self.entries, self._vectors = {}, {}
        for entry in data:
            self._put(entry)
        self._refresh_manifest()
        self.warm()  # encode the phrasings now, not in the first customer's match
        return self

    def add(self, entry: KnowledgeEntry) -> None:
        """Add an entry, or replace the entry with the same id. Takes effect at once."""
        self._put(entry)
        self._refresh_manifest()

    def _put(self, entry: KnowledgeEntry) -> None:
        if not entry.texts:
            raise ValueError(f"knowledge entry {entry.id!r} has no question text")
        self.entries[entry.id] = entry
        self._vectors[entry.id] = [self.featurizer.vector(t) for t in entry.texts]
        self._generation += 1
        self._index = None

    def update(self, entry: KnowledgeEntry) -> None:
        if entry.id not in self.entries:
            raise KeyError(f"no knowledge entry {entry.id!r} to update")
        self.add(entry)

    def remove(self, entry_id: str) -> None:
        if self.entries.pop(entry_id, None) is None:
            raise KeyError(f"no knowledge entry {entry_id!r} to remove")
        del self._vectors[entry_id]
        self._generation += 1
        self._index = None
        self._refresh_manifest()

    def fork(self, entries: Sequence[KnowledgeEntry]) -> KnowledgeMatcher:
        """A matcher holding only `entries`, scoring exactly as this one does (same pair
        scorer, features, calibration, cached encoder vectors). An entry's score depends on
        that entry alone, so this scores a candidate edit without touching the live
        matcher (the learning loop's pre-check)."""
        other = KnowledgeMatcher(self.pairs, top_k=self.top_k)
        other.featurizer = self.featurizer
        other.dense_weights = self.dense_weights
        other.dense_calibration = self.dense_calibration
        other._text_vectors = dict(self._text_vectors)
        for entry in entries:
            other._put(entry)
        other._refresh_manifest()
        return other

    @property
    def generation(self) -> int:
        """Bumped by every edit of the knowledge base (callers key caches on it)."""
        return self._generation

    def _refresh_manifest(self) -> None:
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=data_hash((e.id, e.question, *e.phrasings) for e in self.entries.values()),
            n_examples=len(self.entries),
            config={
                "top_k": self.top_k,
                "features": self.featurizer.config.to_dict(),
                "pairs": self.pairs.manifest.to_json()
                if self.pairs and self.pairs.manifest
                else None,
            },
            metrics=dict(self.pairs.manifest.metrics) if self.pairs and self.pairs.manifest else {},
        )

    # -- matching ----------------------------------------------------------------------

    def _matrix(self) -> _Index:
        """Phrasing vectors as a (features × rows) matrix grouped by entry, the entries'
        normalised centroids as (features × entries), entry start rows, (entry, text)."""
        index = self._index
        if index is None:
            generation = self._generation
            rows: list[tuple[str, str]] = []
            starts: list[int] = []
            data, indices, indptr = [], [], [0]
            for entry_id, vectors in list(self._vectors.items()):
                starts.append(len(rows))
                for text, (idx, values) in zip(self.entries[entry_id].texts, vectors, strict=True):
                    rows.append((entry_id, text))
                    indices.append(idx)
                    data.append(values)
                    indptr.append(indptr[-1] + idx.size)
            width = max(self.featurizer.n_features, 1)
            matrix = sp.csr_matrix(
                (
                    np.concatenate(data) if data else np.zeros(0, dtype=np.float32),
                    np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                    np.asarray(indptr),
                ),
                shape=(len(rows), width),
            )
            # Sum each entry's rows with a sparse (entries × rows) 0/1 matrix, then L2-norm.
            owner = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(rows))))
            group = sp.csr_matrix(
                (np.ones(len(rows)), (owner, np.arange(len(rows)))),
                shape=(len(starts), len(rows)),
            )
            sums = (group @ matrix).tocsr()
            norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
            centroids = sp.diags(1.0 / np.where(norms == 0, 1.0, norms)) @ sums
            index = (
                matrix.T.tocsr(),
                centroids.T.tocsr(),
                np.asarray(starts, dtype=np.int64),
                rows,
            )
            if generation == self._generation:
                self._index = index
        return index

    # -- encoder vectors ----------------------------------------------------------------

    @property
    def uses_encoder(self) -> bool:
        return self.dense_calibration is not None and shared_encoder() is not None

    def _text_vector(self, text: str) -> np.ndarray:
        prepared = encoder_text(text)
        key = text_key(clip(prepared))
        vector = self._text_vectors.get(key)
        if vector is None:
            encoder = shared_encoder()
            assert encoder is not None
            vector = quantise(encoder.encode_one(prepared))
            self._text_vectors[key] = vector
        return vector

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Take encoder vectors computed elsewhere (a build's disk cache) for `texts`."""
        for text, row in zip(texts, vectors, strict=True):
            self._text_vectors[text_key(clip(encoder_text(text)))] = quantise(row)

    def warm(self) -> int:
        """Encode every phrasing not encoded yet (in batches); returns how many were."""
        encoder = shared_encoder()
        if encoder is None or self.dense_calibration is None:
            return 0
        texts = [t for e in list(self.entries.values()) for t in e.texts]
        prepared = {text_key(clip(encoder_text(t))): encoder_text(t) for t in texts}
        todo = [(k, t) for k, t in prepared.items() if k not in self._text_vectors]
        for start in range(0, len(todo), 32):
            part = todo[start : start + 32]
            for (key, _), row in zip(part, encoder.encode([t for _, t in part]), strict=True):
                self._text_vectors[key] = quantise(row)
        return len(todo)

    def _dense(self, rows: list[tuple[str, str]], starts: np.ndarray) -> _DenseIndex:
        """(rows × DIM) phrasing vectors, the entries' unit centroids of all their phrasings
        and of their phrasings not in Chinese (the whole centroid for an entry with none),
        for exactly the index whose `rows` are given (an edit in another thread makes a new
        index)."""
        cached = self._dense_index
        if cached is not None and cached[0] is rows:
            return cached
        self.warm()
        matrix = (
            np.stack([self._text_vector(t) for _, t in rows])
            if rows
            else np.zeros((0, DIM), dtype=np.float32)
        )
        centroids = _unit_sums(matrix, starts)
        other = np.array([not has_chinese(t) for _, t in rows], dtype=bool)
        if rows:
            has_other = np.add.reduceat(other.astype(np.int64), starts) > 0
            part = _unit_sums(matrix * other[:, None].astype(np.float32), starts)
            other_centroids = np.where(has_other[:, None], part, centroids).astype(np.float32)
        else:
            other_centroids = centroids
        self._dense_index = (rows, matrix, centroids, other_centroids)
        return self._dense_index

    def similarities(
        self,
        text: str,
        vector: np.ndarray | None = None,
        *,
        encode: bool = True,
        index: _Index | None = None,
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """Per entry similarity, per phrasing row score (for `matched_text`), and whether
        the encoder was used, against `index` (default: the current one)."""
        by_feature, centroids, starts, rows = index if index is not None else self._matrix()
        idx, values = self.featurizer.vector(text)
        if idx.size:
            cos = np.asarray(by_feature[idx].T @ values).ravel()
            to_centroid = np.asarray(centroids[idx].T @ values).ravel()
        else:
            cos, to_centroid = np.zeros(len(rows)), np.zeros(len(starts))
        lexical = 0.5 * np.maximum.reduceat(cos, starts) + 0.5 * to_centroid
        if self.dense_calibration is None or shared_encoder() is None:
            return lexical, cos, False
        if vector is None:
            encoder = shared_encoder()
            if not encode or encoder is None:
                return lexical, cos, False
            prepared = encoder_text(text)
            known = self._text_vectors.get(text_key(clip(prepared)))
            vector = known if known is not None else encoder.encode_one(prepared)
        # A message in another script than Chinese is compared with the centroid of the
        # entry's phrasings in that script: the whole centroid is mostly Chinese (entries have
        # more Chinese phrasings) and scores an English message low however well it matches
        # its own language's phrasings. A Chinese message keeps the whole centroid.
        _, matrix, all_centroids, other_centroids = self._dense(rows, starts)
        dense_centroids = all_centroids if has_chinese(text) else other_centroids
        dense_cos = matrix @ vector
        w_near, w_centroid, w_lexical = self.dense_weights
        similarity = (
            w_near * np.maximum.reduceat(dense_cos, starts)
            + w_centroid * (dense_centroids @ vector)
            + w_lexical * lexical
        )
        return similarity, dense_cos + 0.1 * cos, True

    def probability(self, similarity: float, dense: bool) -> float:
        if dense and self.dense_calibration is not None:
            a, b = self.dense_calibration
            return 1.0 / (1.0 + float(np.exp(-(a * similarity + b))))
        return (
            self.pairs.probability_from_cosine(similarity) if self.pairs else max(similarity, 0.0)
        )

    def match(
        self,
        text: str,
        k: int | None = None,
        *,
        vector: np.ndarray | None = None,
        encode: bool = True,
    ) -> tuple[KnowledgeMatch, ...]:
        """The best `k` entries for `text`, most likely first, with scores in [0, 1].

        `vector` is the message's encoder vector when the caller has it; without it the
        matcher encodes `text` itself, unless `encode=False` (TF-IDF only)."""
        k = self.top_k if k is None else k
        if not self.entries or k <= 0 or not text.strip():
            return ()
        index = self._matrix()  # one index for the whole call, even if an edit lands
        _, _, starts, rows = index
        similarity, cos, dense = self.similarities(text, vector, encode=encode, index=index)
        if not dense and not cos.any():
            return ()
        chosen = np.argsort(-similarity, kind="stable")[:k]
        ends = np.append(starts[1:], len(rows))
        results: list[KnowledgeMatch] = []
        for e in chosen:
            r = int(starts[e] + np.argmax(cos[starts[e] : ends[e]]))
            entry_id, matched = rows[r]
            score = self.probability(float(similarity[e]), dense)
            entry = self.entries.get(entry_id)  # None if removed while matching
            question = entry.question if entry is not None else matched
            results.append(KnowledgeMatch(entry_id, question, round(score, 6), matched))
        return tuple(results)

    def predict(self, text: str) -> tuple[KnowledgeMatch, ...]:
        return self.match(text)

    # -- persistence -------------------------------------------------------------------

    def _state(self) -> dict[str, np.ndarray]:
        entries = json.dumps([e.to_dict() for e in self.entries.values()], ensure_ascii=False)
        arrays: dict[str, np.ndarray] = {"entries": np.asarray([entries], dtype=np.str_)}
        if self.pairs is not None:
            arrays.update({f"pairs.{k}": v for k, v in self.pairs._state().items()})
        else:
            arrays.update(self.featurizer.state("features."))
        if self.dense_calibration is not None:
            arrays["dense.weights"] = np.asarray(self.dense_weights, dtype=np.float64)
            arrays["dense.calibration"] = np.asarray(self.dense_calibration, dtype=np.float64)
            self.warm()
            keys = sorted(self._text_vectors)
            arrays["dense.keys"] = np.asarray(keys, dtype="S20")
            arrays["dense.vectors"] = np.asarray(
                [self._text_vectors[k] for k in keys], dtype=np.float16
            ).reshape(len(keys), DIM)
        return arrays

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        config = manifest.config
        pairs = None
        if config.get("pairs"):
            sub = Manifest.from_json(str(config["pairs"]))
            prefix = "pairs."
            pairs = PairScorer._from_state(
                sub, {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
            )
            pairs.manifest = sub
        matcher = cls(pairs, top_k=int(config["top_k"]))
        if pairs is None:
            matcher.featurizer.set_state(arrays, "features.")
        if "dense.calibration" in arrays:
            w = arrays["dense.weights"]
            matcher.dense_weights = (float(w[0]), float(w[1]), float(w[2]))
            a, b = arrays["dense.calibration"]
            matcher.dense_calibration = (float(a), float(b))
            vectors = arrays["dense.vectors"].astype(np.float32)
            matcher._text_vectors = {
                bytes(k): v for k, v in zip(arrays["dense.keys"], vectors, strict=True)
            }
        for item in json.loads(str(arrays["entries"][0])):
            matcher._put(KnowledgeEntry.from_dict(item))
        return matcher


def _unit_sums(matrix: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each entry's rows summed (rows grouped from `starts`) and scaled to unit length."""
    if not len(matrix):
        return matrix
    sums = np.add.reduceat(matrix, starts, axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms == 0, 1.0, norms)).astype(np.float32)
