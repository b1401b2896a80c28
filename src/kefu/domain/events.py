"""The catalogue of domain events: one dotted name and one typed payload each.

Events are facts that have been committed. Feature packages (bot, routing, insight, quality)
subscribe to them instead of calling each other, and the WebSocket hub forwards them to
clients. Payload fields are plain values so every event serialises to JSON and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar


@dataclass(frozen=True, kw_only=True, slots=True)
class DomainEvent:
    name: ClassVar[str] = "event"
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationEvent(DomainEvent):
    """An event about one conversation; `status` is the conversation's status after it."""

    conversation_id: str
    status: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationCreated(ConversationEvent):
    name: ClassVar[str] = "conversation.created"
    account_id: str
    inbox_id: str
    customer_id: str
    channel: str
    entry_point: str | None
    language: str


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageCreated(ConversationEvent):
    name: ClassVar[str] = "message.created"
    message_id: str
    seq: int
    sender: str
    text: str
    internal: bool
    author_id: str | None
    client_id: str | None
    created_at: datetime
    payload: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationHandedOver(ConversationEvent):
    name: ClassVar[str] = "conversation.handed_over"
    reason: str
    queue: str
    priority: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationQueued(ConversationEvent):
    """The conversation (re)entered a queue: after a hand-over, a transfer to a queue, a
    reopening, a spill-over or a callback booking. Waiting is counted from here."""

    name: ClassVar[str] = "conversation.queued"
    queue: str
    priority: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationAssigned(ConversationEvent):
    name: ClassVar[str] = "conversation.assigned"
    agent_id: str
    previous_agent_id: str | None
    queue: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationTransferred(ConversationEvent):
    name: ClassVar[str] = "conversation.transferred"
    from_agent_id: str | None
    to_agent_id: str | None
    to_queue: str | None
    note: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationResolved(ConversationEvent):
    name: ClassVar[str] = "conversation.resolved"
    resolved_by: str
    agent_id: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationAbandoned(ConversationEvent):
    name: ClassVar[str] = "conversation.abandoned"
    previous_status: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationReopened(ConversationEvent):
    name: ClassVar[str] = "conversation.reopened"
    reopen_count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class AgentPresenceChanged(DomainEvent):
    name: ClassVar[str] = "agent.presence_changed"
    agent_id: str
    presence: str


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


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.name: cls
    for cls in (
        ConversationCreated,
        MessageCreated,
        ConversationHandedOver,
        ConversationQueued,
        ConversationAssigned,
        ConversationTransferred,
        ConversationResolved,
        ConversationAbandoned,
        ConversationReopened,
        AgentPresenceChanged,
        ConversationOverflowed,
        CallbackBooked,
        SlaWarning,
        SlaBreached,
        SlaEscalated,
    )
}


_E = TypeVar("_E", bound=type[DomainEvent])


def register_event(cls: _E) -> _E:
    """Add a feature package's event to the catalogue, so buses and streams can decode it.

    Feature packages (bot, knowledge, assist, ops) declare their events next to their code and
    decorate them with this instead of editing this module.
    """
    known = EVENT_TYPES.get(cls.name)
    if known is not None and known is not cls:
        raise ValueError(f"event name {cls.name!r} is already taken by {known.__qualname__}")
    EVENT_TYPES[cls.name] = cls
    return cls
