"""SQLAlchemy Core tables. The domain never sees them; repositories translate rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes; SQLite hands back naive ones, which are UTC by construction."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


accounts = Table(
    "accounts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)


inboxes = Table(
    "inboxes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("channel", String(32), nullable=False),
)


customers = Table(
    "customers",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("external_id", String(128)),
    Column("name", String(200)),
    Column("phone", String(40)),
    Column("language", String(8), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("account_id", "external_id", name="uq_customers_account_external"),
)


agents = Table(
    "agents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("max_concurrent", Integer, nullable=False),
    Column("presence", String(16), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("token_version", Integer, nullable=False, server_default="0"),
)


conversations = Table(
    "conversations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("inbox_id", String(64), ForeignKey("inboxes.id"), nullable=False),
    Column("customer_id", String(32), ForeignKey("customers.id"), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("entry_point", String(64)),
    Column("queue", String(64), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("assignee_id", String(32), ForeignKey("agents.id")),
    Column("handover_reason", String(64)),
    Column("tags", JSON, nullable=False),
    Column("queued_at", UtcDateTime),
    Column("assigned_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("first_response_at", UtcDateTime),
    Column("overflow_offer", String(32)),
    Column("emotion", String(16)),
    Column("last_seq", Integer, nullable=False),
    Column("last_public_seq", Integer, nullable=False, server_default="0"),
    Column("reopen_count", Integer, nullable=False),
    Column("had_human", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_conversations_account_status_queue", "account_id", "status", "queue"),
    Index("ix_conversations_assignee", "assignee_id"),
)


messages = Table(
    "messages",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sender", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("client_id", String(100)),
    Column("internal", Boolean, nullable=False),
    Column("author_id", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("payload", JSON),
    Column("public_seq", Integer),
    UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
    UniqueConstraint("conversation_id", "client_id", name="uq_messages_conversation_client"),
)


# One row per SLA event sent: instances that notice the same deadline insert the same key,
# and only the one whose insert succeeds announces it.
sla_events = Table(
    "sla_events",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("target", String(32), primary_key=True),
    Column("scheduled_at", UtcDateTime, primary_key=True),
    Column("policy_id", String(64), nullable=False),
)


# Per-queue routing settings (skills, strategy, overflow rules, business hours) as JSON:
# they are read as one document and validated by kefu.routing when parsed.
queue_configs = Table(
    "queue_configs",
    metadata,
    Column("account_id", String(64), ForeignKey("accounts.id"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("config", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)


callbacks = Table(
    "callbacks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id"), nullable=False),
    Column("conversation_id", String(32), ForeignKey("conversations.id"), nullable=False),
    Column("customer_id", String(32), ForeignKey("customers.id"), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("preferred_time", String(100)),
    Column("note", Text),
    Column("created_at", UtcDateTime, nullable=False),
)


# Account-wide settings edited in the admin UI (retention, say), one JSON document per key.
account_settings = Table(
    "account_settings",
    metadata,
    Column("account_id", String(64), ForeignKey("accounts.id"), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_by", String(32)),
    Column("updated_at", UtcDateTime, nullable=False),
)

# The features' tables join the one `metadata` (Alembic and the tests read it from here).
from kefu.adapters.db import tables_assist as _assist  # noqa: E402,F401
from kefu.adapters.db import tables_bot as _bot  # noqa: E402,F401
from kefu.adapters.db import tables_insight as _insight  # noqa: E402,F401
from kefu.adapters.db import tables_jobs as _jobs  # noqa: E402,F401
from kefu.adapters.db import tables_knowledge as _knowledge  # noqa: E402,F401
from kefu.adapters.db import tables_learning as _learning  # noqa: E402,F401
from kefu.adapters.db import tables_ops as _ops  # noqa: E402,F401
from kefu.adapters.db import tables_quality as _quality  # noqa: E402,F401
from kefu.adapters.db import tables_trust as _trust  # noqa: E402,F401
