"""The bot: what it understood, what it did, how customers rated it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from kefu.domain.events.base import ConversationEvent


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageAnalysed(ConversationEvent):
    """One customer message through the language engine, whoever answers it."""

    name: ClassVar[str] = "message.analysed"
    message_id: str
    seq: int
    language: str
    intent: str
    confidence: float
    is_oos: bool
    category: str | None
    emotion_index: int
    emotion_category: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, slots=True)
class BotTurnTaken(ConversationEvent):
    """The bot's reaction to one customer message.

    `outcome`: answered, clarified, unknown, flow_step, flow_done, handover, drafted, ack,
    prompt, greeting, thanks.
    """

    name: ClassVar[str] = "bot.turn"
    intent: str
    outcome: str
    knowledge_id: str | None
    language: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationRated(ConversationEvent):
    name: ClassVar[str] = "conversation.rated"
    score: int
    comment: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class DraftCreated(ConversationEvent):
    """A reply the bot wrote for a human to approve before the customer sees it."""

    name: ClassVar[str] = "bot.draft_created"
    draft_id: str
    intent: str
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class KnowledgeGap(ConversationEvent):
    """A question the bot honestly could not answer, for whoever curates the knowledge
    base. `text` is masked (phone numbers, order ids, e-mails); `decision` is what the bot
    did instead (unknown, or handover when it gave up)."""

    name: ClassVar[str] = "bot.knowledge_gap"
    text: str
    language: str
    decision: str
    intent: str
    best_entry_id: str | None
    best_score: float


@dataclass(frozen=True, kw_only=True, slots=True)
class TrialExposed(ConversationEvent):
    """The bot's best match for a customer's question was a knowledge entry on trial: the
    customer, in `variant` of the trial's experiment, got the entry ("with") or an answer as
    if it did not exist ("without"). Insight keeps the first exposure of each customer."""

    name: ClassVar[str] = "bot.trial_exposed"
    customer_id: str
    experiment_id: str
    entry_id: str
    variant: str
