"""SQL storage of the bot: working memory, turns, rules, drafts and ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables as t
from kefu.domain.errors import Conflict


@dataclass(frozen=True, slots=True)
class Draft:
    id: str
    conversation_id: str
    message_seq: int
    intent: str
    text: str
    payload: dict[str, Any] | None
    status: str
    created_at: datetime
    decided_by: str | None = None
    final_text: str | None = None


def _draft(row: RowMapping) -> Draft:
    return Draft(
        id=row["id"],
        conversation_id=row["conversation_id"],
        message_seq=row["message_seq"],
        intent=row["intent"],
        text=row["text"],
        payload=row["payload"],
        status=row["status"],
        created_at=row["created_at"],
        decided_by=row["decided_by"],
        final_text=row["final_text"],
    )


class SqlBotStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def load_state(self, conversation_id: str) -> dict[str, Any] | None:
        s = t.bot_states.c
        async with self.engine.connect() as conn:
            query = select(s.state).where(s.conversation_id == conversation_id)
            found = (await conn.execute(query)).scalar_one_or_none()
        return dict(found) if found else None

    async def save_state(self, conversation_id: str, state: dict[str, Any], now: datetime) -> None:
        s = t.bot_states.c
        async with self.engine.begin() as conn:
            changed = await conn.execute(
                update(t.bot_states)
                .where(s.conversation_id == conversation_id)
                .values(state=state, updated_at=now)
            )
            if changed.rowcount == 0:
                await conn.execute(
                    t.bot_states.insert().values(
                        conversation_id=conversation_id, state=state, updated_at=now
                    )
                )

    async def add_turn(self, values: dict[str, Any]) -> bool:
        """False when this message already has a turn (a redelivered event)."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(t.bot_turns.insert().values(**values))
        except IntegrityError:
            return False
        return True

    async def finish_turn(self, conversation_id: str, seq: int, values: dict[str, Any]) -> None:
        b = t.bot_turns.c
        async with self.engine.begin() as conn:
            await conn.execute(
                update(t.bot_turns)
                .where(b.conversation_id == conversation_id, b.message_seq == seq)
                .values(**values)
            )

    async def list_turns(self, conversation_id: str) -> list[dict[str, Any]]:
        b = t.bot_turns.c
        query = select(t.bot_turns).where(b.conversation_id == conversation_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(b.message_seq))).mappings().all()
        return [dict(r) for r in rows]

    async def get_rules(self, account_id: str) -> dict[str, Any] | None:
        s = t.bot_settings.c
        async with self.engine.connect() as conn:
            query = select(s.rules).where(s.account_id == account_id)
            found = (await conn.execute(query)).scalar_one_or_none()
        return dict(found) if found else None

    async def put_rules(
        self, account_id: str, rules: dict[str, Any], by: str | None, now: datetime
    ) -> None:
        s = t.bot_settings.c
        async with self.engine.begin() as conn:
            changed = await conn.execute(
                update(t.bot_settings)
                .where(s.account_id == account_id)
                .values(rules=rules, updated_by=by, updated_at=now)
            )
            if changed.rowcount == 0:
                await conn.execute(
                    t.bot_settings.insert().values(
                        account_id=account_id, rules=rules, updated_by=by, updated_at=now
                    )
                )

    async def add_draft(self, draft: Draft) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                t.bot_drafts.insert().values(
                    id=draft.id,
                    conversation_id=draft.conversation_id,
                    message_seq=draft.message_seq,
                    intent=draft.intent,
                    text=draft.text,
                    payload=draft.payload,
                    status=draft.status,
                    created_at=draft.created_at,
                )
            )

    async def list_drafts(self, status: str = "pending", limit: int = 100) -> list[Draft]:
        d = t.bot_drafts.c
        query = select(t.bot_drafts).where(d.status == status).order_by(d.created_at).limit(limit)
        async with self.engine.connect() as conn:
            return [_draft(r) for r in (await conn.execute(query)).mappings()]

    async def get_draft(self, draft_id: str) -> Draft | None:
        query = select(t.bot_drafts).where(t.bot_drafts.c.id == draft_id)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _draft(row) if row else None

    async def decide_draft(
        self, draft_id: str, status: str, by: str, final_text: str | None, now: datetime
    ) -> bool:
        """Claims a pending draft; False when someone else decided it first."""
        d = t.bot_drafts.c
        async with self.engine.begin() as conn:
            changed = await conn.execute(
                update(t.bot_drafts)
                .where(d.id == draft_id, d.status == "pending")
                .values(status=status, decided_by=by, final_text=final_text, decided_at=now)
            )
        return changed.rowcount == 1

    async def add_rating(
        self, conversation_id: str, score: int, comment: str | None, now: datetime
    ) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    t.ratings.insert().values(
                        conversation_id=conversation_id,
                        score=score,
                        comment=comment,
                        created_at=now,
                    )
                )
        except IntegrityError as exc:
            raise Conflict("this conversation has already been rated") from exc

    async def count_conversations(self, customer_id: str, since: datetime) -> int:
        c = t.conversations.c
        query = select(func.count()).where(c.customer_id == customer_id, c.created_at >= since)
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
