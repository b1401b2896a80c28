"""Knowledge. None is a change of a conversation, so customers' streams never carry
them; supervisors' streams and other kefu instances do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from kefu.domain.events.base import DomainEvent


@dataclass(frozen=True, kw_only=True, slots=True)
class KnowledgeChanged(DomainEvent):
    """An entry was created, updated or deleted: every instance reloads it from the database."""

    name: ClassVar[str] = "knowledge.changed"
    account_id: str
    entry_id: str
    action: str  # create | update | delete
    version: int
    author: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ModelPromoted(DomainEvent):
    """A model version became current in the registry (a promotion or a rollback): every
    instance loads it in place of the one it runs, without a restart."""

    name: ClassVar[str] = "model.promoted"
    version: str
    action: str  # promote | rollback
    components: list[str]  # the folders it holds: knowledge, intent
    author: str


@dataclass(frozen=True, kw_only=True, slots=True)
class JourneyStep(DomainEvent):
    """A customer opened, clicked, went back in or left the self-service menu."""

    name: ClassVar[str] = "journey.step"
    conversation_id: str
    action: str  # open | click | back | exit
    node: str
    level: int
    entry_point: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class SuggestionShown(DomainEvent):
    name: ClassVar[str] = "suggestion.shown"
    conversation_id: str
    variant: str
    suggestion_ids: list[str]


@dataclass(frozen=True, kw_only=True, slots=True)
class SuggestionClicked(DomainEvent):
    name: ClassVar[str] = "suggestion.clicked"
    conversation_id: str
    variant: str
    suggestion_id: str
    knowledge_id: str | None
    position: int


@dataclass(frozen=True, kw_only=True, slots=True)
class SuggestionPinned(DomainEvent):
    """Live ops pinned (`pinned`) or unpinned a topic: every instance applies it."""

    name: ClassVar[str] = "suggestion.pinned"
    topic: str
    pinned: bool
    knowledge_id: str | None = None
    text_zh: str = ""
    text_en: str = ""
    until: datetime | None = None
