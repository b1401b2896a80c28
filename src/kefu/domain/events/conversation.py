"""A conversation's life and its messages, and agents' presence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from kefu.domain.events.base import ConversationEvent, DomainEvent


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
    public_seq: int | None = None


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
class AgentSignedOut(DomainEvent):
    """Every token the agent held stopped working (`reason`: `password_changed` or
    `deactivated`): their open streams close, on every instance."""

    name: ClassVar[str] = "agent.signed_out"
    account_id: str
    agent_id: str
    token_version: int
    reason: str
