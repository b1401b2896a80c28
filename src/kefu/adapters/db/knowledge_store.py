"""SQL storage of the knowledge base, menu journeys and suggestion logs.

Each method is its own short transaction over the engine: knowledge writes are rare and
independent of conversations, so they do not go through the conversation unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kefu.adapters.db import tables_knowledge as tk
from kefu.adapters.db.engine import writing
from kefu.domain.errors import Conflict
from kefu.domain.ids import new_id
from kefu.knowledge.history import Action, Version, diff
from kefu.knowledge.model import parse_entry
from kefu.knowledge.ports import Change, JourneyRecord, StoredEntry, SuggestionRecord, VariantCounts

_E, _V = tk.knowledge_entries, tk.knowledge_versions


def _stored(row: Any) -> StoredEntry:
    return StoredEntry(parse_entry(row.document), row.version)


def _version(row: Any) -> Version:
    return Version(
        entry_id=row.entry_id,
        version=row.version,
        action=Action(row.action),
        author=row.author,
        created_at=row.created_at,
        snapshot=row.snapshot,
        diff=row.diff,
    )


def _row(version: Version) -> dict[str, Any]:
    assert version.snapshot is not None
    return {
        "version": version.version,
        "enabled": bool(version.snapshot.get("enabled", True)),
        "document": version.snapshot,
        "updated_at": version.created_at,
        "updated_by": version.author,
    }


class SqlKnowledgeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load_all(self, account_id: str) -> list[StoredEntry]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(_E.c.document, _E.c.version)
                .where(_E.c.account_id == account_id)
                .order_by(_E.c.id)
            )
            return [_stored(row) for row in rows]

    async def get(self, account_id: str, entry_id: str) -> StoredEntry | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_E.c.document, _E.c.version).where(
                        _E.c.account_id == account_id, _E.c.id == entry_id
                    )
                )
            ).first()
        return _stored(row) if row is not None else None

    async def save(
        self, account_id: str, changes: Sequence[Change], author: str, at: datetime
    ) -> list[Version]:
        try:
            async with writing(self._engine) as conn:
                return await self._write(conn, account_id, changes, author, at)
        except IntegrityError as exc:
            raise Conflict(
                "the knowledge base changed meanwhile (an entry was written twice); try again"
            ) from exc

    async def _write(
        self,
        conn: AsyncConnection,
        account_id: str,
        changes: Sequence[Change],
        author: str,
        at: datetime,
    ) -> list[Version]:
        # Two reads and a few bulk writes whatever the size: seeding and imports stay quick.
        ids = list(dict.fromkeys(c.entry_id for c in changes))
        mine = _E.c.account_id == account_id
        current: dict[str, Any] = {
            row.id: row.document
            for row in await conn.execute(
                select(_E.c.id, _E.c.document).where(mine, _E.c.id.in_(ids))
            )
        }
        latest: dict[str, int] = {
            row[0]: int(row[1])
            for row in await conn.execute(
                select(_V.c.entry_id, func.max(_V.c.version))
                .where(_V.c.account_id == account_id, _V.c.entry_id.in_(ids))
                .group_by(_V.c.entry_id)
            )
        }
        stored = set(current)
        versions: list[Version] = []
        for change in changes:
            before = current.get(change.entry_id)
            if change.action is Action.CREATE and before is not None:
                raise Conflict(f"knowledge entry {change.entry_id!r} already exists")
            number = latest.get(change.entry_id, 0) + 1
            latest[change.entry_id] = number
            after = change.entry.to_document() if change.entry is not None else None
            current[change.entry_id] = after
            versions.append(
                Version(
                    change.entry_id, number, change.action, author, at, after, diff(before, after)
                )
            )
        final = {v.entry_id: v for v in versions}  # the last change of each entry wins
        gone = [i for i, v in final.items() if v.snapshot is None and i in stored]
        new = [v for i, v in final.items() if v.snapshot is not None and i not in stored]
        kept = [v for i, v in final.items() if v.snapshot is not None and i in stored]
        if gone:
            await conn.execute(_E.delete().where(mine, _E.c.id.in_(gone)))
        if new:
            await conn.execute(
                _E.insert(), [{"account_id": account_id, "id": v.entry_id, **_row(v)} for v in new]
            )
        for v in kept:
            await conn.execute(_E.update().where(mine, _E.c.id == v.entry_id).values(**_row(v)))
        await conn.execute(
            _V.insert(),
            [
                {
                    "account_id": account_id,
                    "entry_id": v.entry_id,
                    "version": v.version,
                    "action": v.action.value,
                    "author": v.author,
                    "created_at": v.created_at,
                    "snapshot": v.snapshot,
                    "diff": v.diff,
                }
                for v in versions
            ],
        )
        return versions

    async def history(self, account_id: str, entry_id: str) -> list[Version]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(_V)
                .where(_V.c.account_id == account_id, _V.c.entry_id == entry_id)
                .order_by(_V.c.version)
            )
            return [_version(row) for row in rows]

    async def ever_written(self, account_id: str) -> bool:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_V.c.version).where(_V.c.account_id == account_id).limit(1)
                )
            ).first()
        return row is not None


_J = tk.journey_events


class SqlJourneyLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, account_id: str, record: JourneyRecord) -> None:
        async with writing(self._engine) as conn:
            await conn.execute(
                _J.insert().values(
                    id=new_id(),
                    account_id=account_id,
                    conversation_id=record.conversation_id,
                    action=record.action,
                    node=record.node,
                    level=record.level,
                    entry_point=record.entry_point,
                    created_at=record.created_at,
                )
            )

    async def since(self, account_id: str, since: datetime | None) -> list[JourneyRecord]:
        query = select(_J).where(_J.c.account_id == account_id)
        if since is not None:
            query = query.where(_J.c.created_at >= since)
        async with self._engine.connect() as conn:
            rows = await conn.execute(query.order_by(_J.c.created_at, _J.c.id))
            return [
                JourneyRecord(
                    r.conversation_id, r.action, r.node, r.level, r.entry_point, r.created_at
                )
                for r in rows
            ]


_S = tk.suggestion_events


def _suggestion(row: Any) -> SuggestionRecord:
    return SuggestionRecord(
        row.conversation_id,
        row.kind,
        row.variant,
        row.suggestion_id,
        row.knowledge_id,
        row.position,
        row.created_at,
    )


class SqlSuggestionRecords:
    """Suggestion records on a connection already in a transaction: the unit of work of the
    message that shows the suggestions joins them (`kefu.knowledge.ports.SUGGESTION_RECORDS`)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add_many(self, account_id: str, records: Sequence[SuggestionRecord]) -> None:
        if records:
            await self.conn.execute(_S.insert(), [_record_row(account_id, r) for r in records])


