"""SQL side of privacy: purges, one customer's export and erasure, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables as t
from kefu.adapters.db import tables_assist as ta
from kefu.adapters.db import tables_bot as tb
from kefu.adapters.db.engine import writing
from kefu.adapters.db.tables_trust import audit_log
from kefu.domain.errors import NotFound
from kefu.privacy.ports import AuditEntry, ErasedProfile, Purged

#: What an expired emotion reading is left as: the row (and the turn's counts) stay.
EXPIRED = "expired"


def _rows(result: Any) -> list[dict[str, Any]]:
    return [_plain(dict(r)) for r in result.mappings()]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


class SqlPrivacyStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def accounts(self) -> list[str]:
        async with self._engine.connect() as conn:
            return [r[0] for r in await conn.execute(select(t.accounts.c.id))]

    async def purge_emotion(self, before: datetime) -> Purged:
        b, c = tb.bot_turns.c, t.conversations.c
        async with writing(self._engine) as conn:
            turns = await conn.execute(
                tb.bot_turns.update()
                .where(b.created_at < before, b.emotion_category != EXPIRED)
                .values(emotion_index=0, emotion_category=EXPIRED, text="")
            )
            conversations = await conn.execute(
                t.conversations.update()
                .where(c.updated_at < before, c.emotion.is_not(None))
                .values(emotion=None)
            )
        return Purged(emotion_readings=turns.rowcount, conversations=conversations.rowcount)

    async def purge_transcripts(self, account_id: str, before: datetime) -> Purged:
        m, c = t.messages.c, t.conversations.c
        of_account = select(c.id).where(c.account_id == account_id).scalar_subquery()
        async with writing(self._engine) as conn:
            messages = await conn.execute(
                t.messages.update()
                .where(m.created_at < before, m.conversation_id.in_(of_account), m.text != "")
                .values(text="", payload=None)
            )
        return Purged(messages=messages.rowcount)

    async def purge_customers(
        self, account_id: str, before: datetime, *, limit: int
    ) -> list[ErasedProfile]:
        cu, c, m = t.customers.c, t.conversations.c, t.messages.c
        # Contact, not housekeeping: a conversation started or a message written since, by
        # anyone (closing an idle conversation touches it without the customer being there).
        active_since = (
            select(c.id)
            .where(
                c.customer_id == cu.id,
                or_(
                    c.created_at >= before,
                    select(m.seq).where(m.conversation_id == c.id, m.created_at >= before).exists(),
                ),
            )
            .exists()
        )
        due = (
            select(cu.id)
            .where(
                cu.account_id == account_id,
                cu.created_at < before,
                ~active_since,
                # Not erased yet: a pass after this one finds nothing to do.
                or_(
                    cu.external_id.is_not(None),
                    cu.name.is_not(None),
                    cu.phone.is_not(None),
                    cast(cu.tags, String) != "[]",
                ),
            )
            .order_by(cu.created_at)
            .limit(limit)
        )
        async with writing(self._engine) as conn:
            ids = [r[0] for r in await conn.execute(due)]
            if not ids:
                return []
            rows = await conn.execute(
                select(c.customer_id, c.id).where(c.customer_id.in_(ids)).order_by(c.created_at)
            )
            by_customer: dict[str, list[str]] = {i: [] for i in ids}
            for customer_id, conversation_id in rows:
                by_customer[customer_id].append(conversation_id)
            conversations = [cid for found in by_customer.values() for cid in found]
            await _erase_profiles(conn, ids, conversations)
        return [ErasedProfile(i, found) for i, found in by_customer.items()]

    async def _customer(self, conn: Any, account_id: str, external_id: str) -> dict[str, Any]:
        cu = t.customers.c
        row = (
            (
                await conn.execute(
                    select(t.customers).where(
                        cu.account_id == account_id, cu.external_id == external_id
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"no customer {external_id}")
        return dict(row)

    async def export_customer(self, account_id: str, external_id: str) -> dict[str, Any] | None:
        async with self._engine.connect() as conn:
            customer = await self._customer(conn, account_id, external_id)
            c = t.conversations.c
            conversations = _rows(
                await conn.execute(
                    select(t.conversations)
                    .where(c.customer_id == customer["id"])
                    .order_by(c.created_at)
                )
            )
            ids = [row["id"] for row in conversations]
            by_conversation: dict[str, Any] = {}
            for table, order in (
                (t.messages, t.messages.c.seq),
                (tb.bot_turns, tb.bot_turns.c.message_seq),
                (t.callbacks, t.callbacks.c.created_at),
                (tb.ratings, tb.ratings.c.created_at),
                (ta.handover_cards, ta.handover_cards.c.created_at),
            ):
                query = select(table).where(table.c.conversation_id.in_(ids)).order_by(order)
                by_conversation[table.name] = _rows(await conn.execute(query))
        return {
            "customer": _plain(customer),
            "conversations": conversations,
            **by_conversation,
        }

    async def erase_customer(self, account_id: str, external_id: str) -> tuple[str, list[str]]:
        async with writing(self._engine) as conn:
            customer = await self._customer(conn, account_id, external_id)
            customer_id = customer["id"]
            c = t.conversations.c
            ids = [
                r[0] for r in await conn.execute(select(c.id).where(c.customer_id == customer_id))
            ]
            await _erase_profiles(conn, [customer_id], ids)
            await conn.execute(
                t.messages.update()
                .where(t.messages.c.conversation_id.in_(ids))
                .values(text="", payload=None, client_id=None)
            )
            await conn.execute(
                tb.bot_turns.update()
                .where(tb.bot_turns.c.conversation_id.in_(ids))
                .values(
                    text="",
                    reply_text=None,
                    entities={},
                    emotion_index=0,
                    emotion_category=EXPIRED,
                )
            )
            await conn.execute(
                tb.ratings.update()
                .where(tb.ratings.c.conversation_id.in_(ids))
                .values(comment=None)
            )
            await conn.execute(t.conversations.update().where(c.id.in_(ids)).values(emotion=None))
        return customer_id, ids


async def _erase_profiles(conn: Any, customer_ids: list[str], conversation_ids: list[str]) -> None:
    """The personal data of a profile: who they are and how to reach them, and what kefu
    kept about them beside the transcript (hand-over cards, the bot's memory)."""
    await conn.execute(
        t.customers.update()
        .where(t.customers.c.id.in_(customer_ids))
        .values(external_id=None, name=None, phone=None, tags=[])
    )
    await conn.execute(
        t.callbacks.update()
        .where(t.callbacks.c.conversation_id.in_(conversation_ids))
        .values(phone="", note=None, preferred_time=None)
    )
    for table in (ta.handover_card_edits, ta.handover_cards, tb.bot_states):
        await conn.execute(table.delete().where(table.c.conversation_id.in_(conversation_ids)))


class SqlAuditLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, entry: AuditEntry) -> None:
        async with writing(self._engine) as conn:
            await conn.execute(
                audit_log.insert().values(
                    id=entry.id,
                    account_id=entry.account_id,
                    at=entry.at,
                    actor_id=entry.actor_id,
                    actor_role=entry.actor_role,
                    action=entry.action,
                    target=entry.target,
                    detail=entry.detail,
                )
            )

    async def list(self, account_id: str, *, limit: int, action: str | None) -> list[AuditEntry]:
        a = audit_log.c
        query = select(audit_log).where(a.account_id == account_id)
        if action is not None:
            query = query.where(a.action == action)
        query = query.order_by(a.at.desc(), a.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            AuditEntry(
                id=r["id"],
                account_id=r["account_id"],
                at=r["at"],
                actor_id=r["actor_id"],
                actor_role=r["actor_role"],
                action=r["action"],
                target=r["target"],
                detail=dict(r["detail"]),
            )
            for r in rows
        ]
