"""In-memory implementations of the quality ports, for unit tests and one-process demos."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kefu.domain.errors import Conflict
from kefu.quality.model import (
    BotFeedback,
    CsatRating,
    NpsJob,
    Outcome,
    QaReport,
    ServiceRecord,
    Transcript,
)


@dataclass
class InMemoryTranscripts:
    items: dict[str, Transcript] = field(default_factory=dict)

    async def transcript(self, conversation_id: str) -> Transcript | None:
        return self.items.get(conversation_id)

    async def unscored(self, since: datetime, limit: int) -> list[str]:
        return []


@dataclass
class InMemoryQualityStore:
    csat: dict[str, CsatRating] = field(default_factory=dict)
    feedback: dict[tuple[str, int], tuple[str, BotFeedback]] = field(default_factory=dict)
    rows: dict[str, tuple[ServiceRecord, QaReport]] = field(default_factory=dict)
    assisted: set[str] = field(default_factory=set)
    nps: dict[str, NpsJob] = field(default_factory=dict)
    surveyed: set[str] = field(default_factory=set)
    by_customer: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    claims: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    opt_outs: set[tuple[str, str]] = field(default_factory=set)
    outcome_rows: dict[tuple[str, str, str, str], Outcome] = field(default_factory=dict)

    async def add_rating(self, rating: CsatRating) -> None:
        if rating.conversation_id in self.csat:
            raise Conflict("this conversation has already been rated")
        self.csat[rating.conversation_id] = rating

    async def ratings(self, account_id: str, since: datetime) -> list[CsatRating]:
        out = []
        for r in self.csat.values():
            if r.account_id == account_id and r.created_at >= since:
                row = self.rows.get(r.conversation_id)
                if row is not None:
                    r = dataclasses.replace(r, tier=row[0].tier, intent=row[0].intent)
                out.append(r)
        return out

    async def put_bot_feedback(self, account_id: str, feedback: BotFeedback) -> None:
        self.feedback[(feedback.conversation_id, feedback.seq)] = (account_id, feedback)

    async def bot_feedback(self, account_id: str, since: datetime) -> list[BotFeedback]:
        return [f for a, f in self.feedback.values() if a == account_id and f.created_at >= since]

    async def save(self, record: ServiceRecord, report: QaReport) -> None:
        self.rows[record.conversation_id] = (record, report)

    def _with_csat(self, record: ServiceRecord) -> ServiceRecord:
        rating = self.csat.get(record.conversation_id)
        return dataclasses.replace(record, csat=rating.score if rating else None)

    async def records(
        self, account_id: str, since: datetime, *, agent_id: str | None = None
    ) -> list[ServiceRecord]:
        rows = [
            self._with_csat(r)
            for r, _ in self.rows.values()
            if r.account_id == account_id
            and r.closed_at >= since
            and (agent_id is None or r.agent_id == agent_id)
        ]
        return sorted(rows, key=lambda r: r.closed_at)

    async def report(self, conversation_id: str) -> tuple[ServiceRecord, QaReport] | None:
        row = self.rows.get(conversation_id)
        return (self._with_csat(row[0]), row[1]) if row else None

    async def worst(self, account_id: str, since: datetime, limit: int) -> list[ServiceRecord]:
        rows = [r for r in await self.records(account_id, since) if r.qa_total is not None]
        return sorted(rows, key=lambda r: (r.qa_total or 0.0, r.conversation_id))[:limit]

    async def mark_assisted(self, conversation_id: str) -> None:
        self.assisted.add(conversation_id)

    async def was_assisted(self, conversation_id: str) -> bool:
        return conversation_id in self.assisted

    async def schedule(self, job: NpsJob) -> bool:
        if job.conversation_id in self.surveyed:
            return False
        self.nps[job.id] = job
        self.surveyed.add(job.conversation_id)
        self.by_customer.setdefault((job.account_id, job.customer_id), []).append(job.id)
        return True

    async def last_survey_at(self, account_id: str, customer_id: str) -> datetime | None:
        jobs = [self.nps[i] for i in self.by_customer.get((account_id, customer_id), [])]
        times = [j.due_at for j in jobs if j.status != "cancelled"]
        return max(times) if times else None

    async def claim_due(
        self, now: datetime, instance: str, limit: int, stale_before: datetime
    ) -> list[NpsJob]:
        out = []
        for job in sorted(self.nps.values(), key=lambda j: j.due_at):
            claim = self.claims.get(job.id)
            if job.status != "pending" or job.due_at > now:
                continue
            if claim is not None and claim[1] >= stale_before:
                continue
            self.claims[job.id] = (instance, now)
            out.append(job)
            if len(out) == limit:
                break
        return out

    async def mark_sent(self, job_id: str, now: datetime) -> None:
        self.nps[job_id] = dataclasses.replace(self.nps[job_id], status="sent", sent_at=now)

    async def release(self, job_id: str, error: str) -> None:
        self.claims.pop(job_id, None)

    async def cancel_customer(
        self, account_id: str, customer_id: str, reason: str, now: datetime
    ) -> int:
        count = 0
        for job in list(self.nps.values()):
            mine = (job.account_id, job.customer_id) == (account_id, customer_id)
            if mine and job.status == "pending":
                self.nps[job.id] = dataclasses.replace(
                    job, status="cancelled", cancelled_reason=reason
                )
                count += 1
        return count

    async def by_token(self, token: str) -> NpsJob | None:
        return next((j for j in self.nps.values() if j.token == token), None)

    async def answer(self, token: str, score: int, comment: str | None, now: datetime) -> bool:
        job = await self.by_token(token)
        if job is None or job.score is not None:
            return False
        self.nps[job.id] = dataclasses.replace(job, status="answered", score=score, comment=comment)
        return True

    async def jobs(self, account_id: str, since: datetime) -> list[NpsJob]:
        return [j for j in self.nps.values() if j.account_id == account_id and j.due_at >= since]

    async def opt_out(self, account_id: str, customer_id: str, now: datetime) -> None:
        self.opt_outs.add((account_id, customer_id))

    async def opted_out(self, account_id: str, customer_id: str) -> bool:
        return (account_id, customer_id) in self.opt_outs

    async def add_outcomes(
        self, account_id: str, outcomes: Sequence[Outcome], now: datetime
    ) -> int:
        for o in outcomes:
            key = (account_id, o.customer_external_id, o.day.isoformat(), o.kind)
            self.outcome_rows[key] = o
        return len(outcomes)

    async def outcomes(self, account_id: str) -> list[Outcome]:
        return [o for k, o in self.outcome_rows.items() if k[0] == account_id]


@dataclass
class RecordingNotifier:
    """Remembers what it was asked to send; `fail` makes the next sends raise."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    fail: bool = False

    async def send(self, job: NpsJob, link: str) -> None:
        if self.fail:
            raise ConnectionError("the notification channel is down")
        self.sent.append((job.id, link))
