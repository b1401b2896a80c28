"""The team's past replies, found again by the customer message they answered.

Each agent reply is indexed under the customer message it followed. A new customer message
is compared with those by TF-IDF cosine over character n-grams (Chinese needs no word
segmentation for that, English gets sub-word matches). The index grows one pair at a time:
document frequencies are counted as pairs arrive and IDF is applied at query time, so adding
a reply never means refitting.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from kefu.nlu.features import Matrix
from kefu.nlu.normalise import normalise

N_FEATURES = 2**18
#: Below this cosine a past reply is not offered: it answered something else.
MIN_SIMILARITY = 0.3
#: The oldest pairs are dropped beyond this, per account.
MAX_PAIRS = 20_000


@dataclass(frozen=True, slots=True)
class ReplyPair:
    customer_text: str
    reply_text: str
    conversation_id: str
    reply_seq: int


@dataclass(frozen=True, slots=True)
class ReplyHit:
    reply_text: str
    similarity: float
    uses: int  # how many times the team sent this same reply to similar messages

    @property
    def id(self) -> str:
        return "reply:" + hashlib.sha1(self.reply_text.encode("utf-8")).hexdigest()[:12]


class ReplyIndex:
    def __init__(self, *, max_pairs: int = MAX_PAIRS) -> None:
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            n_features=N_FEATURES,
            alternate_sign=False,
            norm=None,
        )
        self._max_pairs = max_pairs
        self._pairs: OrderedDict[tuple[str, int], ReplyPair] = OrderedDict()
        self._rows: OrderedDict[tuple[str, int], Matrix] = OrderedDict()
        self._df = np.zeros(N_FEATURES, dtype=np.float64)
        self._matrix: tuple[Matrix, np.ndarray, Matrix] | None = None
        self._keys: list[tuple[str, int]] = []

    def __len__(self) -> int:
        return len(self._pairs)

    def _tf(self, text: str) -> Matrix:
        counts = self._vectorizer.transform([normalise(text)])
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf
        return counts.tocsr()

    def add(self, pair: ReplyPair) -> None:
        key = (pair.conversation_id, pair.reply_seq)
        if key in self._pairs or not pair.customer_text.strip() or not pair.reply_text.strip():
            return
        row = self._tf(pair.customer_text)
        self._pairs[key] = pair
        self._rows[key] = row
        self._df[row.indices] += 1
        while len(self._pairs) > self._max_pairs:
            old_key, _ = self._pairs.popitem(last=False)
            old = self._rows.pop(old_key)
            self._df[old.indices] -= 1
        self._matrix = None

    def _weighted(self) -> tuple[Matrix, np.ndarray, Matrix]:
        """Documents weighted by the current IDF, their norms, and the IDF itself; cached
        until the next pair arrives."""
        if self._matrix is None:
            self._keys = list(self._rows)
            n = len(self._keys)
            weights = sp.diags(np.log((1.0 + n) / (1.0 + self._df)) + 1.0)
            docs = sp.vstack(list(self._rows.values()), format="csr") @ weights
            norms = np.sqrt(np.asarray(docs.multiply(docs).sum(axis=1)).ravel())
            self._matrix = (docs, norms, weights)
        docs, norms, weights = self._matrix
        return docs, norms, weights

    def search(
        self, text: str, *, top_k: int = 3, min_similarity: float = MIN_SIMILARITY
    ) -> list[ReplyHit]:
        if not self._pairs or not text.strip():
            return []
        docs, norms, weights = self._weighted()
        query = self._tf(text) @ weights
        q_norm = float(np.sqrt(query.multiply(query).sum()))
        if q_norm == 0.0:
            return []
        scores = np.asarray((docs @ query.T).todense()).ravel() / np.maximum(norms * q_norm, 1e-12)
        best: dict[str, tuple[float, int]] = {}
        for i in np.argsort(-scores):
            score = float(scores[i])
            if score < min_similarity:
                break
            reply = self._pairs[self._keys[i]].reply_text.strip()
            seen = best.get(reply)
            best[reply] = (max(score, seen[0]) if seen else score, (seen[1] if seen else 0) + 1)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))
        return [
            ReplyHit(reply_text=reply, similarity=round(score, 4), uses=uses)
            for reply, (score, uses) in ranked[:top_k]
        ]
