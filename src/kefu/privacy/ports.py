"""What privacy needs from storage, each with an in-memory fake for unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    account_id: str
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    target: str
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
        }


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...

    async def list(
        self, account_id: str, *, limit: int, action: str | None
    ) -> list[AuditEntry]: ...


@dataclass(frozen=True, slots=True)
class Purged:
    emotion_readings: int = 0
    conversations: int = 0
    messages: int = 0


class AccountSettings(Protocol):
    """Account-wide settings documents (retention, …) stored as JSON under a key."""

    async def get(self, account_id: str, key: str) -> dict[str, Any] | None: ...

    async def put(
        self, account_id: str, key: str, value: dict[str, Any], *, by: str, now: datetime
    ) -> None: ...


@dataclass
class MemoryAccountSettings:
    documents: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    async def get(self, account_id: str, key: str) -> dict[str, Any] | None:
        found = self.documents.get((account_id, key))
        return dict(found) if found is not None else None

    async def put(
        self, account_id: str, key: str, value: dict[str, Any], *, by: str, now: datetime
    ) -> None:
        self.documents[(account_id, key)] = dict(value)


@dataclass(frozen=True, slots=True)
class ErasedProfile:
    customer_id: str
    conversation_ids: list[str]


class PrivacyStore(Protocol):
    async def purge_emotion(self, before: datetime) -> Purged: ...

    async def purge_transcripts(self, account_id: str, before: datetime) -> Purged: ...

    async def purge_customers(
        self, account_id: str, before: datetime, *, limit: int
    ) -> list[ErasedProfile]:
        """Erases the profiles (name, phone, external id, tags; callback numbers, hand-over
        cards, bot memory) of up to `limit` customers known since before `before` whose
        every conversation was last active before it. Ids and counts stay."""
        ...

    async def accounts(self) -> list[str]: ...

    async def export_customer(self, account_id: str, external_id: str) -> dict[str, Any] | None: ...

    async def erase_customer(self, account_id: str, external_id: str) -> tuple[str, list[str]]:
        """Erases; returns (customer id, conversation ids). `NotFound` when unknown."""
        ...


@dataclass
class MemoryAuditLog:
    entries: list[AuditEntry] = field(default_factory=list)

    async def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    async def list(self, account_id: str, *, limit: int, action: str | None) -> list[AuditEntry]:
        found = [
            e
            for e in reversed(self.entries)
            if e.account_id == account_id and (action is None or e.action == action)
        ]
        return found[:limit]
