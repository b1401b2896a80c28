"""Tables of the learning loop: knowledge gaps, review proposals and review decisions."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text

from kefu.adapters.db.tables import UtcDateTime, metadata

learning_gaps = Table(
    "learning_gaps",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("conversation_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False),  # masked before it is stored
    Column("language", String(8), nullable=False),
    Column("decision", String(32)),
    Column("knowledge_id", String(64)),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_learning_gaps_account_at", "account_id", "at"),
)

learning_proposals = Table(
    "learning_proposals",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("phrasings", JSON, nullable=False),
    Column("language", String(8), nullable=False),
    Column("category", String(400)),
    Column("entry_id", String(64)),
    Column("sources", JSON, nullable=False),
    Column("support", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_by", String(32)),
    Column("decided_at", UtcDateTime),
    Column("reason", Text),
    Column("result_entry_id", String(64)),
    Index("ix_learning_proposals_account_status", "account_id", "status"),
)

learning_decisions = Table(
    "learning_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(64), nullable=False),
    Column("proposal_id", String(32), nullable=False),
    Column("action", String(16), nullable=False),
    Column("by", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("reason", Text),
    Column("entry_id", String(64)),
    Index("ix_learning_decisions_proposal", "proposal_id"),
)
