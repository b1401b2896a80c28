"""Tables of the insight package: journey events, conversation summaries, rollups,
experiments and exposures."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Float, Index, Integer, String, Table

from kefu.adapters.db.tables import UtcDateTime, metadata

insight_journey_events = Table(
    "insight_journey_events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("account_id", String(64), nullable=False),
    Column("conversation_id", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("step", String(32), nullable=False),
    Column("customer_id", String(64), nullable=True),
    Column("entry_point", String(64), nullable=True),
    Column("channel", String(32), nullable=True),
    Column("action", String(64), nullable=True),
    Column("node", String(64), nullable=True),
    Column("level", Integer, nullable=True),
    Column("intent", String(64), nullable=True),
    Column("knowledge_id", String(64), nullable=True),
    Column("decision", String(16), nullable=True),
    Column("confidence", Float, nullable=True),
    Column("value", Float, nullable=True),
    Column("items", JSON, nullable=True),
    Index("ix_insight_journey_events_account_at", "account_id", "at"),
)

insight_conversations = Table(
    "insight_conversations",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("conversation_id", String(64), primary_key=True),
    Column("customer_id", String(64), nullable=True),
    Column("topic", String(140), nullable=True),
    Column("day", String(10), nullable=False),
    Column("entry_point", String(64), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("settle_at", Float, nullable=True),
    Column("state", JSON, nullable=False),
    Index("ix_insight_conversations_customer", "account_id", "customer_id", "topic", "started_at"),
    Index("ix_insight_conversations_settle", "account_id", "settle_at"),
    Index("ix_insight_conversations_day", "account_id", "day"),
)

insight_rollups = Table(
    "insight_rollups",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("entry_point", String(64), primary_key=True),
    Column("channel", String(32), primary_key=True),
    Column("metric", String(40), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("n", Float, nullable=False),
    Column("total", Float, nullable=False),
)

insight_experiments = Table(
    "insight_experiments",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("experiment_id", String(64), primary_key=True),
    Column("doc", JSON, nullable=False),
)

insight_exposures = Table(
    "insight_exposures",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("experiment_id", String(64), primary_key=True),
    Column("unit_id", String(64), primary_key=True),
    Column("variant", String(64), nullable=False),
    Column("conversation_id", String(64), nullable=True),
    Column("exposed_at", UtcDateTime, nullable=False),
)
