"""Routing's repositories over SQLAlchemy Core: the SLA ledger, queue settings and
callback requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kefu.adapters.db import tables as t
from kefu.adapters.db.repositories import SqlRepository, aware
from kefu.domain.callback import CallbackRequest
from kefu.services.ports import DuplicateKey, SlaKey


class SqlSlaLedger(SqlRepository):
    async def announced(self, conversation_ids: Sequence[str]) -> set[SlaKey]:
        if not conversation_ids:
            return set()
        e = t.sla_events.c
        query = select(e.conversation_id, e.kind, e.target, e.scheduled_at).where(
            e.conversation_id.in_(set(conversation_ids))
        )
        return {
            (cid, kind, target, aware(at) or at)
            for cid, kind, target, at in (await self._conn.execute(query)).all()
        }

    async def claim(self, key: SlaKey, policy_id: str) -> bool:
        conversation_id, kind, target, scheduled_at = key
        values = {
            "conversation_id": conversation_id,
            "kind": kind,
            "target": target,
            "scheduled_at": scheduled_at,
            "policy_id": policy_id,
        }
        try:
            await self._insert(t.sla_events, values)
        except DuplicateKey:
            return False
        return True


class SqlQueueSettingsRepository(SqlRepository):
    async def get(self, account_id: str, name: str) -> dict[str, Any] | None:
        q = t.queue_configs.c
        query = select(q.config).where(q.account_id == account_id, q.name == name)
        config = (await self._conn.execute(query)).scalar_one_or_none()
        return dict(config) if config is not None else None

    async def list(self, account_id: str) -> dict[str, dict[str, Any]]:
        q = t.queue_configs.c
        query = select(q.name, q.config).where(q.account_id == account_id).order_by(q.name)
        return {name: dict(config) for name, config in (await self._conn.execute(query)).all()}

    async def put(self, account_id: str, name: str, config: dict[str, Any], now: datetime) -> None:
        q = t.queue_configs.c
        updated = await self._conn.execute(
            t.queue_configs.update()
            .where(q.account_id == account_id, q.name == name)
            .values(config=config, updated_at=now)
        )
        if updated.rowcount == 0:
            values = {"account_id": account_id, "name": name, "config": config, "updated_at": now}
            await self._insert(t.queue_configs, values)


class SqlCallbackRepository(SqlRepository):
    async def add(self, callback: CallbackRequest) -> None:
        await self._insert(
            t.callbacks,
            {
                "id": callback.id,
                "account_id": callback.account_id,
                "conversation_id": callback.conversation_id,
                "customer_id": callback.customer_id,
                "phone": callback.phone,
                "preferred_time": callback.preferred_time,
                "note": callback.note,
                "created_at": callback.created_at,
            },
        )

    async def list(self, account_id: str, limit: int = 100) -> list[CallbackRequest]:
        c = t.callbacks.c
        query = (
            select(t.callbacks)
            .where(c.account_id == account_id)
            .order_by(c.created_at.desc())
            .limit(limit)
        )
        return [
            CallbackRequest(
                id=r["id"],
                account_id=r["account_id"],
                conversation_id=r["conversation_id"],
                customer_id=r["customer_id"],
                phone=r["phone"],
                created_at=r["created_at"],
                preferred_time=r["preferred_time"],
                note=r["note"],
            )
            for r in (await self._conn.execute(query)).mappings()
        ]
