"""Account-wide settings documents (retention, …) stored as JSON under a key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables as t
from kefu.adapters.db.engine import writing


class AccountSettingsStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, account_id: str, key: str) -> dict[str, Any] | None:
        s = t.account_settings.c
        query = select(s.value).where(s.account_id == account_id, s.key == key)
        async with self._engine.connect() as conn:
            value = (await conn.execute(query)).scalar_one_or_none()
        return dict(value) if value is not None else None

    async def put(
        self, account_id: str, key: str, value: dict[str, Any], *, by: str, now: datetime
    ) -> None:
        s = t.account_settings.c
        async with writing(self._engine) as conn:
            updated = await conn.execute(
                t.account_settings.update()
                .where(s.account_id == account_id, s.key == key)
                .values(value=value, updated_by=by, updated_at=now)
            )
            if updated.rowcount == 0:
                await conn.execute(
                    t.account_settings.insert().values(
                        account_id=account_id, key=key, value=value, updated_by=by, updated_at=now
                    )
                )
