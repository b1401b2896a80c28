"""`SqlJobStore`: the queued lane's jobs in the `jobs` table (see `kefu.services.jobs`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kefu.adapters.db.engine import writing
from kefu.adapters.db.tables_jobs import jobs as _J
from kefu.services import event_codec
from kefu.services.jobs import Job, NewJob

# Built once: every committed unit of work with queued jobs and every finished batch runs one.
_INSERT = insert(_J).returning(_J.c.id, _J.c.handler, _J.c.key, _J.c.event)
_DELETE = delete(_J).where(_J.c.id.in_(bindparam("ids", expanding=True)))


async def add_jobs(
    conn: AsyncConnection,
    new: Sequence[NewJob],
    *,
    claimed_by: str,
    until: datetime,
    now: datetime,
) -> list[Job]:
    """Inside the caller's transaction: the jobs commit (or not) with the change itself.

    One statement, whatever the number of jobs (SQLAlchemy's "insertmanyvalues"; asking it
    to return the ids in parameter order makes it insert row by row on SQLite). The ids are
    matched back to the jobs by content; jobs of equal content are interchangeable."""
    if not new:
        return []
    encoded: dict[int, str] = {}  # an event with several queued handlers is encoded once
    for job in new:
        if id(job.event) not in encoded:
            encoded[id(job.event)] = event_codec.encode(job.event)
    rows = [
        {
            "handler": job.handler,
            "key": job.key,
            "event": encoded[id(job.event)],
            "created_at": now,
            "available_at": now,
            "claimed_by": claimed_by,
            "claimed_until": until,
            "attempts": 0,
        }
        for job in new
    ]
    returned = await conn.execute(_INSERT, rows)
    ids: dict[tuple[str, str, str], list[int]] = {}
    for row in sorted(returned, key=lambda r: r[0]):
        ids.setdefault((row[1], row[2], row[3]), []).append(row[0])
    return [
        Job(
            id=ids[(job.handler, job.key, encoded[id(job.event)])].pop(0),
            handler=job.handler,
            key=job.key,
            event=job.event,
        )
        for job in new
    ]


class SqlJobStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(
        self, jobs: Sequence[NewJob], *, claimed_by: str, until: datetime, now: datetime
    ) -> list[Job]:
        async with writing(self.engine) as conn:
            return await add_jobs(conn, jobs, claimed_by=claimed_by, until=until, now=now)

    async def claim(
        self, instance: str, handlers: Sequence[str], limit: int, now: datetime, until: datetime
    ) -> list[Job]:
        earlier = _J.alias("earlier")
        claimable = (
            select(_J.c.id)
            .where(
                or_(_J.c.claimed_by.is_(None), _J.c.claimed_until < now),
                _J.c.available_at <= now,
                _J.c.handler.in_(handlers),
                ~exists().where(and_(earlier.c.key == _J.c.key, earlier.c.id < _J.c.id)),
            )
            .order_by(_J.c.id)
            .limit(limit)
            # PostgreSQL: instances polling at once take different jobs (SQLite ignores it
            # and has one writer anyway).
            .with_for_update(skip_locked=True)
        )
        async with writing(self.engine) as conn:
            ids = [row[0] for row in await conn.execute(claimable)]
            if not ids:
                return []
            rows = await conn.execute(
                update(_J)
                .where(_J.c.id.in_(ids))
                .values(claimed_by=instance, claimed_until=until)
                .returning(_J.c.id, _J.c.handler, _J.c.key, _J.c.event, _J.c.attempts)
            )
            claimed = [
                Job(
                    id=r.id,
                    handler=r.handler,
                    key=r.key,
                    event=event_codec.decode(r.event)[0],
                    attempts=r.attempts,
                )
                for r in rows
            ]
        return sorted(claimed, key=lambda job: job.id)

    async def extend(self, ids: Sequence[int], until: datetime) -> None:
        async with writing(self.engine) as conn:
            await conn.execute(update(_J).where(_J.c.id.in_(ids)).values(claimed_until=until))

    async def finish(self, ids: Sequence[int]) -> None:
        async with writing(self.engine) as conn:
            await conn.execute(_DELETE, {"ids": list(ids)})

    async def retry(self, job_id: int, error: str, at: datetime) -> None:
        async with writing(self.engine) as conn:
            await conn.execute(
                update(_J)
                .where(_J.c.id == job_id)
                .values(
                    claimed_by=None,
                    claimed_until=None,
                    available_at=at,
                    attempts=_J.c.attempts + 1,
                    last_error=error,
                )
            )

    async def release(self, ids: Sequence[int] | None) -> None:
        statement = update(_J).values(claimed_by=None, claimed_until=None)
        if ids is not None:
            statement = statement.where(_J.c.id.in_(ids))
        async with writing(self.engine) as conn:
            await conn.execute(statement)

    async def pending(self) -> int:
        """How many jobs are stored (done ones are deleted)."""
        async with self.engine.connect() as conn:
            return len((await conn.execute(select(_J.c.id))).all())
