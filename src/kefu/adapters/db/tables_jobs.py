"""The queued lane's durable jobs: one row per (event, queued handler), written in the same
transaction as the change that caused the event, deleted once the handler has run."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from kefu.adapters.db.tables import UtcDateTime, metadata

jobs = Table(
    "jobs",
    metadata,
    # Ordered: per `key` (a conversation), only the oldest job left may run.
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("handler", String(64), nullable=False),
    Column("key", String(128), nullable=False),
    Column("event", Text, nullable=False),  # the event as `kefu.services.event_codec` writes it
    Column("created_at", UtcDateTime, nullable=False),
    Column("available_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(32)),
    Column("claimed_until", UtcDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Index("ix_jobs_key_id", "key", "id"),
    Index("ix_jobs_available_at", "available_at"),
)
