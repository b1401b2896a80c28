"""In-memory implementations of the knowledge ports: for tests, benchmarks and trials."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kefu.domain.errors import Conflict
from kefu.knowledge.history import Action, Version, diff
from kefu.knowledge.ports import (
    Change,
    JourneyRecord,
    StoredEntry,
    SuggestionRecord,
    VariantCounts,
)


class MemoryKnowledgeStore:
    """Shared by several services, it plays the database of several kefu instances."""

    def __init__(self) -> None:
        self.entries: dict[str, StoredEntry] = {}
        self.versions: list[Version] = []

    async def load_all(self, account_id: str) -> list[StoredEntry]:
        return list(self.entries.values())

    async def get(self, account_id: str, entry_id: str) -> StoredEntry | None:
        return self.entries.get(entry_id)

    async def save(
        self, account_id: str, changes: Sequence[Change], author: str, at: datetime
    ) -> list[Version]:
        if any(c.action is Action.CREATE and c.entry_id in self.entries for c in changes):
            raise Conflict("exists")
        written = []
        for change in changes:
            number = 1 + max(
                (v.version for v in self.versions if v.entry_id == change.entry_id), default=0
            )
            old = self.entries.get(change.entry_id)
            before = old.entry.to_document() if old else None
            after = change.entry.to_document() if change.entry else None
            if change.entry is None:
                self.entries.pop(change.entry_id, None)
            else:
                self.entries[change.entry_id] = StoredEntry(change.entry, number)
            version = Version(
                change.entry_id, number, change.action, author, at, after, diff(before, after)
            )
            self.versions.append(version)
            written.append(version)
        return written

    async def history(self, account_id: str, entry_id: str) -> list[Version]:
        return [v for v in self.versions if v.entry_id == entry_id]

    async def ever_written(self, account_id: str) -> bool:
        return bool(self.versions)


class MemoryJourneyLog:
    def __init__(self) -> None:
        self.records: list[JourneyRecord] = []

    async def add(self, account_id: str, record: JourneyRecord) -> None:
        self.records.append(record)

    async def since(self, account_id: str, since: datetime | None) -> list[JourneyRecord]:
        return [r for r in self.records if since is None or r.created_at >= since]


class MemorySuggestionLog:
    def __init__(self) -> None:
        self.records: list[SuggestionRecord] = []

    async def add_many(self, account_id: str, records: Sequence[SuggestionRecord]) -> None:
        self.records.extend(records)

    async def last_shown(self, conversation_id: str, suggestion_id: str) -> SuggestionRecord | None:
        shown = [
            r
            for r in self.records
            if r.conversation_id == conversation_id
            and r.suggestion_id == suggestion_id
            and r.kind == "shown"
        ]
        return shown[-1] if shown else None

    async def counts(self, account_id: str, since: datetime | None) -> list[VariantCounts]:
        variants = sorted({r.variant for r in self.records})
        return [
            VariantCounts(
                v,
                sum(1 for r in self.records if r.variant == v and r.kind == "shown"),
                sum(1 for r in self.records if r.variant == v and r.kind == "clicked"),
            )
            for v in variants
        ]

    async def clicks_by_knowledge(self, account_id: str, since: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.records:
            if r.kind == "clicked" and r.knowledge_id and r.created_at >= since:
                counts[r.knowledge_id] = counts.get(r.knowledge_id, 0) + 1
        return counts
