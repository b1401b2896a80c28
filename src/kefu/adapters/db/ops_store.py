"""SQL storage of live operations: the state to rebuild the board from, knowledge packs and
the alert settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables as t
from kefu.adapters.db import tables_ops as tops
from kefu.adapters.db.engine import writing
from kefu.ops.board_state import AgentSeed, Seed
from kefu.ops.packs import KnowledgePack, pack_from_dict

OPEN_STATUSES = ("bot", "queued", "assigned")


def _pack_values(pack: KnowledgePack, account_id: str) -> dict[str, Any]:
    return {
        "id": pack.id,
        "account_id": account_id,
        "key": pack.key,
        "intent": pack.intent,
        "category": pack.category,
        "title": pack.title,
        "samples": list(pack.samples),
        "answer": pack.answer,
        "knowledge_id": pack.knowledge_id,
        "script": pack.script,
        "status": pack.status,
        "burst": dict(pack.burst),
        "created_at": pack.created_at,
        "updated_at": pack.updated_at,
        "updated_by": pack.updated_by,
    }


def _pack(row: RowMapping) -> KnowledgePack:
    return pack_from_dict(dict(row))


class SqlOpsStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def open_conversations(self) -> list[Seed]:
        """Every open conversation: the board's "now" is rebuilt from these at start-up,
        however long the history."""
        c = t.conversations.c
        query = select(
            c.id,
            c.status,
            c.queue,
            c.queued_at,
            c.assignee_id,
            c.assigned_at,
            c.first_response_at,
            c.had_human,
            c.reopen_count,
        ).where(c.status.in_(OPEN_STATUSES))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            Seed(
                conversation_id=r["id"],
                status=r["status"],
                queue=r["queue"],
                queued_at=r["queued_at"],
                assignee_id=r["assignee_id"],
                assigned_at=r["assigned_at"],
                first_response_at=r["first_response_at"],
                had_human=bool(r["had_human"]),
                reopen_count=int(r["reopen_count"] or 0),
            )
            for r in rows
        ]

    async def team(self) -> list[AgentSeed]:
        a = t.agents.c
        query = select(a.id, a.presence, a.max_concurrent).where(a.active.is_(True))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [AgentSeed(r["id"], r["presence"], int(r["max_concurrent"])) for r in rows]

    async def agent_capacity(self, agent_id: str) -> int | None:
        a = t.agents.c
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(select(a.max_concurrent).where(a.id == agent_id))
            ).scalar_one_or_none()
        return None if found is None else int(found)

    # ---- knowledge packs --------------------------------------------------------------------

    async def add_pack(self, account_id: str, pack: KnowledgePack) -> None:
        async with writing(self.engine) as conn:
            await conn.execute(
                tops.ops_knowledge_packs.insert().values(_pack_values(pack, account_id))
            )

    async def save_pack(self, account_id: str, pack: KnowledgePack) -> None:
        p = tops.ops_knowledge_packs.c
        values = _pack_values(pack, account_id)
        del values["id"], values["account_id"]
        async with writing(self.engine) as conn:
            await conn.execute(
                update(tops.ops_knowledge_packs)
                .where(p.id == pack.id, p.account_id == account_id)
                .values(**values)
            )

    async def get_pack(self, account_id: str, pack_id: str) -> KnowledgePack | None:
        p = tops.ops_knowledge_packs.c
        query = select(tops.ops_knowledge_packs).where(p.id == pack_id, p.account_id == account_id)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _pack(row)

    async def list_packs(
        self, account_id: str, *, status: str | None = None, limit: int = 100
    ) -> list[KnowledgePack]:
        p = tops.ops_knowledge_packs.c
        query = select(tops.ops_knowledge_packs).where(p.account_id == account_id)
        if status is not None:
            query = query.where(p.status == status)
        query = query.order_by(p.created_at.desc(), p.id).limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_pack(r) for r in rows]

    # ---- settings ---------------------------------------------------------------------------

    async def load_settings(self, account_id: str) -> dict[str, Any] | None:
        s = tops.ops_settings.c
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(select(s.config).where(s.account_id == account_id))
            ).scalar_one_or_none()
        return dict(found) if found else None

    async def save_settings(self, account_id: str, config: dict[str, Any], now: datetime) -> None:
        s = tops.ops_settings.c
        async with writing(self.engine) as conn:
            changed = await conn.execute(
                update(tops.ops_settings)
                .where(s.account_id == account_id)
                .values(config=config, updated_at=now)
            )
            if changed.rowcount == 0:
                await conn.execute(
                    tops.ops_settings.insert().values(
                        account_id=account_id, config=config, updated_at=now
                    )
                )
