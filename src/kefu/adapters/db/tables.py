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
    Float,
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

# --- bot ---
# What the bot understood and did for each customer message: the hand-over card, agent
# assist and the quality reports read it back.
bot_turns = Table(
    "bot_turns",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("message_seq", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("intent", String(64), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("is_oos", Boolean, nullable=False),
    Column("category", String(64)),
    Column("emotion_index", Integer, nullable=False),
    Column("emotion_category", String(16), nullable=False),
    Column("entities", JSON, nullable=False),
    Column("knowledge_id", String(64)),
    Column("outcome", String(16), nullable=False),
    Column("reply_text", Text),
    Column("created_at", UtcDateTime, nullable=False),
)

# The bot's working memory per conversation (current flow, slots, counters) as one document.
bot_states = Table(
    "bot_states",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Hand-over rules and thresholds per account, edited by admins; validated by kefu.bot.
bot_settings = Table(
    "bot_settings",
    metadata,
    Column("account_id", String(64), ForeignKey("accounts.id"), primary_key=True),
    Column("rules", JSON, nullable=False),
    Column("updated_by", String(32)),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Replies the bot drafted for intents that need a human's approval before they are sent.
bot_drafts = Table(
    "bot_drafts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id"), nullable=False),
    Column("message_seq", Integer, nullable=False),
    Column("intent", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("payload", JSON),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(32)),
    Column("final_text", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Index("ix_bot_drafts_status", "status"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("score", Integer, nullable=False),
    Column("comment", Text),
    Column("created_at", UtcDateTime, nullable=False),
)

# --- ui ---
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

# --- knowledge ---
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

# --- assist ---
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

# --- ops ---

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
