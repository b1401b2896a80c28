"""The transcript reader QA scores from: a closed conversation's messages, with the
language engine's readings the bot recorded and the knowledge answers it gave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db import tables as t
from kefu.adapters.db import tables_knowledge as tk
from kefu.adapters.db import tables_quality as q
from kefu.adapters.db.tables_bot import TURN_READINGS
from kefu.quality.consistency import KnowledgeAnswer
from kefu.quality.model import Transcript, Turn


class SqlTranscripts:
    """Reads closed conversations from the core tables (conversations, customers, messages)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def transcript(self, conversation_id: str) -> Transcript | None:
        c, cu, m = t.conversations.c, t.customers.c, t.messages.c
        head = (
            select(t.conversations, cu.external_id)
            .join(t.customers, cu.id == c.customer_id)
            .where(c.id == conversation_id)
        )
        # The language engine read every customer message when it arrived (the bot's turn
        # record); QA reuses those readings instead of analysing the text a second time.
        b = TURN_READINGS.c
        body = (
            select(m.seq, m.sender, m.text, m.created_at, m.author_id, b.emotion_index, b.intent)
            .outerjoin(
                TURN_READINGS,
                (b.conversation_id == m.conversation_id) & (b.message_seq == m.seq),
            )
            .where(m.conversation_id == conversation_id, m.internal.is_(False))
            .order_by(m.seq)
        )
        k = tk.knowledge_entries.c
        async with self.engine.connect() as conn:
            row = (await conn.execute(head)).mappings().first()
            if row is None:
                return None
            messages = (await conn.execute(body)).mappings().all()
            # The entries the bot answered from: what an agent's figures are checked against.
            used = select(b.knowledge_id).where(
                b.conversation_id == conversation_id, b.knowledge_id.is_not(None)
            )
            entries = (
                await conn.execute(
                    select(k.id, k.document)
                    .where(k.account_id == row["account_id"], k.id.in_(used))
                    .order_by(k.id)
                )
            ).all()
        knowledge = tuple(
            KnowledgeAnswer(entry_id, _answer(document, row["language"]))
            for entry_id, document in entries
        )
        turns = tuple(
            Turn(
                x["seq"],
                x["sender"],
                x["text"],
                x["created_at"],
                x["author_id"],
                x["emotion_index"] if x["sender"] == "customer" else None,
            )
            for x in messages
        )
        first_intent = next(
            (x["intent"] for x in messages if x["sender"] == "customer" and x["intent"]), None
        )
        last_agent = next((x.author_id for x in reversed(turns) if x.sender == "agent"), None)
        return Transcript(
            conversation_id=row["id"],
            account_id=row["account_id"],
            customer_id=row["customer_id"],
            customer_external_id=row["external_id"],
            channel=row["channel"],
            language=row["language"],
            queue=row["queue"],
            status=row["status"],
            created_at=row["created_at"],
            closed_at=row["resolved_at"] or row["updated_at"],
            agent_id=row["assignee_id"] or last_agent,
            reopen_count=row["reopen_count"],
            turns=turns,
            intent=first_intent,
            knowledge=knowledge,
        )

    async def unscored(self, since: datetime, limit: int) -> list[str]:
        c, r = t.conversations.c, q.quality_records.c
        query = (
            select(c.id)
            .outerjoin(q.quality_records, r.conversation_id == c.id)
            .where(
                c.status.in_(("resolved", "abandoned")),
                c.updated_at >= since,
                r.conversation_id.is_(None),
            )
            .order_by(c.updated_at)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [row[0] for row in (await conn.execute(query)).all()]


def _answer(document: dict[str, Any], language: str) -> str:
    answer = document.get("answer") or {}
    other = "zh" if language == "en" else "en"
    return str(answer.get(language) or answer.get(other) or "")
