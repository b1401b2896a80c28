"""Quality's read side with its access checks: supervisors see the team; an agent sees
their own scorecard and the reviews of conversations they handled."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from kefu.domain.agent import Agent
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.quality import csat, nps, outcomes, scorecards
from kefu.quality.model import QaReport, ServiceRecord
from kefu.quality.ports import QualityStore
from kefu.services.context import ServiceContext

MAX_DAYS = 400


def access_team_reports(agent: Agent) -> Agent:
    if not agent.sees_everything:
        raise PermissionDenied("team quality reports are for supervisors and admins")
    return agent


def check_days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days must be 1 to {MAX_DAYS}, got {days}")
    return days


def report_to_dict(record: ServiceRecord, report: QaReport) -> dict[str, object]:
    return {
        "conversation_id": record.conversation_id,
        "agent_id": record.agent_id,
        "queue": record.queue,
        "channel": record.channel,
        "intent": record.intent,
        "tier": record.tier,
        "closed_at": record.closed_at.isoformat(),
        "resolved": record.resolved,
        "csat": record.csat,
        "total": report.total,
        "scores": report.scores,
        "stiff_policy": report.stiff_policy,
        "empathy_expressions": report.empathy_expressions,
        "start_emotion": report.start_emotion,
        "end_emotion": report.end_emotion,
        "first_response_s": report.first_response_s,
        "handling_s": report.handling_s,
        "model_version": report.model_version,
        "evidence": [dataclasses.asdict(e) for e in report.evidence],
    }


@dataclass
class QualityReports:
    ctx: ServiceContext
    store: QualityStore
    tz: tzinfo

    def _since(self, days: int) -> datetime:
        return self.ctx.clock() - timedelta(days=check_days(days))

    async def csat(self, agent: Agent, days: int) -> dict[str, object]:
        access_team_reports(agent)
        since = self._since(days)
        ratings = await self.store.ratings(agent.account_id, since)
        out = csat.summarise(ratings, ("agent", "queue", "intent", "tier"))
        votes = await self.store.bot_feedback(agent.account_id, since)
        helpful = sum(1 for v in votes if v.helpful)
        out["bot_answers"] = {
            "votes": len(votes),
            "helpful": helpful,
            "helpful_rate": round(helpful / len(votes), 3) if votes else None,
        }
        out["comments"] = [
            {"conversation_id": r.conversation_id, "score": r.score, "comment": r.comment}
            for r in sorted(ratings, key=lambda r: r.created_at, reverse=True)
            if r.comment
        ][:20]
        return out

    async def nps(self, agent: Agent, days: int) -> dict[str, object]:
        access_team_reports(agent)
        jobs = await self.store.jobs(agent.account_id, self._since(days))
        out = nps.by_segment(jobs, ("tier", "channel", "queue", "language"))
        out["pending"] = sum(1 for j in jobs if j.status == "pending")
        out["cancelled"] = sum(1 for j in jobs if j.status == "cancelled")
        return out

    async def outcomes(self, agent: Agent, days: int) -> dict[str, object]:
        access_team_reports(agent)
        records = await self.store.records(agent.account_id, self._since(days))
        return outcomes.analyse(records, await self.store.outcomes(agent.account_id))

    async def scorecards(
        self, agent: Agent, *, period: str, days: int, agent_id: str | None
    ) -> list[dict[str, object]]:
        if period not in ("day", "week"):
            raise InvalidInput(f"period must be day or week, got {period!r}")
        if not agent.sees_everything:
            if agent_id not in (None, agent.id):
                raise PermissionDenied("an agent sees their own scorecard only")
            agent_id = agent.id
        records = await self.store.records(agent.account_id, self._since(days), agent_id=agent_id)
        return scorecards.scorecards(records, period=period, tz=self.tz, agent_id=agent_id)

    async def team(self, agent: Agent, days: int) -> dict[str, object]:
        access_team_reports(agent)
        records = await self.store.records(agent.account_id, self._since(days))
        return {
            "team": scorecards.team(records),
            "collaboration": scorecards.collaboration(records).to_dict(),
        }

    async def review(self, agent: Agent, conversation_id: str) -> dict[str, object]:
        found = await self.store.report(conversation_id)
        if found is None or found[0].account_id != agent.account_id:
            raise NotFound(f"no QA report for conversation {conversation_id}")
        record, report = found
        if not agent.sees_everything and record.agent_id != agent.id:
            raise PermissionDenied("an agent sees the reviews of their own conversations only")
        return report_to_dict(record, report)

    async def review_queue(self, agent: Agent, days: int, limit: int) -> list[dict[str, object]]:
        """The lowest-scored conversations first, for a supervisor's review."""
        access_team_reports(agent)
        if not 1 <= limit <= 200:
            raise InvalidInput("limit must be 1 to 200")
        rows = await self.store.worst(agent.account_id, self._since(days), limit)
        return [
            {
                "conversation_id": r.conversation_id,
                "agent_id": r.agent_id,
                "closed_at": r.closed_at.isoformat(),
                "qa_total": r.qa_total,
                "tier": r.tier,
                "csat": r.csat,
            }
            for r in rows
        ]
