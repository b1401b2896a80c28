"""SQL storage of the bot: working memory, turns, rules, drafts and ratings (the bot's
`BotStore` and `DraftStore` ports; ratings stay until the quality feature takes them)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kefu.adapters.db import tables as t
from kefu.adapters.db import tables_bot as tb
from kefu.adapters.db.engine import writing
from kefu.bot.model import Draft
from kefu.domain.errors import Conflict

log = logging.getLogger(__name__)


def _draft(row: RowMapping) -> Draft:
    return Draft(
        id=row["id"],
        account_id=row["account_id"],
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


async def _upsert(conn: AsyncConnection, table: Table, key: str, **values: Any) -> None:
    """Update-then-insert on the table's one-column primary key."""
    [pk] = table.primary_key.columns
    changed = await conn.execute(update(table).where(pk == key).values(**values))
    if changed.rowcount == 0:
        await conn.execute(table.insert().values({pk.name: key, **values}))


def _dialect_insert(engine: AsyncEngine) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL both do)."""
    return pg_insert if engine.dialect.name == "postgresql" else sqlite_insert


class SqlTurnRecords:
    """The bot's turn record and memory on a connection that is already in a transaction:
    the unit of work that stores the bot's reply joins them (`kefu.bot.ports.BOT_TURNS`)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def record_turn(
        self, row: dict[str, Any], state: dict[str, Any] | None, now: datetime
    ) -> None:
        add_turn, put_state = _turn_statements(self.conn.dialect.name)
        stored = await self.conn.execute(add_turn, row)
        if stored.rowcount == 0:
            log.warning("turn stored twice", extra={"conversation_id": row["conversation_id"]})
        if state is not None:
            values = {"conversation_id": row["conversation_id"], "state": state, "updated_at": now}
            await self.conn.execute(put_state, values)


_TURN_STATEMENTS: dict[str, tuple[Any, Any]] = {}


def _turn_statements(dialect: str) -> tuple[Any, Any]:
    """A turn's two statements, built once per dialect (every bot reply runs them): the turn
    kept once, the memory inserted or replaced."""
    made = _TURN_STATEMENTS.get(dialect)
    if made is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        add_turn = insert(tb.bot_turns).on_conflict_do_nothing()
        upsert = insert(tb.bot_states)
        put_state = upsert.on_conflict_do_update(
            index_elements=["conversation_id"],
            set_={"state": upsert.excluded.state, "updated_at": upsert.excluded.updated_at},
        )
        made = _TURN_STATEMENTS[dialect] = (add_turn, put_state)
    return made


class SqlBotStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def load_state(self, conversation_id: str) -> dict[str, Any] | None:
        s = tb.bot_states.c
        async with self.engine.connect() as conn:
            query = select(s.state).where(s.conversation_id == conversation_id)
            found = (await conn.execute(query)).scalar_one_or_none()
        return dict(found) if found else None

    async def record_turn(
        self, row: dict[str, Any], state: dict[str, Any] | None, now: datetime
    ) -> None:
        """Stores one turn and, with it, the bot's memory after the turn: two statements in
        one transaction (a turn stored twice, after a redelivered event, is kept once)."""
        async with writing(self.engine) as conn:
            await SqlTurnRecords(conn).record_turn(row, state, now)

    async def list_turns(self, conversation_id: str) -> list[dict[str, Any]]:
        b = tb.bot_turns.c
        query = select(tb.bot_turns).where(b.conversation_id == conversation_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(b.message_seq))).mappings().all()
        return [dict(r) for r in rows]

    async def get_rules(self, account_id: str) -> dict[str, Any] | None:
        s = tb.bot_settings.c
        async with self.engine.connect() as conn:
            query = select(s.rules).where(s.account_id == account_id)
            found = (await conn.execute(query)).scalar_one_or_none()
        return dict(found) if found else None

    async def put_rules(
        self, account_id: str, rules: dict[str, Any], by: str | None, now: datetime
    ) -> None:
        async with writing(self.engine) as conn:
            await _upsert(
                conn, tb.bot_settings, account_id, rules=rules, updated_by=by, updated_at=now
            )

    async def add_draft(self, draft: Draft) -> None:
        async with writing(self.engine) as conn:
            await conn.execute(
                tb.bot_drafts.insert().values(
                    id=draft.id,
                    account_id=draft.account_id,
                    conversation_id=draft.conversation_id,
                    message_seq=draft.message_seq,
                    intent=draft.intent,
                    text=draft.text,
                    payload=draft.payload,
                    status=draft.status,
                    created_at=draft.created_at,
                )
            )

    async def list_drafts(
        self, account_id: str, status: str = "pending", limit: int = 100
    ) -> list[Draft]:
        d = tb.bot_drafts.c
        query = (
            select(tb.bot_drafts)
            .where(d.account_id == account_id, d.status == status)
            .order_by(d.created_at)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [_draft(r) for r in (await conn.execute(query)).mappings()]

    async def get_draft(self, draft_id: str) -> Draft | None:
        query = select(tb.bot_drafts).where(tb.bot_drafts.c.id == draft_id)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _draft(row) if row else None

    async def decide_draft(
        self, draft_id: str, status: str, by: str, final_text: str | None, now: datetime
    ) -> bool:
        """Claims a pending draft; False when someone else decided it first."""
        d = tb.bot_drafts.c
        async with writing(self.engine) as conn:
            changed = await conn.execute(
                update(tb.bot_drafts)
                .where(d.id == draft_id, d.status == "pending")
                .values(status=status, decided_by=by, final_text=final_text, decided_at=now)
            )
        return changed.rowcount == 1

    async def add_rating(
        self, conversation_id: str, score: int, comment: str | None, now: datetime
    ) -> None:
        try:
            async with writing(self.engine) as conn:
                await conn.execute(
                    tb.ratings.insert().values(
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

    async def unanswered(self, since: datetime, limit: int = 1000) -> list[dict[str, Any]]:
        """Customer messages in conversations with the bot that have no turn: the bot was
        stopped between storing the message and answering it."""
        m, c, b = t.messages.c, t.conversations.c, tb.bot_turns.c
        query = (
            select(t.messages)
            .join(t.conversations, c.id == m.conversation_id)
            .outerjoin(
                tb.bot_turns, (b.conversation_id == m.conversation_id) & (b.message_seq == m.seq)
            )
            .where(
                c.status == "bot",
                m.sender == "customer",
                m.created_at >= since,
                b.conversation_id.is_(None),
            )
            .order_by(m.conversation_id, m.seq)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [dict(r) for r in (await conn.execute(query)).mappings()]
