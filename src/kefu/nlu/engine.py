"""The facade the rest of kefu calls: `NluEngine.analyse(text) -> Analysis`.

One message is encoded at most once: the engine computes the sentence vector (when the
encoder is installed and the cascade asks for it) and hands the same vector to intent,
emotion and knowledge matching. The cascade skips the encoder when the hashed-feature
intent head is sure (out-of-fold precision ≥ 99 %) and no knowledge match is asked for,
or when the message is only a greeting. `analyse_async` micro-batches the encoder over
messages that arrive together.

Analyses are kept in a small LRU keyed on the normalised text (plus `top_k`, whether the
vector was used, and the knowledge base's edit generation): customers repeat themselves
("好的", "在吗", "你好", pasted order cards), and every model is a pure function of the
normalised text, so a repeat gets the very analysis it would have got, without the work.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from kefu.nlu.build import EMOTION_DIR, INTENT_DIR, KNOWLEDGE_DIR, MODELS_DIR
from kefu.nlu.component import ArtefactError
from kefu.nlu.dense import encoder_text
from kefu.nlu.e5 import shared_encoder
from kefu.nlu.emotion import EmotionClassifier
from kefu.nlu.entities import extract_entities
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.language import detect_language
from kefu.nlu.matcher import KnowledgeMatcher
from kefu.nlu.noise import split_greeting, strip_noise
from kefu.nlu.normalise import normalise
from kefu.nlu.segment import tokenize
from kefu.nlu.trajectory import EmotionTrajectory
from kefu.nlu.types import Analysis, EmotionReading

#: Models read at most this many characters of a message; longer text is cut. A
#: customer message is rarely longer, and it bounds the time of one analysis.
MAX_CHARS = 2000
#: Micro-batching: wait this long for more messages before encoding a batch.
BATCH_WAIT_S = 0.004
BATCH_MAX = 16
#: Analyses kept for exact repeats. Small: the repeats that matter are a few hundred
#: short texts, and an analysis holds its 384-d vector as Python floats (~12 KB).
CACHE_SIZE = 1024

_CacheKey = tuple[str, int, bool, int, int]


@dataclass(slots=True)
class NluEngine:
    """Intent, emotion and knowledge matching behind one call.

    `knowledge` is live: `engine.knowledge.add(entry)` takes effect on the next call.
    """

    intent: IntentClassifier
    emotion: EmotionClassifier
    knowledge: KnowledgeMatcher
    top_k: int = 5
    #: Messages the encoder ran for / messages analysed (for benchmarks).
    encoded: int = 0
    analysed: int = 0
    #: Analyses served from the exact-repeat cache (counted in `analysed` too).
    cache_hits: int = 0
    cache_size: int = CACHE_SIZE
    _cache: OrderedDict[_CacheKey, Analysis] = field(default_factory=OrderedDict)
    _pending: list[tuple[str, asyncio.Future[np.ndarray | None]]] = field(default_factory=list)
    _flush: asyncio.TimerHandle | None = None

    @classmethod
    def load(cls, directory: str | Path) -> NluEngine:
        """Load the three components from `directory/{intent_demo,emotion,knowledge}`."""
        root = Path(directory)
        try:
            return cls(
                intent=IntentClassifier.load(root / INTENT_DIR),
                emotion=EmotionClassifier.load(root / EMOTION_DIR),
                knowledge=KnowledgeMatcher.load(root / KNOWLEDGE_DIR),
            )
        except ArtefactError as exc:
            raise ArtefactError(f"{exc} (build them with `kefu nlu build-models`)") from exc

    @classmethod
    def load_default(cls) -> NluEngine:
        """The built-in models shipped in the package (food-delivery demo intents)."""
        return cls.load(MODELS_DIR)

    @property
    def uses_encoder(self) -> bool:
        return shared_encoder() is not None and (
            self.intent.uses_encoder or self.emotion.uses_encoder or self.knowledge.uses_encoder
        )

    def analyse(
        self, text: str, *, top_k: int | None = None, vector: np.ndarray | None = None
    ) -> Analysis:
        """Analyse one customer message. Never raises on empty or odd input.

        `vector` is the message's encoder vector when the caller already has it
        (`analyse_async` does); otherwise the cascade decides whether to encode."""
        k = self.top_k if top_k is None else top_k
        normalised = normalise(text[:MAX_CHARS])
        greeting, rest = split_greeting(strip_noise(normalised))
        with_vector = vector is not None or (bool(rest) and self._needs_vector(rest, k))
        key = self._key(normalised, k, with_vector)
        found = self._cached(key, text)
        if found is not None:
            return found
        if vector is None and with_vector:
            vector = self._encode(rest)
        analysis = self._analyse(text, normalised, greeting, rest, k, vector)
        self._keep(key, analysis)
        return analysis

    def _analyse(
        self,
        text: str,
        normalised: str,
        greeting: bool,
        rest: str,
        k: int,
        vector: np.ndarray | None,
    ) -> Analysis:
        subject = rest or (normalised if greeting else strip_noise(normalised))
        self.analysed += 1
        return Analysis(
            text=text,
            normalised=normalised,
            language=detect_language(normalised),
            tokens=tokenize(normalised),
            entities=extract_entities(normalised),
            intent=self.intent.predict(subject, vector=vector, encode=False),
            emotion=self.emotion.predict(subject, vector=vector, encode=False),
            knowledge=(self.knowledge.match(rest, k, vector=vector, encode=False) if rest else ()),
            greeting=greeting,
            vector=tuple(vector.tolist()) if vector is not None else None,
        )

    # -- the exact-repeat cache ---------------------------------------------------------

    def _key(self, normalised: str, k: int, with_vector: bool) -> _CacheKey:
        # The knowledge base is live (add/update/remove bump its generation); the other
        # components are replaced, never edited, so their identity is enough.
        models = hash((id(self.intent), id(self.emotion), id(self.knowledge)))
        return normalised, k, with_vector, self.knowledge.generation, models

    def _cached(self, key: _CacheKey, text: str) -> Analysis | None:
        found = self._cache.get(key)
        if found is None:
            return None
        self._cache.move_to_end(key)
        self.analysed += 1
        self.cache_hits += 1
        return found if found.text == text else replace(found, text=text)

    def _keep(self, key: _CacheKey, analysis: Analysis) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = analysis
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def forget(self) -> None:
        """Empties the exact-repeat cache (benchmarks that time every message)."""
        self._cache.clear()

    def _needs_vector(self, rest: str, k: int) -> bool:
        encoder = shared_encoder()
        if encoder is None or not self.uses_encoder:
            return False
        if encoder.cached(encoder_text(rest)) or k > 0:
            return True
        return not self.intent.is_sure(self.intent.predict(rest, encode=False))

    def _encode(self, rest: str) -> np.ndarray | None:
        encoder = shared_encoder()
        if encoder is None:
            return None
        prepared = encoder_text(rest)
        self.encoded += not encoder.cached(prepared)
        return encoder.encode_one(prepared)

    async def analyse_async(self, text: str, *, top_k: int | None = None) -> Analysis:
        """`analyse` for concurrent callers: messages arriving within a few milliseconds
        share one encoder batch (run in a worker thread, off the event loop)."""
        k = self.top_k if top_k is None else top_k
        normalised = normalise(text[:MAX_CHARS])
        _, rest = split_greeting(strip_noise(normalised))
        vector = None
        with_vector = bool(rest) and self._needs_vector(rest, k)
        if with_vector:
            found = self._cached(self._key(normalised, k, True), text)
            if found is not None:
                return found
            loop = asyncio.get_running_loop()
            future: asyncio.Future[np.ndarray | None] = loop.create_future()
            self._pending.append((encoder_text(rest), future))
            if len(self._pending) >= BATCH_MAX:
                self._run_batch()
            elif self._flush is None:
                self._flush = loop.call_later(BATCH_WAIT_S, self._run_batch)
            vector = await future
        return self.analyse(text, top_k=k, vector=vector)

    def _run_batch(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        batch, self._pending = self._pending, []
        if batch:
            asyncio.get_running_loop().create_task(self._encode_batch(batch))

    async def _encode_batch(
        self, batch: list[tuple[str, asyncio.Future[np.ndarray | None]]]
    ) -> None:
        encoder = shared_encoder()
        try:
            if encoder is None:
                vectors: list[np.ndarray | None] = [None] * len(batch)
            else:
                found = await asyncio.to_thread(encoder.encode_many, [t for t, _ in batch])
                vectors = list(found)
                self.encoded += len(batch)
        except Exception as exc:  # the callers see the encoder's error
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), vector in zip(batch, vectors, strict=True):
            if not future.done():
                future.set_result(vector)

    @staticmethod
    def trajectory(readings: Sequence[EmotionReading]) -> EmotionTrajectory:
        """The emotion trajectory of a conversation's customer messages, in order."""
        return EmotionTrajectory.of(readings)
