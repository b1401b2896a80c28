"""Agent assist: a hand-over card changed, a suggestion was used."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from kefu.domain.events.base import ConversationEvent


@dataclass(frozen=True, kw_only=True, slots=True)
class HandoverCardUpdated(ConversationEvent):
    """`action`: created, rebuilt (a later hand-over), edited (by an agent), owner_changed."""

    name: ClassVar[str] = "handover_card.updated"
    version: int
    action: str
    author: str
    changed: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, slots=True)
class AssistUsed(ConversationEvent):
    name: ClassVar[str] = "assist.used"
    usage_id: str
    agent_id: str
    suggestion_id: str
    kind: str
    edited: bool
    message_seq: int | None
