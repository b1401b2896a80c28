"""Do two questions mean the same? A pair classifier over similarity features.

Features are domain-agnostic similarities (TF-IDF cosine, character and word overlap,
edit similarity, length, numbers, negation, question words), each also cut into bins so a
linear model can bend them. Arrays only; no pair text is stored.

Why no word features: hashed "difference words" (the words one question has and the other
lacks) help on the corpus they are trained on (AFQMC, +0.2 pt) but carry its domain into
every other one (LCQMC fell to chance), and the matcher mostly serves other domains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from kefu.nlu.component import Component, Manifest, data_hash
from kefu.nlu.data import Pair
from kefu.nlu.dense import DenseInput, encoder_config
from kefu.nlu.features import FeatureConfig, Featurizer, SparseVector
from kefu.nlu.normalise import normalise
from kefu.nlu.segment import tokenize

MATCH_FEATURES = FeatureConfig(
    char_ngrams=(1, 3), word_ngrams=(1, 1), char_bits=18, word_bits=17, min_df=0
)
_NEGATIONS = ("不", "没", "无", "未", "别", "非", "not", "no", "never", "don't", "can't")
_QUESTION_WORDS = (
    "怎么",
    "如何",
    "为什么",
    "为啥",
    "什么时候",
    "多久",
    "多少",
    "哪里",
    "哪儿",
    "哪个",
    "能不能",
    "可以",
    "是否",
    "吗",
    "what",
    "why",
    "how",
    "when",
    "where",
    "which",
    "can",
)
#: Questions are short; longer text is cut (edit similarity is quadratic in length).
MAX_CHARS = 256
N_DENSE = 13
N_BINS = 8


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def dense_features(a: str, b: str, cosine: float) -> list[float]:
    """Similarity measures of two normalised texts; `cosine` is their TF-IDF cosine."""
    ta, tb = set(tokenize(a)), set(tokenize(b))
    la, lb = len(a), len(b)
    digits_a = {t for t in ta if t.isdigit()}
    digits_b = {t for t in tb if t.isdigit()}
    neg_a = sum(a.count(n) for n in _NEGATIONS) % 2
    neg_b = sum(b.count(n) for n in _NEGATIONS) % 2
    qa = {q for q in _QUESTION_WORDS if q in a}
    qb = {q for q in _QUESTION_WORDS if q in b}
    return [
        cosine,
        _jaccard(set(a), set(b)),
        _jaccard(_bigrams(a), _bigrams(b)),
        _jaccard(ta, tb),
        SequenceMatcher(None, a, b, autojunk=False).ratio() if la and lb else 0.0,
        min(la, lb) / max(la, lb, 1),
        abs(la - lb) / max(la, lb, 1),
        float(a == b),
        float(digits_a != digits_b),
        float(neg_a != neg_b),
        _jaccard(qa, qb),
        len(ta ^ tb) / max(len(ta | tb), 1),
        float(min(la, lb) == 0),
    ]


def sparse_cosine(a: SparseVector, b: SparseVector) -> float:
    """Dot product of two L2-normalised sparse vectors with sorted indices."""
    _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float(np.dot(a[1][ia], b[1][ib]))


class PairScorer(Component[Sequence[Pair], float]):
    """`score(a, b)` is the probability that a and b ask the same thing."""

    kind: ClassVar[str] = "pairs"

    def __init__(self, featurizer: Featurizer | None = None, c: float = 1.0) -> None:
        self.featurizer = featurizer or Featurizer(MATCH_FEATURES)
        self.c = c
        self.edges = np.zeros((N_DENSE, N_BINS - 1), dtype=np.float64)
        self.coef = np.zeros(0, dtype=np.float64)
        self.intercept = 0.0
        self.threshold = 0.5
        #: P(same) as a logistic function of TF-IDF cosine alone: monotone, so the
        #: knowledge matcher can turn similarities into probabilities without re-ordering.
        self.cosine_coef = (1.0, 0.0)
        #: With the encoder: P(same) = sigmoid(a · e5 cosine + b · TF-IDF cosine + c).
        self.dense_coef: tuple[float, float, float] | None = None
        self.dense_threshold = 0.5
        self.manifest = None

    def _dense(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        a = [normalise(p[0])[:MAX_CHARS] for p in pairs]
        b = [normalise(p[1])[:MAX_CHARS] for p in pairs]
        va, vb = self.featurizer.transform(a), self.featurizer.transform(b)
        cos = np.asarray(va.multiply(vb).sum(axis=1)).ravel()
        return np.asarray([dense_features(x, y, c) for x, y, c in zip(a, b, cos, strict=True)])

    def _matrix(self, dense: np.ndarray) -> sp.csr_matrix:
        binned = []
        for j in range(N_DENSE):
            idx = np.searchsorted(self.edges[j], dense[:, j], side="right")
            binned.append(sp.csr_matrix(np.eye(N_BINS)[idx]))
        return sp.hstack([sp.csr_matrix(dense), *binned], format="csr")

    def train(
        self,
        data: Sequence[Pair],
        vectors: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        dense: bool = True,
    ) -> Self:
        """Fit the lexical scorer and, with the encoder (or `vectors`: the two sides'
        embeddings, row per pair), the encoder scorer."""
        pairs = [(p.text_a, p.text_b) for p in data]
        y = np.asarray([p.label for p in data])
        if len(set(y.tolist())) < 2:
            raise ValueError("need both matching (1) and non-matching (0) pairs to train")
        if not self.featurizer.n_features:
            self.featurizer.fit([t for p in pairs for t in p])
        features = self._dense(pairs)
        quantiles = np.linspace(0, 1, N_BINS + 1)[1:-1]
        self.edges = np.quantile(features, quantiles, axis=0).T
        x = self._matrix(features)
        oof = np.zeros(len(y))
        folds = min(3, int(np.bincount(y).min()))
        if folds >= 2:
            for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
                fold = LogisticRegression(C=self.c, solver="liblinear", max_iter=2000).fit(
                    x[tr], y[tr]
                )
                oof[te] = fold.predict_proba(x[te])[:, 1]
            candidates = np.unique(np.round(oof, 3))
            accuracy = [((oof >= t) == y).mean() for t in candidates]
            self.threshold = float(candidates[int(np.argmax(accuracy))])
        model = LogisticRegression(C=self.c, solver="liblinear", max_iter=2000).fit(x, y)
        by_cosine = LogisticRegression(solver="liblinear").fit(features[:, :1], y)
        self.cosine_coef = (float(by_cosine.coef_[0][0]), float(by_cosine.intercept_[0]))
        self.coef = model.coef_[0].astype(np.float64)
        self.intercept = float(model.intercept_[0])
        cv_accuracy = float(((oof >= self.threshold) == y).mean()) if folds >= 2 else 0.0
        config: dict[str, Any] = {"features": self.featurizer.config.to_dict(), "c": self.c}
        metrics = {"cv_accuracy": cv_accuracy, "threshold": self.threshold}
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=data_hash((p.text_a, p.text_b, str(p.label)) for p in data),
            n_examples=len(data),
            config=config,
            metrics=metrics,
        )
        self.dense_coef = None
        if vectors is None and dense and DenseInput.available():
            dense_input = DenseInput()
            va = dense_input.training_vectors([a for a, _ in pairs])
            vb = dense_input.training_vectors([b for _, b in pairs])
            vectors = (va, vb) if va is not None and vb is not None else None
        if vectors is not None:
            self.fit_dense(data, vectors[0], vectors[1])
        return self

    def fit_dense(self, data: Sequence[Pair], va: np.ndarray, vb: np.ndarray) -> Self:
        """Fit the encoder scorer on `data` and both sides' vectors (rows aligned)."""
        assert self.manifest is not None, "train the lexical scorer first"
        pairs = [(p.text_a, p.text_b) for p in data]
        y = np.asarray([p.label for p in data])
        metrics = {k: v for k, v in self.manifest.metrics.items() if not k.startswith("dense_")}
        metrics.update(self._fit_dense(np.sum(va * vb, axis=1), self._dense(pairs)[:, 0], y))
        config = dict(self.manifest.config)
        config["encoder"] = encoder_config(1.0)
        config["dense_data_hash"] = data_hash((p.text_a, p.text_b, str(p.label)) for p in data)
        self.manifest = Manifest(
            kind=self.kind,
            data_hash=self.manifest.data_hash,
            n_examples=self.manifest.n_examples,
            config=config,
            metrics=metrics,
        )
        return self

    def _fit_dense(self, e5: np.ndarray, tfidf: np.ndarray, y: np.ndarray) -> dict[str, float]:
        """Class-balanced logistic regression: P(same) at an even prior, so the decision
        threshold is 0.5 and does not carry the training set's share of matches (AFQMC
        has 31 % matches; another domain has its own)."""
        x = np.column_stack([e5, tfidf])
        model = LogisticRegression(C=1e4, class_weight="balanced").fit(x, y)
        coef = model.coef_[0]
        self.dense_coef = (float(coef[0]), float(coef[1]), float(model.intercept_[0]))
        self.dense_threshold = 0.5
        folds = min(3, int(np.bincount(y).min()))
        oof = np.zeros(len(y))
        if folds >= 2:
            for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
                fold = LogisticRegression(C=1e4, class_weight="balanced").fit(x[tr], y[tr])
                oof[te] = fold.predict_proba(x[te])[:, 1]
        hit = (oof >= 0.5) == y
        return {
            "dense_cv_balanced_accuracy": float(0.5 * (hit[y == 1].mean() + hit[y == 0].mean())),
            "dense_threshold": self.dense_threshold,
        }

    @property
    def uses_encoder(self) -> bool:
        return self.dense_coef is not None and DenseInput.available()

    def dense_score(self, e5_cosine: float, tfidf_cosine: float) -> float:
        assert self.dense_coef is not None
        a, b, c = self.dense_coef
        return round(1.0 / (1.0 + float(np.exp(-(a * e5_cosine + b * tfidf_cosine + c)))), 6)

    def score_fast(self, a: str, b: str, cosine: float | None = None) -> float:
        """`score(a, b)` without scipy: the per-message hot path of the knowledge matcher.

        Pass `cosine` when the caller already has the TF-IDF cosine of the two texts.
        """
        na, nb = normalise(a)[:MAX_CHARS], normalise(b)[:MAX_CHARS]
        if cosine is None:
            cosine = sparse_cosine(self.featurizer.vector(na), self.featurizer.vector(nb))
        dense = dense_features(na, nb, cosine)
        logit = self.intercept + float(np.dot(self.coef[:N_DENSE], dense))
        for j, value in enumerate(dense):
            idx = int(np.searchsorted(self.edges[j], value, side="right"))
            logit += self.coef[N_DENSE + j * N_BINS + idx]
        return round(1.0 / (1.0 + float(np.exp(-logit))), 6)

    def probability_from_cosine(self, cosine: float) -> float:
        a, b = self.cosine_coef
        return round(1.0 / (1.0 + float(np.exp(-(a * cosine + b)))), 6)

    def score_many(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        x = self._matrix(self._dense(pairs))
        logits = x @ self.coef + self.intercept
        out: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return out

    def score(self, a: str, b: str) -> float:
        if self.uses_encoder:
            dense = DenseInput()
            va, vb = dense.vector(a), dense.vector(b)
            if va is not None and vb is not None:
                na, nb = normalise(a)[:MAX_CHARS], normalise(b)[:MAX_CHARS]
                tfidf = sparse_cosine(self.featurizer.vector(na), self.featurizer.vector(nb))
                return self.dense_score(float(va @ vb), tfidf)
        return self.score_fast(a, b)

    @property
    def active_threshold(self) -> float:
        return self.dense_threshold if self.uses_encoder else self.threshold

    def same(self, a: str, b: str) -> bool:
        return self.score(a, b) >= self.active_threshold

    def predict(self, text: str) -> float:
        """The score of a message against itself split in two halves (contract use only)."""
        half = len(text) // 2
        return self.score(text[:half], text[half:])

    def _state(self) -> dict[str, np.ndarray]:
        return {
            **self.featurizer.state("features."),
            "edges": self.edges,
            "coef": self.coef,
            "intercept": np.asarray([self.intercept]),
            "threshold": np.asarray([self.threshold]),
            "cosine_coef": np.asarray(self.cosine_coef),
            **(
                {
                    "dense_coef": np.asarray(self.dense_coef),
                    "dense_threshold": np.asarray([self.dense_threshold]),
                }
                if self.dense_coef is not None
                else {}
            ),
        }

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        featurizer = Featurizer(FeatureConfig.from_dict(manifest.config["features"]))
        featurizer.set_state(arrays, "features.")
        scorer = cls(featurizer, float(manifest.config["c"]))
        scorer.edges = np.asarray(arrays["edges"])
        scorer.coef = np.asarray(arrays["coef"])
        scorer.intercept = float(arrays["intercept"][0])
        scorer.threshold = float(arrays["threshold"][0])
        scorer.cosine_coef = (float(arrays["cosine_coef"][0]), float(arrays["cosine_coef"][1]))
        if "dense_coef" in arrays:
            a, b, c = (float(v) for v in arrays["dense_coef"])
            scorer.dense_coef = (a, b, c)
            scorer.dense_threshold = float(arrays["dense_threshold"][0])
        return scorer
