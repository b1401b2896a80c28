"""Plain values and helpers of a bot turn: the reply being built, the turn's context, the
`bot_turns` row and the `message.analysed` event, masking for knowledge gaps. Pure."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from kefu.bot.events import MessageAnalysed
from kefu.bot.flows import flow_for_entry
from kefu.bot.model import Hit, Turn
from kefu.bot.rules import BotRules
from kefu.domain.business import Order
from kefu.domain.conversation import Conversation
from kefu.domain.events import DomainEvent, MessageCreated
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.ports import Shown
from kefu.nlu.normalise import simplified
from kefu.nlu.types import Analysis

_MASKS = (
    (re.compile(r"[^@\s，,]+@[^@\s，,]+\.[A-Za-z]{2,}"), "<email>"),
    (re.compile(r"(?<!\d)1\d{10}(?!\d)"), "<phone>"),
    (re.compile(r"\d{6,}"), "<number>"),
)
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(slots=True)
class Reply:
    text: str
    outcome: str
    payload: dict[str, Any] = field(default_factory=dict)
    #: The suggestions shown under it, whose impression is stored with the reply.
    shown: Shown | None = None
    knowledge_id: str | None = None
    order: Order | None = None


@dataclass(frozen=True, slots=True)
class TurnContext:
    conversation: Conversation
    event: MessageCreated
    turn: Turn
    customer_ref: str | None
    rules: BotRules
    row: dict[str, Any]
    #: Events that go out with the reply, in its transaction (the analysis, a gap).
    pending: list[DomainEvent] = field(default_factory=list)


def mask(text: str) -> str:
    """The text with e-mails, phone numbers and long numbers (order ids) masked."""
    for pattern, placeholder in _MASKS:
        text = pattern.sub(placeholder, text)
    return text


def plain(text: str) -> str:
    """For "the message is one of the entry's phrasings": no spaces or punctuation, lower
    case, simplified script (a phrasing typed in traditional characters is still it)."""
    return _NOT_WORD.sub("", simplified(text)).lower()


def hit_of(
    entry: KnowledgeEntry, score: float, language: str, rules: BotRules, *, exact: bool = False
) -> Hit:
    return Hit(
        entry_id=entry.id,
        question=entry.question.in_language(language),
        score=score,
        flow=flow_for_entry(entry.id, entry.tags, rules.entry_flows),
        category=entry.category[0].id if entry.category else None,
        exact=exact,
    )


def turn_row(
    conversation: Conversation,
    event: MessageCreated,
    analysis: Analysis,
    language: str,
    category: str | None,
) -> dict[str, Any]:
    return {
        "conversation_id": conversation.id,
        "message_seq": event.seq,
        "text": event.text,
        "language": language,
        "intent": analysis.intent.label,
        "confidence": analysis.intent.confidence,
        "is_oos": analysis.intent.is_oos,
        "category": category,
        "emotion_index": analysis.emotion.index,
        "emotion_category": analysis.emotion.category,
        "entities": [asdict(e) for e in analysis.entities],
        "knowledge_id": None,
        "outcome": "silent",
        "reply_text": None,
        "created_at": event.created_at,
    }


def analysed_event(
    event: MessageCreated,
    conversation: Conversation,
    analysis: Analysis,
    category: str | None,
    language: str,
) -> MessageAnalysed:
    return MessageAnalysed(
        occurred_at=event.created_at,
        conversation_id=conversation.id,
        status=conversation.status.value,
        message_id=event.message_id,
        seq=event.seq,
        language=language,
        intent=analysis.intent.label,
        confidence=analysis.intent.confidence,
        is_oos=analysis.intent.is_oos,
        category=category,
        emotion_index=analysis.emotion.index,
        emotion_category=analysis.emotion.category,
        entities=[asdict(e) for e in analysis.entities],
    )
