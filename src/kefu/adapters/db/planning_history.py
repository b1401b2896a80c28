"""Planning's read-only view of the conversation history: start times and handling times,
straight from the `conversations` table (no table of its own)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables as t
from kefu.planning.ports import HandlingSample


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class SqlContactHistory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def conversation_starts(
        self, account_id: str, since: datetime, until: datetime
    ) -> Sequence[datetime]:
        c = t.conversations.c
        query = (
            select(c.created_at)
            .where(c.account_id == account_id, c.created_at >= since, c.created_at < until)
            .order_by(c.created_at)
        )
        async with self.engine.connect() as conn:
            rows = await conn.execute(query)
            return [_utc(row[0]) for row in rows]

    async def handling(self, account_id: str, since: datetime, until: datetime) -> HandlingSample:
        c = t.conversations.c
        window = and_(c.account_id == account_id, c.created_at >= since, c.created_at < until)
        counts = select(func.count(), func.count().filter(c.had_human.is_(True))).where(window)
        handled = select(c.assigned_at, c.resolved_at).where(
            window, c.assigned_at.is_not(None), c.resolved_at.is_not(None)
        )
        async with self.engine.connect() as conn:
            total, with_human = (await conn.execute(counts)).one()
            spans = [
                (_utc(end) - _utc(start)).total_seconds()
                for start, end in await conn.execute(handled)
                if end >= start
            ]
        aht = sum(spans) / len(spans) if spans else None
        return HandlingSample(int(total), int(with_human or 0), aht)
