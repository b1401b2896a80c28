"""Storage of agent assist: hand-over cards (with their edit trail), canned responses,
suggestion usage, and the reads assist needs from conversations, messages and bot turns.

Each method is its own short transaction. Writes start with the write itself (no read first),
so on SQLite they wait for the database lock instead of failing on a stale snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables as t
from kefu.adapters.db import tables_assist as ta
from kefu.adapters.db.engine import writing
from kefu.adapters.db.tables_bot import TURN_READINGS
from kefu.assist.canned import CannedResponse
from kefu.assist.card import HandoverCard
from kefu.assist.replies import ReplyPair
from kefu.assist.turns import BotTurn, turn_from_row
from kefu.domain.ids import new_id
from kefu.domain.message import Sender


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [json_safe(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    return value


def _canned(row: RowMapping) -> CannedResponse:
    return CannedResponse(
        id=row["id"],
        account_id=row["account_id"],
        shortcut=row["shortcut"],
        text_zh=row["text_zh"],
        text_en=row["text_en"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class SqlAssistStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    # --- hand-over cards -------------------------------------------------------------

    async def get_card(self, conversation_id: str) -> HandoverCard | None:
        async with self._engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        sa.select(ta.handover_cards.c.card, ta.handover_cards.c.version).where(
                            ta.handover_cards.c.conversation_id == conversation_id
                        )
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return HandoverCard.from_json({**row["card"], "version": row["version"]})

    async def insert_card(
        self, card: HandoverCard, *, account_id: str, author: str, action: str
    ) -> bool:
        """False when another writer created the card first."""
        try:
            async with writing(self._engine) as conn:
                await conn.execute(
                    ta.handover_cards.insert().values(
                        conversation_id=card.conversation_id,
                        account_id=account_id,
                        version=card.version,
                        card=card.to_json(),
                        created_at=card.created_at,
                        updated_at=card.updated_at,
                    )
                )
                await self._log_edit(conn, card, action, author, {})
        except IntegrityError:
            return False
        return True

    async def update_card(
        self,
        card: HandoverCard,
        *,
        expected_version: int,
        author: str,
        action: str,
        changes: Mapping[str, tuple[Any, Any]],
    ) -> bool:
        """Writes `card` only if the stored one is still `expected_version`."""
        async with writing(self._engine) as conn:
            result = await conn.execute(
                ta.handover_cards.update()
                .where(
                    ta.handover_cards.c.conversation_id == card.conversation_id,
                    ta.handover_cards.c.version == expected_version,
                )
                .values(version=card.version, card=card.to_json(), updated_at=card.updated_at)
            )
            if result.rowcount != 1:
                return False
            await self._log_edit(conn, card, action, author, changes)
        return True

    async def _log_edit(
        self,
        conn: Any,
        card: HandoverCard,
        action: str,
        author: str,
        changes: Mapping[str, tuple[Any, Any]],
    ) -> None:
        await conn.execute(
            ta.handover_card_edits.insert().values(
                id=new_id(),
                conversation_id=card.conversation_id,
                version=card.version,
                action=action,
                author=author[:64],
                changes={
                    k: {"old": json_safe(o), "new": json_safe(n)} for k, (o, n) in changes.items()
                },
                created_at=card.updated_at,
            )
        )

    async def card_edits(self, conversation_id: str) -> list[dict[str, Any]]:
        e = ta.handover_card_edits
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(e.c.version, e.c.action, e.c.author, e.c.changes, e.c.created_at)
                    .where(e.c.conversation_id == conversation_id)
                    .order_by(e.c.version, e.c.created_at)
                )
            ).mappings()
            return [{**row, "created_at": row["created_at"].isoformat()} for row in rows]

    # --- what the conversation holds -------------------------------------------------

    async def bot_turns(self, conversation_id: str) -> list[BotTurn]:
        """The bot's memory of each customer message; empty before the bot has a table."""
        query = (
            sa.select(TURN_READINGS)
            .where(TURN_READINGS.c.conversation_id == conversation_id)
            .order_by(TURN_READINGS.c.message_seq)
        )
        try:
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        except DBAPIError:
            return []
        return [turn_from_row(dict(row)) for row in rows]

    async def customer_message(
        self, conversation_id: str, seq: int | None
    ) -> tuple[int, str] | None:
        """The customer message at `seq`, or the latest one."""
        m = t.messages
        query = sa.select(m.c.seq, m.c.text).where(
            m.c.conversation_id == conversation_id, m.c.sender == Sender.CUSTOMER.value
        )
        query = query.where(m.c.seq == seq) if seq is not None else query
        async with self._engine.connect() as conn:
            row = (await conn.execute(query.order_by(m.c.seq.desc()).limit(1))).first()
        return (int(row[0]), str(row[1])) if row else None

    async def contacts_since(self, customer_id: str, since: datetime) -> int:
        c = t.conversations
        async with self._engine.connect() as conn:
            count = await conn.scalar(
                sa.select(sa.func.count())
                .select_from(c)
                .where(c.c.customer_id == customer_id, c.c.created_at >= since)
            )
        return int(count or 0)

    async def reply_pair(
        self, conversation_id: str, reply_seq: int, reply_text: str
    ) -> ReplyPair | None:
        """An agent's reply with the customer message it answered (the last one before it)."""
        found = await self._last_customer_text(conversation_id, reply_seq)
        if found is None:
            return None
        return ReplyPair(found, reply_text, conversation_id, reply_seq)

    async def _last_customer_text(self, conversation_id: str, before_seq: int) -> str | None:
        m = t.messages
        async with self._engine.connect() as conn:
            return await conn.scalar(
                sa.select(m.c.text)
                .where(
                    m.c.conversation_id == conversation_id,
                    m.c.sender == Sender.CUSTOMER.value,
                    m.c.seq < before_seq,
                )
                .order_by(m.c.seq.desc())
                .limit(1)
            )

    async def recent_reply_pairs(self, account_id: str, limit: int) -> list[ReplyPair]:
        """The team's latest replies paired with the customer message each answered."""
        m, c = t.messages, t.conversations
        customer = m.alias("customer_message")
        answered_seq = (
            sa.select(sa.func.max(customer.c.seq))
            .where(
                customer.c.conversation_id == m.c.conversation_id,
                customer.c.sender == Sender.CUSTOMER.value,
                customer.c.seq < m.c.seq,
            )
            .scalar_subquery()
        )
        question = m.alias("question")
        query = (
            sa.select(m.c.conversation_id, m.c.seq, m.c.text, question.c.text.label("asked"))
            .select_from(
                m.join(c, c.c.id == m.c.conversation_id).join(
                    question,
                    sa.and_(
                        question.c.conversation_id == m.c.conversation_id,
                        question.c.seq == answered_seq,
                    ),
                )
            )
            .where(
                c.c.account_id == account_id,
                m.c.sender == Sender.AGENT.value,
                m.c.internal.is_(False),
            )
            .order_by(m.c.created_at.desc())
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            ReplyPair(row["asked"], row["text"], row["conversation_id"], row["seq"])
            for row in reversed(rows)
        ]

    # --- canned responses --------------------------------------------------------------

    async def list_canned(self, account_id: str) -> list[CannedResponse]:
        r = ta.canned_responses
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(r).where(r.c.account_id == account_id).order_by(r.c.shortcut)
                )
            ).mappings()
            return [_canned(row) for row in rows]

    async def get_canned(self, account_id: str, canned_id: str) -> CannedResponse | None:
        r = ta.canned_responses
        async with self._engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        sa.select(r).where(r.c.account_id == account_id, r.c.id == canned_id)
                    )
                )
                .mappings()
                .first()
            )
        return _canned(row) if row else None

    async def add_canned(self, canned: CannedResponse) -> bool:
        """False when the shortcut is taken."""
        try:
            async with writing(self._engine) as conn:
                await conn.execute(
                    ta.canned_responses.insert().values(
                        id=canned.id,
                        account_id=canned.account_id,
                        shortcut=canned.shortcut,
                        text_zh=canned.text_zh,
                        text_en=canned.text_en,
                        created_by=canned.created_by,
                        created_at=canned.created_at,
                        updated_at=canned.updated_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def update_canned(self, canned: CannedResponse) -> bool | None:
        """None when it does not exist, False when the new shortcut is taken."""
        r = ta.canned_responses
        try:
            async with writing(self._engine) as conn:
                result = await conn.execute(
                    r.update()
                    .where(r.c.account_id == canned.account_id, r.c.id == canned.id)
                    .values(
                        shortcut=canned.shortcut,
                        text_zh=canned.text_zh,
                        text_en=canned.text_en,
                        updated_at=canned.updated_at,
                    )
                )
        except IntegrityError:
            return False
        return True if result.rowcount == 1 else None

    async def delete_canned(self, account_id: str, canned_id: str) -> bool:
        r = ta.canned_responses
        async with writing(self._engine) as conn:
            result = await conn.execute(
                r.delete().where(r.c.account_id == account_id, r.c.id == canned_id)
            )
        return bool(result.rowcount == 1)

    # --- suggestion usage --------------------------------------------------------------

    async def add_usage(self, values: Mapping[str, Any]) -> None:
        async with writing(self._engine) as conn:
            await conn.execute(ta.assist_usage.insert().values(**values))

    async def usage(self, conversation_id: str) -> list[dict[str, Any]]:
        u = ta.assist_usage
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(u)
                    .where(u.c.conversation_id == conversation_id)
                    .order_by(u.c.created_at)
                )
            ).mappings()
            return [dict(row) for row in rows]


def usage_row(
    *,
    account_id: str,
    conversation_id: str,
    agent_id: str,
    suggestion_id: str,
    kind: str,
    edited: bool,
    message_seq: int | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "account_id": account_id,
        "conversation_id": conversation_id,
        "agent_id": agent_id,
        "suggestion_id": suggestion_id,
        "kind": kind,
        "edited": edited,
        "message_seq": message_seq,
        "created_at": now,
    }


__all__: Sequence[str] = ("SqlAssistStore", "json_safe", "usage_row")
