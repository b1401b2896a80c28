"""The values `kefu.nlu` hands to the rest of kefu. All frozen, all typed.

These are the stable contract for the bot, hand-over and routing packages: add fields at
the end with defaults, never rename or remove one without a deprecation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kefu.nlu.language import Language

#: Emotion categories, in a fixed order. "anxiety" covers fear and worry; "joy" covers
#: happiness and satisfaction.
EMOTION_CATEGORIES: tuple[str, ...] = ("anger", "anxiety", "sadness", "joy", "surprise", "neutral")

#: The intent label of a message that matches no intent.
OOS_LABEL = "oos"


@dataclass(frozen=True, slots=True)
class Entity:
    """A span of the normalised text with a canonical value.

    `label` is one of order_id, phone, amount, relative_time, address. `value` is the
    canonical text ("13812345678", "12.50 CNY", "-1800s"); `number` and `unit` carry the
    amount (unit CNY or USD) or the time offset from now (unit "s", negative = past).
    """

    label: str
    text: str
    start: int
    end: int
    value: str
    number: float | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class IntentPrediction:
    """The intent of a message.

    `confidence` is a calibrated probability of `label`. `is_oos` is True when the
    message matches no intent well enough; `label` is then "oos" and `best_guess` keeps
    the nearest in-scope intent. `ranking` lists the top intents with their probabilities.
    """

    label: str
    confidence: float
    is_oos: bool
    best_guess: str
    ranking: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class EmotionReading:
    """The emotion of one message.

    `index` runs from 1 (very negative) to 5 (very positive), 3 is neutral; `valence` is
    the same reading as a number in [-1, 1]. `scores` holds a probability for each of
    `EMOTION_CATEGORIES` (they sum to 1) and `category` is the most probable one.
    """

    index: int
    valence: float
    category: str
    scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def negative_intensity(self) -> float:
        """Probability mass on anger, anxiety and sadness: what hand-over rules threshold."""
        return sum(self.scores.get(c, 0.0) for c in ("anger", "anxiety", "sadness"))


@dataclass(frozen=True, slots=True)
class KnowledgeMatch:
    """A knowledge-base entry that may answer the message.

    `score` in [0, 1] is the probability that the message asks the same thing as
    `matched_text` (the entry's standard question or one of its phrasings).
    """

    entry_id: str
    question: str
    score: float
    matched_text: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything `NluEngine.analyse` knows about one message.

    `greeting` is True when the message opens with a greeting ("你好", "在吗", "hi");
    intent, emotion and knowledge then read the rest of the message ("你好 什么时候发货"
    is analysed as "什么时候发货"). `vector` is the message's unit 384-d sentence
    embedding (multilingual-e5-small) when the encoder ran for it, else None.
    """

    text: str
    normalised: str
    language: Language
    tokens: tuple[str, ...]
    entities: tuple[Entity, ...]
    intent: IntentPrediction
    emotion: EmotionReading
    knowledge: tuple[KnowledgeMatch, ...]
    greeting: bool = False
    vector: tuple[float, ...] | None = None