def _record_row(account_id: str, r: SuggestionRecord) -> dict[str, object]:
    return {
        "id": new_id(),
        "account_id": account_id,
        "conversation_id": r.conversation_id,
        "kind": r.kind,
        "variant": r.variant,
        "suggestion_id": r.suggestion_id,
        "knowledge_id": r.knowledge_id,
        "position": r.position,
        "created_at": r.created_at,
    }


class SqlSuggestionLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add_many(self, account_id: str, records: Sequence[SuggestionRecord]) -> None:
        if not records:
            return
        async with writing(self._engine) as conn:
            await SqlSuggestionRecords(conn).add_many(account_id, records)

    async def last_shown(self, conversation_id: str, suggestion_id: str) -> SuggestionRecord | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_S)
                    .where(
                        _S.c.conversation_id == conversation_id,
                        _S.c.suggestion_id == suggestion_id,
                        _S.c.kind == "shown",
                    )
                    .order_by(_S.c.created_at.desc(), _S.c.id.desc())
                    .limit(1)
                )
            ).first()
        return _suggestion(row) if row is not None else None

    async def counts(self, account_id: str, since: datetime | None) -> list[VariantCounts]:
        shown = func.sum(case((_S.c.kind == "shown", 1), else_=0))
        clicked = func.sum(case((_S.c.kind == "clicked", 1), else_=0))
        query = select(_S.c.variant, shown, clicked).where(_S.c.account_id == account_id)
        if since is not None:
            query = query.where(_S.c.created_at >= since)
        async with self._engine.connect() as conn:
            rows = await conn.execute(query.group_by(_S.c.variant).order_by(_S.c.variant))
            return [VariantCounts(r[0], int(r[1] or 0), int(r[2] or 0)) for r in rows]

    async def clicks_by_knowledge(self, account_id: str, since: datetime) -> dict[str, int]:
        query = (
            select(_S.c.knowledge_id, func.count())
            .where(
                _S.c.account_id == account_id,
                _S.c.kind == "clicked",
                _S.c.knowledge_id.is_not(None),
                _S.c.created_at >= since,
            )
            .group_by(_S.c.knowledge_id)
        )
        async with self._engine.connect() as conn:
            return {str(k): int(n) for k, n in await conn.execute(query)}
