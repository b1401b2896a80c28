"""Agent assist's tables: hand-over cards and their edits, canned responses, usage."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kefu.adapters.db.tables import UtcDateTime, metadata

# One hand-over card per conversation, read and written as one document (kefu.assist.card);
# `version` is the optimistic lock agents' edits check. Every change appends an edit row.
handover_cards = Table(
    "handover_cards",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("card", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)


handover_card_edits = Table(
    "handover_card_edits",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("conversation_id", String(32), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("author", String(64), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)


canned_responses = Table(
    "canned_responses",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("shortcut", String(32), nullable=False),
    Column("text_zh", Text, nullable=False),
    Column("text_en", Text, nullable=False),
    Column("created_by", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("account_id", "shortcut", name="uq_canned_responses_account_shortcut"),
)


assist_usage = Table(
    "assist_usage",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("conversation_id", String(32), nullable=False, index=True),
    Column("agent_id", String(32), nullable=False),
    Column("suggestion_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("edited", Boolean, nullable=False),
    Column("message_seq", Integer),
    Column("created_at", UtcDateTime, nullable=False),
)
