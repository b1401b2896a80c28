"""The facade the rest of kefu calls: `NluEngine.analyse(text) -> Analysis`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kefu.nlu.build import EMOTION_DIR, INTENT_DIR, KNOWLEDGE_DIR, MODELS_DIR
from kefu.nlu.component import ArtefactError
from kefu.nlu.emotion import EmotionClassifier
from kefu.nlu.entities import extract_entities
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.language import detect_language
from kefu.nlu.matcher import KnowledgeMatcher
from kefu.nlu.normalise import normalise
from kefu.nlu.segment import tokenize
from kefu.nlu.trajectory import EmotionTrajectory
from kefu.nlu.types import Analysis, EmotionReading

#: Models read at most this many characters of a message; longer text is cut. A
#: customer message is rarely longer, and it bounds the time of one analysis.
MAX_CHARS = 2000


@dataclass(slots=True)
class NluEngine:
    """Intent, emotion and knowledge matching behind one call.

    `knowledge` is live: `engine.knowledge.add(entry)` takes effect on the next call.
    """

    intent: IntentClassifier
    emotion: EmotionClassifier
    knowledge: KnowledgeMatcher
    top_k: int = 5

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

    def analyse(self, text: str, *, top_k: int | None = None) -> Analysis:
        """Analyse one customer message. Never raises on empty or odd input."""
        clipped = text[:MAX_CHARS]
        normalised = normalise(clipped)
        return Analysis(
            text=text,
            normalised=normalised,
            language=detect_language(normalised),
            tokens=tokenize(normalised),
            entities=extract_entities(normalised),
            intent=self.intent.predict(clipped),
            emotion=self.emotion.predict(clipped),
            knowledge=self.knowledge.match(clipped, self.top_k if top_k is None else top_k),
        )

    @staticmethod
    def trajectory(readings: Sequence[EmotionReading]) -> EmotionTrajectory:
        """The emotion trajectory of a conversation's customer messages, in order."""
        return EmotionTrajectory.of(readings)
