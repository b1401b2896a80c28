"""SQL storage of the quality package (CSAT, thumbs, QA records, outcomes). The
transcript reader QA scores from is `quality_transcripts`, the NPS schedule `quality_nps_store`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables_quality as q
from kefu.adapters.db.engine import writing
from kefu.adapters.db.quality_nps_store import SqlNpsStore
from kefu.domain.errors import Conflict
from kefu.quality.model import (
    BotFeedback,
    CsatRating,
    Evidence,
    Outcome,
    QaReport,
    ServiceRecord,
    Tier,
)


def _report_doc(report: QaReport) -> dict[str, Any]:
    return {
        "scores": report.scores,
        "total": report.total,
        "stiff_policy": report.stiff_policy,
        "empathy_expressions": report.empathy_expressions,
        "start_emotion": report.start_emotion,
        "end_emotion": report.end_emotion,
        "first_response_s": report.first_response_s,
        "handling_s": report.handling_s,
        "model_version": report.model_version,
        "evidence": [[e.dimension, e.seq, e.sentence, e.points, e.reason] for e in report.evidence],
    }


def _report(conversation_id: str, doc: dict[str, Any]) -> QaReport:
    return QaReport(
        conversation_id=conversation_id,
        scores={k: float(v) for k, v in doc["scores"].items()},
        total=float(doc["total"]),
        evidence=tuple(Evidence(d, s, text, float(p), r) for d, s, text, p, r in doc["evidence"]),
        stiff_policy=int(doc["stiff_policy"]),
        empathy_expressions=int(doc["empathy_expressions"]),
        start_emotion=doc["start_emotion"],
        end_emotion=doc["end_emotion"],
        first_response_s=doc["first_response_s"],
        handling_s=doc["handling_s"],
        model_version=str(doc.get("model_version", "")),
    )


def _tier(value: str | None) -> Tier | None:
    if value in ("bot", "bot_human", "human"):
        tier: Tier = value  # type: ignore[assignment]
        return tier
    return None


def _record(row: RowMapping) -> ServiceRecord:
    return ServiceRecord(
        conversation_id=row["conversation_id"],
        account_id=row["account_id"],
        customer_id=row["customer_id"],
        customer_external_id=row["customer_external_id"],
        agent_id=row["agent_id"],
        queue=row["queue"],
        channel=row["channel"],
        intent=row["intent"],
        tier=_tier(row["tier"]) or "bot",
        resolved=bool(row["resolved"]),
        assisted=bool(row["assisted"]),
        created_at=row["created_at"],
        closed_at=row["closed_at"],
        first_response_s=row["first_response_s"],
        handling_s=row["handling_s"],
        resolution_s=float(row["resolution_s"]),
        qa_total=row["qa_total"],
        qa_scores={k: float(v) for k, v in row["report"]["scores"].items()},
        end_emotion=row["end_emotion"],
        empathy_expressions=int(row["empathy_expressions"]),
        csat=row["csat"],
    )


class SqlQualityStore(SqlNpsStore):
    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)

    # --- CSAT and thumbs ---

    async def add_rating(self, rating: CsatRating) -> None:
        try:
            async with writing(self.engine) as conn:
                await conn.execute(
                    insert(q.quality_csat).values(
                        conversation_id=rating.conversation_id,
                        account_id=rating.account_id,
                        score=rating.score,
                        comment=rating.comment,
                        agent_id=rating.agent_id,
                        queue=rating.queue,
                        tier=rating.tier,
                        created_at=rating.created_at,
                    )
                )
        except IntegrityError as exc:
            raise Conflict("this conversation has already been rated") from exc

    async def ratings(self, account_id: str, since: datetime) -> list[CsatRating]:
        c, r = q.quality_csat.c, q.quality_records.c
        query = (
            select(q.quality_csat, r.tier.label("record_tier"), r.intent)
            .outerjoin(q.quality_records, r.conversation_id == c.conversation_id)
            .where(c.account_id == account_id, c.created_at >= since)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            CsatRating(
                conversation_id=row["conversation_id"],
                account_id=row["account_id"],
                score=row["score"],
                comment=row["comment"],
                created_at=row["created_at"],
                agent_id=row["agent_id"],
                queue=row["queue"],
                intent=row["intent"],
                tier=_tier(row["record_tier"] or row["tier"]),
            )
            for row in rows
        ]

    async def put_bot_feedback(self, account_id: str, feedback: BotFeedback) -> None:
        f = q.quality_bot_feedback.c
        async with writing(self.engine) as conn:
            await conn.execute(
                delete(q.quality_bot_feedback).where(
                    f.conversation_id == feedback.conversation_id, f.seq == feedback.seq
                )
            )
            await conn.execute(
                insert(q.quality_bot_feedback).values(
                    conversation_id=feedback.conversation_id,
                    seq=feedback.seq,
                    account_id=account_id,
                    helpful=feedback.helpful,
                    created_at=feedback.created_at,
                )
            )

    async def bot_feedback(self, account_id: str, since: datetime) -> list[BotFeedback]:
        f = q.quality_bot_feedback.c
        query = select(q.quality_bot_feedback).where(
            f.account_id == account_id, f.created_at >= since
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            BotFeedback(r["conversation_id"], r["seq"], bool(r["helpful"]), r["created_at"])
            for r in rows
        ]

    # --- QA records ---

    async def save(self, record: ServiceRecord, report: QaReport) -> None:
        values = {
            "conversation_id": record.conversation_id,
            "account_id": record.account_id,
            "customer_id": record.customer_id,
            "customer_external_id": record.customer_external_id,
            "agent_id": record.agent_id,
            "queue": record.queue,
            "channel": record.channel,
            "intent": record.intent,
            "tier": record.tier,
            "resolved": record.resolved,
            "assisted": record.assisted,
            "created_at": record.created_at,
            "closed_at": record.closed_at,
            "first_response_s": record.first_response_s,
            "handling_s": record.handling_s,
            "resolution_s": record.resolution_s,
            "qa_total": record.qa_total,
            "end_emotion": record.end_emotion,
            "empathy_expressions": record.empathy_expressions,
            "report": _report_doc(report),
        }
        r = q.quality_records.c
        async with writing(self.engine) as conn:
            await conn.execute(
                delete(q.quality_records).where(r.conversation_id == record.conversation_id)
            )
            await conn.execute(insert(q.quality_records).values(**values))

    def _records_query(self) -> Any:
        r, c = q.quality_records.c, q.quality_csat.c
        return select(q.quality_records, c.score.label("csat")).outerjoin(
            q.quality_csat, c.conversation_id == r.conversation_id
        )

    async def records(
        self, account_id: str, since: datetime, *, agent_id: str | None = None
    ) -> list[ServiceRecord]:
        r = q.quality_records.c
        query = self._records_query().where(r.account_id == account_id, r.closed_at >= since)
        if agent_id is not None:
            query = query.where(r.agent_id == agent_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(r.closed_at))).mappings().all()
        return [_record(row) for row in rows]

    async def report(self, conversation_id: str) -> tuple[ServiceRecord, QaReport] | None:
        r = q.quality_records.c
        query = self._records_query().where(r.conversation_id == conversation_id)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return _record(row), _report(conversation_id, row["report"])

    async def worst(self, account_id: str, since: datetime, limit: int) -> list[ServiceRecord]:
        r = q.quality_records.c
        query = (
            self._records_query()
            .where(r.account_id == account_id, r.closed_at >= since, r.qa_total.is_not(None))
            .order_by(r.qa_total, r.conversation_id)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_record(row) for row in rows]

    async def mark_assisted(self, conversation_id: str) -> None:
        try:
            async with writing(self.engine) as conn:
                await conn.execute(
                    insert(q.quality_assisted).values(conversation_id=conversation_id)
                )
        except IntegrityError:
            pass  # marked already

    async def was_assisted(self, conversation_id: str) -> bool:
        a = q.quality_assisted.c
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(a.conversation_id).where(a.conversation_id == conversation_id)
            )
            return found.first() is not None

    # --- outcomes ---

    async def add_outcomes(
        self, account_id: str, outcomes: Sequence[Outcome], now: datetime
    ) -> int:
        latest = {(o.customer_external_id, o.day, o.kind): o for o in outcomes}
        o = q.quality_outcomes.c
        async with writing(self.engine) as conn:
            for external, day, kind in latest:
                await conn.execute(
                    delete(q.quality_outcomes).where(
                        o.account_id == account_id,
                        o.customer_external_id == external,
                        o.day == day,
                        o.kind == kind,
                    )
                )
            await conn.execute(
                insert(q.quality_outcomes),
                [
                    {
                        "account_id": account_id,
                        "customer_external_id": x.customer_external_id,
                        "day": x.day,
                        "kind": x.kind,
                        "value": x.value,
                        "imported_at": now,
                    }
                    for x in latest.values()
                ],
            )
        return len(latest)

    async def outcomes(self, account_id: str) -> list[Outcome]:
        o = q.quality_outcomes.c
        query = select(q.quality_outcomes).where(o.account_id == account_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [Outcome(r["customer_external_id"], r["day"], r["kind"], r["value"]) for r in rows]
