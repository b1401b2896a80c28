"""The base classes of every event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar


@dataclass(frozen=True, kw_only=True, slots=True)
class DomainEvent:
    name: ClassVar[str] = "event"
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ConversationEvent(DomainEvent):
    """An event about one conversation; `status` is the conversation's status after it."""

    conversation_id: str
    status: str
