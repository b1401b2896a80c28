"""Events the quality package publishes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kefu.domain.events import ConversationEvent, DomainEvent, register_event


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class CsatInvited(ConversationEvent):
    """A resolved conversation on an invited channel: its channel may ask for a rating."""

    name: ClassVar[str] = "csat.invited"
    channel: str
    language: str


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationScored(ConversationEvent):
    """Automated QA scored a closed conversation (0–100 per dimension and in total)."""

    name: ClassVar[str] = "quality.scored"
    account_id: str
    agent_id: str | None
    total: float
    scores: dict[str, float]
    stiff_policy: int


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class BotAnswerRated(ConversationEvent):
    """Thumbs up (`helpful`) or down on one bot message."""

    name: ClassVar[str] = "bot.answer_rated"
    seq: int
    helpful: bool


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class SurveyAnswered(DomainEvent):
    name: ClassVar[str] = "nps.answered"
    account_id: str
    conversation_id: str
    score: int
    category: str
