"""What the bot remembers of each customer message: one `BotTurn` per row of `bot_turns`.

The bot (``kefu.bot``) writes these; assist only reads them. Kept as a plain value here so
the card builder and its tests need neither the bot nor a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kefu.nlu.trajectory import EmotionTrajectory
from kefu.nlu.types import EmotionReading

#: Outcomes of a bot turn in which the bot did not solve anything.
FAILED_OUTCOMES = frozenset({"unknown", "clarified"})
#: Outcomes in which the bot replied (everything except handing over).
REPLY_OUTCOMES = frozenset(
    {"answered", "clarified", "unknown", "flow_step", "flow_done", "drafted"}
)
NEGATIVE_EMOTIONS = frozenset({"anger", "anxiety", "sadness"})


@dataclass(frozen=True, slots=True)
class BotTurn:
    message_seq: int
    text: str
    language: str = "zh"
    intent: str | None = None
    confidence: float = 0.0
    is_oos: bool = False
    category: str | None = None
    emotion_index: int = 3
    emotion_category: str = "neutral"
    entities: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    knowledge_id: str | None = None
    outcome: str | None = None
    reply_text: str | None = None
    created_at: datetime | None = None

    @property
    def order_ids(self) -> list[str]:
        return [
            str(e.get("value") or e.get("text"))
            for e in self.entities
            if e.get("label") == "order_id" and (e.get("value") or e.get("text"))
        ]

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED_OUTCOMES

    @property
    def replied(self) -> bool:
        return self.outcome in REPLY_OUTCOMES


def is_negative(emotion_category: str | None, emotion_index: int | None) -> bool:
    """Anger, anxiety or sadness, or a very negative index (1), counts as upset. An index of
    2 alone does not: the engine reads plain questions such as "我的外卖到哪了" as 2, and an
    apology to a calm customer sounds odd."""
    return emotion_category in NEGATIVE_EMOTIONS or (
        emotion_index is not None and emotion_index <= 1
    )


def reading(index: int, category: str) -> EmotionReading:
    """An `EmotionReading` rebuilt from what a turn stored (valence is the index rescaled)."""
    index = min(5, max(1, index))
    return EmotionReading(index=index, valence=(index - 3) / 2, category=category)


def trajectory_of(turns: Sequence[BotTurn]) -> EmotionTrajectory:
    return EmotionTrajectory.of([reading(t.emotion_index, t.emotion_category) for t in turns])


def dominant_intent(turns: Sequence[BotTurn]) -> tuple[str | None, int]:
    """The intent asked most often (ties go to the latest) and how many times."""
    counts: dict[str, int] = {}
    last_at: dict[str, int] = {}
    for i, turn in enumerate(turns):
        if turn.intent and not turn.is_oos and turn.intent != "oos":
            counts[turn.intent] = counts.get(turn.intent, 0) + 1
            last_at[turn.intent] = i
    if not counts:
        return None, 0
    best = max(counts, key=lambda k: (counts[k], last_at[k]))
    return best, counts[best]


def turn_from_row(row: Mapping[str, Any]) -> BotTurn:
    """A `bot_turns` row (or the same keys from `kefu.bot.memory`) as a `BotTurn`."""
    entities = row.get("entities") or []
    return BotTurn(
        message_seq=int(row.get("message_seq") or 0),
        text=str(row.get("text") or ""),
        language=str(row.get("language") or "zh"),
        intent=row.get("intent"),
        confidence=float(row.get("confidence") or 0.0),
        is_oos=bool(row.get("is_oos")),
        category=row.get("category"),
        emotion_index=int(row.get("emotion_index") or 3),
        emotion_category=str(row.get("emotion_category") or "neutral"),
        entities=tuple(dict(e) for e in entities if isinstance(e, Mapping)),
        knowledge_id=row.get("knowledge_id"),
        outcome=row.get("outcome"),
        reply_text=row.get("reply_text"),
        created_at=row.get("created_at"),
    )
