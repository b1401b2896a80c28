"""What insight needs from the outside, each port with an in-memory fake.

`kefu.adapters.db.insight_store` implements `InsightStore` over SQL; the fakes below serve
unit tests and show the contract in a few lines.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from kefu.insight.model import JourneyEvent
from kefu.insight.rollup import Key
from kefu.insight.summary import Summary

Dims = tuple[str, str, str]  # (day, entry_point, channel)
Deltas = dict[Dims, dict[Key, tuple[float, float]]]


@dataclass(frozen=True, slots=True)
class Exposure:
    experiment_id: str
    unit_id: str
    variant: str
    conversation_id: str | None
    exposed_at: datetime


@dataclass(frozen=True, slots=True)
class Filters:
    day_from: str | None = None  # ISO dates, inclusive
    day_to: str | None = None
    entry_point: str | None = None
    channel: str | None = None


class InsightStore(Protocol):
    async def load_summaries(self, account_id: str, ids: Sequence[str]) -> dict[str, Summary]: ...

    async def previous_contacts(
        self, account_id: str, keys: Sequence[tuple[str, str]], since: float, before: float
    ) -> list[Summary]:
        """Conversations of any (customer, topic) in `keys` started in [since, before)."""
        ...

    async def due(self, account_id: str, now: float, limit: int) -> list[Summary]:
        """Pending conversations whose quiet window has passed."""
        ...

    async def commit(
        self,
        account_id: str,
        events: Sequence[JourneyEvent],
        summaries: Sequence[Summary],
        deltas: Deltas,
        exposures: Sequence[Exposure],
    ) -> None:
        """One transaction: journey events appended, summaries upserted, rollups moved by
        the deltas, exposures inserted unless the unit was already exposed."""
        ...

    def serialised(self, account_id: str) -> AbstractAsyncContextManager[None]:
        """Held around each read-fold-commit of the account's summaries and rollups: one
        instance at a time, so two never fold the same summary from the same stored state
        (a lost update, its deltas counted twice) or settle the same quiet window twice."""
        ...

    async def rollup(self, account_id: str, filters: Filters) -> dict[Key, tuple[float, float]]: ...

    async def summaries(self, account_id: str, filters: Filters, limit: int) -> list[Summary]:
        """Conversations started in the filtered range, newest first."""
        ...

    def journey_events(
        self, account_id: str, since: datetime | None, until: datetime | None, batch: int
    ) -> AsyncIterator[list[JourneyEvent]]: ...

    async def exposures(self, account_id: str, experiment_id: str) -> list[Exposure]: ...

    async def save_experiment(
        self, account_id: str, experiment_id: str, doc: dict[str, Any]
    ) -> None: ...

    async def experiments(self, account_id: str) -> dict[str, dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class Person:
    name: str | None
    phone: str | None


class CustomerDirectory(Protocol):
    async def people(self, customer_ids: Sequence[str]) -> dict[str, Person]: ...


class KnowledgeView(Protocol):
    """What insight reads of the knowledge base (the knowledge package's service)."""

    def is_entry(self, node: str) -> bool: ...

    def question(self, entry_id: str, language: str) -> str | None: ...

    def menu_level(self, entry_id: str) -> int | None:
        """The menu level at which the entry is listed (1 = the first screen)."""
        ...


# -- fakes -------------------------------------------------------------------------------------


def _in(filters: Filters, day: str, entry_point: str, channel: str) -> bool:
    return (
        (filters.day_from is None or day >= filters.day_from)
        and (filters.day_to is None or day <= filters.day_to)
        and (filters.entry_point is None or entry_point == filters.entry_point)
        and (filters.channel is None or channel == filters.channel)
    )


@dataclass
class InMemoryInsightStore:
    events: list[JourneyEvent] = field(default_factory=list)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    rollups: dict[Dims, dict[Key, tuple[float, float]]] = field(default_factory=dict)
    exposure_rows: dict[tuple[str, str], Exposure] = field(default_factory=dict)
    experiment_docs: dict[str, dict[str, Any]] = field(default_factory=dict)

    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @contextlib.asynccontextmanager
    async def serialised(self, account_id: str) -> AsyncIterator[None]:
        async with self._lock:
            yield

    async def load_summaries(self, account_id: str, ids: Sequence[str]) -> dict[str, Summary]:
        return {i: Summary.from_state(dict(self.rows[i])) for i in ids if i in self.rows}

    def _all(self) -> Iterable[Summary]:
        return (Summary.from_state(dict(state)) for state in self.rows.values())

    async def previous_contacts(
        self, account_id: str, keys: Sequence[tuple[str, str]], since: float, before: float
    ) -> list[Summary]:
        wanted = set(keys)
        return [
            s
            for s in self._all()
            if (s.customer_id, s.topic) in wanted and since <= s.started_at < before
        ]

    async def due(self, account_id: str, now: float, limit: int) -> list[Summary]:
        found = [s for s in self._all() if s.settle_at is not None and s.settle_at <= now]
        return found[:limit]

    async def commit(
        self,
        account_id: str,
        events: Sequence[JourneyEvent],
        summaries: Sequence[Summary],
        deltas: Deltas,
        exposures: Sequence[Exposure],
    ) -> None:
        self.events.extend(events)
        for s in summaries:
            self.rows[s.conversation_id] = s.to_state()
        for dims, changes in deltas.items():
            row = self.rollups.setdefault(dims, {})
            for key, (n, t) in changes.items():
                n0, t0 = row.get(key, (0.0, 0.0))
                row[key] = (n0 + n, t0 + t)
        for e in exposures:
            self.exposure_rows.setdefault((e.experiment_id, e.unit_id), e)

    async def rollup(self, account_id: str, filters: Filters) -> dict[Key, tuple[float, float]]:
        out: dict[Key, tuple[float, float]] = {}
        for (day, entry_point, channel), row in self.rollups.items():
            if not _in(filters, day, entry_point, channel):
                continue
            for key, (n, t) in row.items():
                n0, t0 = out.get(key, (0.0, 0.0))
                out[key] = (n0 + n, t0 + t)
        return out

    async def summaries(self, account_id: str, filters: Filters, limit: int) -> list[Summary]:
        found = [s for s in self._all() if _in(filters, s.day, s.entry_point, s.channel)]
        return sorted(found, key=lambda s: -s.started_at)[:limit]

    async def journey_events(
        self, account_id: str, since: datetime | None, until: datetime | None, batch: int
    ) -> AsyncIterator[list[JourneyEvent]]:
        chosen = [
            e
            for e in self.events
            if (since is None or e.at >= since) and (until is None or e.at < until)
        ]
        for start in range(0, len(chosen), batch):
            yield chosen[start : start + batch]

    async def exposures(self, account_id: str, experiment_id: str) -> list[Exposure]:
        return [e for (x, _), e in self.exposure_rows.items() if x == experiment_id]

    async def save_experiment(
        self, account_id: str, experiment_id: str, doc: dict[str, Any]
    ) -> None:
        self.experiment_docs[experiment_id] = dict(doc)

    async def experiments(self, account_id: str) -> dict[str, dict[str, Any]]:
        return dict(self.experiment_docs)


@dataclass
class FakeDirectory:
    known: dict[str, Person] = field(default_factory=dict)

    async def people(self, customer_ids: Sequence[str]) -> dict[str, Person]:
        return {i: self.known[i] for i in customer_ids if i in self.known}


@dataclass
class FakeKnowledge:
    """Entries by id: (question, menu level)."""

    entries: dict[str, tuple[str, int]] = field(default_factory=dict)

    def is_entry(self, node: str) -> bool:
        return node in self.entries

    def question(self, entry_id: str, language: str) -> str | None:
        found = self.entries.get(entry_id)
        return found[0] if found else None

    def menu_level(self, entry_id: str) -> int | None:
        found = self.entries.get(entry_id)
        return found[1] if found else None
