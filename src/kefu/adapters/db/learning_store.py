"""SQL storage of the learning loop (`kefu.learning.ports.LearningStore`).

Gaps and proposals are written off the message path by the learning handler, each call its
own short transaction under the process's SQLite write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db.engine import writing
from kefu.adapters.db.tables_learning import learning_decisions, learning_gaps, learning_proposals
from kefu.learning.model import Gap, GapKind, Proposal, ProposalKind, ProposalStatus
from kefu.learning.ports import Decision

_G, _P, _D = learning_gaps, learning_proposals, learning_decisions


class SqlLearningStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add_gaps(self, gaps: Sequence[Gap]) -> None:
        rows = [
            {
                "id": g.id,
                "account_id": g.account_id,
                "conversation_id": g.conversation_id,
                "kind": g.kind.value,
                "text": g.text,
                "language": g.language,
                "decision": g.decision,
                "knowledge_id": g.knowledge_id,
                "at": g.at,
            }
            for g in gaps
        ]
        async with writing(self._engine) as conn:
            await conn.execute(insert(_G), rows)

    async def gaps(
        self, account_id: str, *, since: datetime | None = None, limit: int = 20_000
    ) -> list[Gap]:
        query = select(_G).where(_G.c.account_id == account_id)
        if since is not None:
            query = query.where(_G.c.at >= since)
        query = query.order_by(_G.c.at.desc(), _G.c.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            rows = list(await conn.execute(query))
        return [_gap(r) for r in reversed(rows)]

    async def add_proposals(self, proposals: Sequence[Proposal]) -> int:
        if not proposals:
            return 0
        ids = [p.id for p in proposals]
        async with writing(self._engine) as conn:
            existing = {
                row.id: row
                for row in await conn.execute(
                    select(_P.c.id, _P.c.status, _P.c.support).where(_P.c.id.in_(ids))
                )
            }
            new = [p for p in dict((p.id, p) for p in proposals).values() if p.id not in existing]
            if new:
                await conn.execute(insert(_P), [_proposal_row(p) for p in new])
            for p in proposals:
                old = existing.get(p.id)
                if (
                    old is not None
                    and old.status == ProposalStatus.PENDING
                    and p.support > old.support
                ):
                    await conn.execute(
                        update(_P)
                        .where(_P.c.id == p.id)
                        .values(support=p.support, sources=list(p.sources))
                    )
        return len(new)

    async def proposals(
        self, account_id: str, *, status: ProposalStatus | None = None, limit: int = 200
    ) -> list[Proposal]:
        query = select(_P).where(_P.c.account_id == account_id)
        if status is not None:
            query = query.where(_P.c.status == status.value)
        query = query.order_by(_P.c.support.desc(), _P.c.created_at, _P.c.id).limit(limit)
        async with self._engine.connect() as conn:
            return [_proposal(r) for r in await conn.execute(query)]

    async def get_proposal(self, account_id: str, proposal_id: str) -> Proposal | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_P).where(_P.c.account_id == account_id, _P.c.id == proposal_id)
                )
            ).first()
        return _proposal(row) if row is not None else None

    async def decide(self, proposal: Proposal, decision: Decision) -> None:
        async with writing(self._engine) as conn:
            await conn.execute(
                update(_P)
                .where(_P.c.id == proposal.id)
                .values(
                    status=proposal.status.value,
                    decided_by=proposal.decided_by,
                    decided_at=proposal.decided_at,
                    reason=proposal.reason,
                    result_entry_id=proposal.result_entry_id,
                )
            )
            await conn.execute(
                insert(_D).values(
                    account_id=proposal.account_id,
                    proposal_id=decision.proposal_id,
                    action=decision.action,
                    by=decision.by,
                    at=decision.at,
                    reason=decision.reason,
                    entry_id=decision.entry_id,
                )
            )

    async def decisions(self, account_id: str, proposal_id: str) -> list[Decision]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(_D)
                .where(_D.c.account_id == account_id, _D.c.proposal_id == proposal_id)
                .order_by(_D.c.id)
            )
            return [
                Decision(r.proposal_id, r.action, r.by, r.at, r.reason, r.entry_id) for r in rows
            ]


def _gap(r: Any) -> Gap:
    return Gap(
        id=r.id,
        account_id=r.account_id,
        conversation_id=r.conversation_id,
        kind=GapKind(r.kind),
        text=r.text,
        language=r.language,
        decision=r.decision,
        knowledge_id=r.knowledge_id,
        at=r.at,
    )


def _proposal_row(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "account_id": p.account_id,
        "kind": p.kind.value,
        "status": p.status.value,
        "question": p.question,
        "answer": p.answer,
        "phrasings": list(p.phrasings),
        "language": p.language,
        "category": p.category,
        "entry_id": p.entry_id,
        "sources": list(p.sources),
        "support": p.support,
        "created_at": p.created_at,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at,
        "reason": p.reason,
        "result_entry_id": p.result_entry_id,
    }


def _proposal(r: Any) -> Proposal:
    return Proposal(
        id=r.id,
        account_id=r.account_id,
        kind=ProposalKind(r.kind),
        question=r.question,
        answer=r.answer,
        phrasings=tuple(r.phrasings),
        language=r.language,
        category=r.category,
        entry_id=r.entry_id,
        sources=tuple(r.sources),
        support=int(r.support),
        created_at=r.created_at,
        status=ProposalStatus(r.status),
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        reason=r.reason,
        result_entry_id=r.result_entry_id,
    )
