"""Routing: overflow decisions, callbacks and SLA timers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from kefu.domain.events.base import ConversationEvent, DomainEvent


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationOverflowed(ConversationEvent):
    """The queue was too long, too slow or closed: the customer was offered another way
    (`offer_callback`, `leave_message`, `back_to_bot_busy`) or moved (`spill_over`)."""

    name: ClassVar[str] = "conversation.overflowed"
    action: str
    reason: str
    from_queue: str
    to_queue: str | None
    opens_at: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class CallbackBooked(ConversationEvent):
    name: ClassVar[str] = "callback.booked"
    callback_id: str
    queue: str
    preferred_time: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SlaEvent(DomainEvent):
    """A service-level target of a conversation is close (`sla.warning`), missed
    (`sla.breached`) or handed to a supervisor (`sla.escalated`). Not a change of the
    conversation itself, so customers' streams do not carry it."""

    conversation_id: str
    target: str  # "first_response" or "resolution"
    policy_id: str
    scheduled_at: datetime
    queue: str
    assignee_id: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SlaWarning(SlaEvent):
    name: ClassVar[str] = "sla.warning"


@dataclass(frozen=True, kw_only=True, slots=True)
class SlaBreached(SlaEvent):
    name: ClassVar[str] = "sla.breached"


@dataclass(frozen=True, kw_only=True, slots=True)
class SlaEscalated(SlaEvent):
    name: ClassVar[str] = "sla.escalated"
