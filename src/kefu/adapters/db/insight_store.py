"""SQL storage of insight: journey events, summaries, rollups, experiments and exposures.

One `commit` is one transaction (journey events appended, summaries upserted, rollup rows
moved by their deltas with `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`), so a
crash never leaves a rollup that disagrees with its summaries. The deltas are computed from
the summaries as read, so a read-fold-commit runs under `serialised(account)` — on
PostgreSQL an advisory lock that two instances take in turn.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kefu.adapters.db import tables_insight as ti
from kefu.adapters.db.engine import writing
from kefu.domain.customer import Customer
from kefu.insight.model import JourneyEvent
from kefu.insight.ports import Deltas, Exposure, Filters, Person
from kefu.insight.rollup import Key
from kefu.insight.summary import Summary
from kefu.services.ports import UnitOfWorkFactory

_J, _C, _R = ti.insight_journey_events, ti.insight_conversations, ti.insight_rollups
_X, _E = ti.insight_experiments, ti.insight_exposures
CHUNK = 500


def _lock_key(account_id: str) -> int:
    """The same 63-bit advisory lock key for an account in every process."""
    digest = hashlib.blake2b(f"kefu.insight:{account_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _insert(conn: AsyncConnection, table: Any) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _summary_row(account_id: str, s: Summary) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "conversation_id": s.conversation_id,
        "customer_id": s.customer_id,
        "topic": s.topic,
        "day": s.day,
        "entry_point": s.entry_point,
        "channel": s.channel,
        "started_at": s.started_at,
        "outcome": s.outcome,
        "settle_at": s.settle_at,
        "state": s.to_state(),
    }


def _filtered(query: Any, table: Any, account_id: str, filters: Filters) -> Any:
    query = query.where(table.c.account_id == account_id)
    if filters.day_from is not None:
        query = query.where(table.c.day >= filters.day_from)
    if filters.day_to is not None:
        query = query.where(table.c.day <= filters.day_to)
    if filters.entry_point is not None:
        query = query.where(table.c.entry_point == filters.entry_point)
    if filters.channel is not None:
        query = query.where(table.c.channel == filters.channel)
    return query


class SqlInsightStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load_summaries(self, account_id: str, ids: Sequence[str]) -> dict[str, Summary]:
        out: dict[str, Summary] = {}
        async with self._engine.connect() as conn:
            for start in range(0, len(ids), CHUNK):
                rows = await conn.execute(
                    select(_C.c.conversation_id, _C.c.state).where(
                        _C.c.account_id == account_id,
                        _C.c.conversation_id.in_(ids[start : start + CHUNK]),
                    )
                )
                out.update({r.conversation_id: Summary.from_state(r.state) for r in rows})
        return out

    async def _states(self, query: Any) -> list[Summary]:
        async with self._engine.connect() as conn:
            return [Summary.from_state(r.state) for r in await conn.execute(query)]

    async def previous_contacts(
        self, account_id: str, keys: Sequence[tuple[str, str]], since: float, before: float
    ) -> list[Summary]:
        wanted = set(keys)
        found: list[Summary] = []
        pairs = sorted(wanted)
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            found += await self._states(
                select(_C.c.state).where(
                    _C.c.account_id == account_id,
                    _C.c.customer_id.in_({c for c, _ in chunk}),
                    _C.c.topic.in_({t for _, t in chunk}),
                    _C.c.started_at >= since,
                    _C.c.started_at < before,
                )
            )
        return [s for s in found if (s.customer_id, s.topic) in wanted]

    @contextlib.asynccontextmanager
    async def serialised(self, account_id: str) -> AsyncIterator[None]:
        """On PostgreSQL, a transaction-scoped advisory lock per account, held on a
        connection of its own until the block ends (the rollback on leaving releases it,
        also when this instance dies): the other instances' flushes and sweeps wait for it,
        then read what this one committed. Every writer takes the same one lock, so the
        multi-row upserts under it cannot deadlock either. SQLite serves one process,
        whose tracker already takes turns."""
        if self._engine.dialect.name != "postgresql":
            yield
            return
        async with self._engine.connect() as conn:
            await conn.execute(select(func.pg_advisory_xact_lock(_lock_key(account_id))))
            yield

    async def due(self, account_id: str, now: float, limit: int) -> list[Summary]:
        return await self._states(
            select(_C.c.state)
            .where(_C.c.account_id == account_id, _C.c.settle_at <= now)
            .order_by(_C.c.settle_at)
            .limit(limit)
        )

    async def commit(
        self,
        account_id: str,
        events: Sequence[JourneyEvent],
        summaries: Sequence[Summary],
        deltas: Deltas,
        exposures: Sequence[Exposure],
    ) -> None:
        async with writing(self._engine) as conn:
            if events:
                await conn.execute(
                    _J.insert(), [{"account_id": account_id, **e.to_row()} for e in events]
                )
            if summaries:
                upsert = _insert(conn, _C)
                upsert = upsert.on_conflict_do_update(
                    index_elements=[_C.c.account_id, _C.c.conversation_id],
                    set_={c: upsert.excluded[c] for c in (
                        "customer_id", "topic", "day", "entry_point", "channel", "started_at",
                        "outcome", "settle_at", "state")},
                )  # fmt: skip
                await conn.execute(upsert, [_summary_row(account_id, s) for s in summaries])
            # One row per stored key: two keys alike in their first 200 characters would
            # otherwise meet twice in one upsert, which PostgreSQL refuses.
            merged: dict[tuple[str, str, str, str, str], list[float]] = {}
            for (day, ep, ch), changes in deltas.items():
                for (metric, key), (n, total) in changes.items():
                    sums = merged.setdefault((day, ep, ch, metric, key[:200]), [0.0, 0.0])
                    sums[0] += n
                    sums[1] += total
            rows = [
                {"account_id": account_id, "day": day, "entry_point": ep, "channel": ch,
                 "metric": metric, "key": key, "n": n, "total": total}
                for (day, ep, ch, metric, key), (n, total) in sorted(merged.items())
            ]  # fmt: skip
            if rows:
                upsert = _insert(conn, _R)
                upsert = upsert.on_conflict_do_update(
                    index_elements=[_R.c.account_id, _R.c.day, _R.c.entry_point, _R.c.channel,
                                    _R.c.metric, _R.c.key],
                    set_={"n": _R.c.n + upsert.excluded.n,
                          "total": _R.c.total + upsert.excluded.total},
                )  # fmt: skip
                await conn.execute(upsert, rows)
            if exposures:
                insert = _insert(conn, _E).on_conflict_do_nothing()
                await conn.execute(
                    insert,
                    [{"account_id": account_id, "experiment_id": e.experiment_id,
                      "unit_id": e.unit_id[:64], "variant": e.variant,
                      "conversation_id": e.conversation_id, "exposed_at": e.exposed_at}
                     for e in exposures],
                )  # fmt: skip

    async def rollup(self, account_id: str, filters: Filters) -> dict[Key, tuple[float, float]]:
        query = _filtered(
            select(_R.c.metric, _R.c.key, func.sum(_R.c.n), func.sum(_R.c.total)),
            _R,
            account_id,
            filters,
        ).group_by(_R.c.metric, _R.c.key)
        async with self._engine.connect() as conn:
            return {
                (r[0], r[1]): (float(r[2]), float(r[3])) for r in await conn.execute(query) if r[2]
            }

    async def summaries(self, account_id: str, filters: Filters, limit: int) -> list[Summary]:
        query = _filtered(select(_C.c.state), _C, account_id, filters)
        return await self._states(query.order_by(_C.c.started_at.desc()).limit(limit))

    async def journey_events(
        self, account_id: str, since: datetime | None, until: datetime | None, batch: int
    ) -> AsyncIterator[list[JourneyEvent]]:
        columns = [c for c in _J.c if c.name not in ("id", "account_id")]
        after = 0
        while True:
            query = select(_J.c.id, *columns).where(_J.c.account_id == account_id, _J.c.id > after)
            if since is not None:
                query = query.where(_J.c.at >= since)
            if until is not None:
                query = query.where(_J.c.at < until)
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query.order_by(_J.c.id).limit(batch))).all()
            if not rows:
                return
            after = rows[-1].id
            yield [
                JourneyEvent.from_row({k: v for k, v in r._mapping.items() if k != "id"})
                for r in rows
            ]

    async def exposures(self, account_id: str, experiment_id: str) -> list[Exposure]:
        query = select(_E).where(
            and_(_E.c.account_id == account_id, _E.c.experiment_id == experiment_id)
        )
        async with self._engine.connect() as conn:
            return [
                Exposure(r.experiment_id, r.unit_id, r.variant, r.conversation_id, r.exposed_at)
                for r in await conn.execute(query)
            ]

    async def save_experiment(
        self, account_id: str, experiment_id: str, doc: dict[str, Any]
    ) -> None:
        async with writing(self._engine) as conn:
            upsert = _insert(conn, _X)
            upsert = upsert.on_conflict_do_update(
                index_elements=[_X.c.account_id, _X.c.experiment_id],
                set_={"doc": upsert.excluded.doc},
            )
            await conn.execute(
                upsert, {"account_id": account_id, "experiment_id": experiment_id, "doc": doc}
            )

    async def experiments(self, account_id: str) -> dict[str, dict[str, Any]]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(_X).where(_X.c.account_id == account_id))
            return {r.experiment_id: dict(r.doc) for r in rows}


class UowDirectory:
    """Customers' names and phones through the conversation unit of work (never read
    elsewhere), for drill-down lists and exports that mask them."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def people(self, customer_ids: Sequence[str]) -> dict[str, Person]:
        async with self._uow(read_only=True) as uow:
            found: list[Customer] = await uow.customers.get_many(list(customer_ids))
        return {c.id: Person(c.name, c.phone) for c in found}
