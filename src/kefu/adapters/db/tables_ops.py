"""Live operations' tables: knowledge packs and the board's settings."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, String, Table, Text

from kefu.adapters.db.tables import UtcDateTime, metadata

# Knowledge packs drafted on a burst and edited by supervisors; lists of samples and the
# burst's figures are read with the pack as one document.
ops_knowledge_packs = Table(
    "ops_knowledge_packs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("key", String(128), nullable=False),
    Column("intent", String(64)),
    Column("category", String(64)),
    Column("title", String(200), nullable=False),
    Column("samples", JSON, nullable=False),
    Column("answer", Text, nullable=False),
    Column("knowledge_id", String(64)),
    Column("script", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("burst", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(32)),
    Index("ix_ops_knowledge_packs_account_status", "account_id", "status"),
)


# Alert rules and webhook URLs of an account, read and written as one document.
ops_settings = Table(
    "ops_settings",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("config", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
