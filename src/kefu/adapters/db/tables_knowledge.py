"""The knowledge base's tables: entries and their versions, journeys and suggestion logs."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table

from kefu.adapters.db.tables import UtcDateTime, metadata

# An entry is read and written as one validated document (kefu.knowledge.model); the columns
# beside it exist for look-ups. Every change also appends a row to knowledge_versions.
knowledge_entries = Table(
    "knowledge_entries",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("document", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(200), nullable=False),
)


knowledge_versions = Table(
    "knowledge_versions",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("entry_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("action", String(16), nullable=False),
    Column("author", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("snapshot", JSON),
    Column("diff", JSON, nullable=False),
)


# Self-service menu journeys: one row per open/click/back/exit.
journey_events = Table(
    "journey_events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("conversation_id", String(32), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("node", String(64), nullable=False),
    Column("level", Integer, nullable=False),
    Column("entry_point", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
)


# Suggested questions shown and clicked, with the A/B variant that chose them.
suggestion_events = Table(
    "suggestion_events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("conversation_id", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("variant", String(32), nullable=False),
    Column("suggestion_id", String(64), nullable=False),
    Column("knowledge_id", String(64)),
    Column("position", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
