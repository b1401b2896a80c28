"""The NPS schedule in SQL: a table of due jobs, each claimed by one instance.

Claiming is one conditional UPDATE per job (`… WHERE claimed_by IS NULL OR claim is
stale`), so of two instances racing for a job exactly one sees a row changed. On
PostgreSQL the candidates are first locked with `FOR UPDATE SKIP LOCKED`, so instances
polling together take different jobs instead of queueing on the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables_quality as q
from kefu.adapters.db.engine import writing
from kefu.quality.model import NpsJob

MAX_ATTEMPTS = 10


def _job(row: RowMapping) -> NpsJob:
    return NpsJob(
        id=row["id"],
        token=row["token"],
        account_id=row["account_id"],
        conversation_id=row["conversation_id"],
        customer_id=row["customer_id"],
        language=row["language"],
        due_at=row["due_at"],
        status=row["status"],
        segment={str(k): str(v) for k, v in (row["segment"] or {}).items()},
        sent_at=row["sent_at"],
        score=row["score"],
        comment=row["comment"],
        cancelled_reason=row["cancelled_reason"],
    )


class SqlNpsStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._postgres = engine.dialect.name == "postgresql"

    async def schedule(self, job: NpsJob) -> bool:
        try:
            async with writing(self.engine) as conn:
                await conn.execute(
                    insert(q.quality_nps_jobs).values(
                        id=job.id,
                        token=job.token,
                        account_id=job.account_id,
                        conversation_id=job.conversation_id,
                        customer_id=job.customer_id,
                        language=job.language,
                        segment=dict(job.segment),
                        due_at=job.due_at,
                        status=job.status,
                        attempts=0,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def last_survey_at(self, account_id: str, customer_id: str) -> datetime | None:
        j = q.quality_nps_jobs.c
        query = select(func.max(j.due_at)).where(
            j.account_id == account_id, j.customer_id == customer_id, j.status != "cancelled"
        )
        async with self.engine.connect() as conn:
            value: datetime | None = (await conn.execute(query)).scalar_one_or_none()
        if isinstance(value, str):  # SQLite aggregates lose the column's type
            value = datetime.fromisoformat(value)
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    async def claim_due(
        self, now: datetime, instance: str, limit: int, stale_before: datetime
    ) -> list[NpsJob]:
        j = q.quality_nps_jobs.c
        free = or_(j.claimed_by.is_(None), j.claimed_at < stale_before)
        due = and_(j.status == "pending", j.due_at <= now, j.attempts < MAX_ATTEMPTS, free)
        candidates: Any = select(j.id).where(due).order_by(j.due_at).limit(limit)
        if self._postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        claimed: list[NpsJob] = []
        async with writing(self.engine) as conn:
            ids = [row[0] for row in (await conn.execute(candidates)).all()]
            for job_id in ids:
                changed = await conn.execute(
                    update(q.quality_nps_jobs)
                    .where(j.id == job_id, due)
                    .values(claimed_by=instance, claimed_at=now, attempts=j.attempts + 1)
                )
                if changed.rowcount == 1:
                    row = (
                        (await conn.execute(select(q.quality_nps_jobs).where(j.id == job_id)))
                        .mappings()
                        .one()
                    )
                    claimed.append(_job(row))
        return claimed

    async def mark_sent(self, job_id: str, now: datetime) -> None:
        j = q.quality_nps_jobs.c
        async with writing(self.engine) as conn:
            await conn.execute(
                update(q.quality_nps_jobs)
                .where(j.id == job_id, j.status == "pending")
                .values(status="sent", sent_at=now)
            )

    async def release(self, job_id: str, error: str) -> None:
        j = q.quality_nps_jobs.c
        async with writing(self.engine) as conn:
            await conn.execute(
                update(q.quality_nps_jobs)
                .where(j.id == job_id)
                .values(claimed_by=None, claimed_at=None, last_error=error[:200])
            )

    async def cancel_customer(
        self, account_id: str, customer_id: str, reason: str, now: datetime
    ) -> int:
        j = q.quality_nps_jobs.c
        async with writing(self.engine) as conn:
            changed = await conn.execute(
                update(q.quality_nps_jobs)
                .where(
                    j.account_id == account_id,
                    j.customer_id == customer_id,
                    j.status == "pending",
                )
                .values(status="cancelled", cancelled_reason=reason)
            )
        return int(changed.rowcount)

    async def by_token(self, token: str) -> NpsJob | None:
        j = q.quality_nps_jobs.c
        async with self.engine.connect() as conn:
            row = (
                (await conn.execute(select(q.quality_nps_jobs).where(j.token == token)))
                .mappings()
                .first()
            )
        return _job(row) if row else None

    async def answer(self, token: str, score: int, comment: str | None, now: datetime) -> bool:
        j = q.quality_nps_jobs.c
        async with writing(self.engine) as conn:
            changed = await conn.execute(
                update(q.quality_nps_jobs)
                .where(j.token == token, j.score.is_(None), j.status != "cancelled")
                .values(status="answered", score=score, comment=comment, answered_at=now)
            )
        return int(changed.rowcount) == 1

    async def jobs(self, account_id: str, since: datetime) -> list[NpsJob]:
        j = q.quality_nps_jobs.c
        query = select(q.quality_nps_jobs).where(j.account_id == account_id, j.due_at >= since)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_job(row) for row in rows]

    async def opt_out(self, account_id: str, customer_id: str, now: datetime) -> None:
        try:
            async with writing(self.engine) as conn:
                await conn.execute(
                    insert(q.quality_opt_outs).values(
                        account_id=account_id, customer_id=customer_id, created_at=now
                    )
                )
        except IntegrityError:
            pass  # opted out already

    async def opted_out(self, account_id: str, customer_id: str) -> bool:
        o = q.quality_opt_outs.c
        query = select(o.customer_id).where(
            o.account_id == account_id, o.customer_id == customer_id
        )
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).first() is not None
