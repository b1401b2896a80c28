"""Tables of trust and privacy: the audit log of admin and supervisor actions."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, String, Table

from kefu.adapters.db.tables import UtcDateTime, metadata

# Who did what, when: every admin or supervisor change and every export or erasure of a
# customer's data. Rows are only ever added.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", String(32), nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(200), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_log_account_at", "account_id", "at"),
)
