"""What the knowledge package needs from storage; `kefu.adapters.db.knowledge_store`
implements it over SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kefu.knowledge.events import SuggestionShown
from kefu.knowledge.history import Action, Version
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.suggestions import Suggestion
from kefu.services.ports import Repository


@dataclass(frozen=True, slots=True)
class StoredEntry:
    entry: KnowledgeEntry
    version: int


@dataclass(frozen=True, slots=True)
class Change:
    """One entry to write: `entry` is None for a delete."""

    entry_id: str
    action: Action
    entry: KnowledgeEntry | None


class KnowledgeStore(Protocol):
    async def load_all(self, account_id: str) -> list[StoredEntry]: ...

    async def get(self, account_id: str, entry_id: str) -> StoredEntry | None: ...

    async def save(
        self, account_id: str, changes: Sequence[Change], author: str, at: datetime
    ) -> list[Version]:
        """All changes in one transaction, each with a new version row; raises `Conflict`
        when a create meets an existing entry or another writer got there first."""
        ...

    async def history(self, account_id: str, entry_id: str) -> list[Version]:
        """Oldest first."""
        ...

    async def ever_written(self, account_id: str) -> bool:
        """Whether any version exists: an emptied knowledge base is not re-seeded."""
        ...


@dataclass(frozen=True, slots=True)
class JourneyRecord:
    conversation_id: str
    action: str
    node: str
    level: int
    entry_point: str | None
    created_at: datetime


class JourneyLog(Protocol):
    async def add(self, account_id: str, record: JourneyRecord) -> None: ...

    async def since(self, account_id: str, since: datetime | None) -> list[JourneyRecord]:
        """Oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    conversation_id: str
    kind: str  # shown | clicked
    variant: str
    suggestion_id: str
    knowledge_id: str | None
    position: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class VariantCounts:
    variant: str
    impressions: int
    clicks: int


class SuggestionRecords(Protocol):
    """Writes suggestion impressions and clicks."""

    async def add_many(self, account_id: str, records: Sequence[SuggestionRecord]) -> None: ...


#: Impressions written in the unit of work of the message that shows them.
SUGGESTION_RECORDS: Repository[SuggestionRecords] = Repository("knowledge.suggestion_records")


@dataclass(frozen=True, slots=True)
class Shown:
    """Suggestions chosen for one message, and the impression that logs them."""

    account_id: str
    chosen: tuple[Suggestion, ...]
    records: tuple[SuggestionRecord, ...]
    event: SuggestionShown


class SuggestionLog(SuggestionRecords, Protocol):
    async def last_shown(self, conversation_id: str, suggestion_id: str) -> SuggestionRecord | None:
        """The latest impression of `suggestion_id` in this conversation."""
        ...

    async def counts(self, account_id: str, since: datetime | None) -> list[VariantCounts]: ...

    async def clicks_by_knowledge(self, account_id: str, since: datetime) -> dict[str, int]: ...
