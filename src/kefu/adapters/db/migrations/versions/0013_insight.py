"""Insight: journey events, conversation summaries, rollups, experiments and exposures.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_journey_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("entry_point", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=True),
        sa.Column("node", sa.String(length=64), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("knowledge_id", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_journey_events")),
    )
    op.create_index(
        "ix_insight_journey_events_account_at", "insight_journey_events", ["account_id", "at"]
    )
    op.create_table(
        "insight_conversations",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("topic", sa.String(length=140), nullable=True),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("entry_point", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("settle_at", sa.Float(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint(
            "account_id", "conversation_id", name=op.f("pk_insight_conversations")
        ),
    )
    op.create_index(
        "ix_insight_conversations_customer",
        "insight_conversations",
        ["account_id", "customer_id", "topic", "started_at"],
    )
    op.create_index(
        "ix_insight_conversations_settle", "insight_conversations", ["account_id", "settle_at"]
    )
    op.create_index("ix_insight_conversations_day", "insight_conversations", ["account_id", "day"])
    op.create_table(
        "insight_rollups",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("entry_point", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("n", sa.Float(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "account_id",
            "day",
            "entry_point",
            "channel",
            "metric",
            "key",
            name=op.f("pk_insight_rollups"),
        ),
    )
    op.create_table(
        "insight_experiments",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("experiment_id", sa.String(length=64), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "experiment_id", name=op.f("pk_insight_experiments")),
    )
    op.create_table(
        "insight_exposures",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("experiment_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("exposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "account_id", "experiment_id", "unit_id", name=op.f("pk_insight_exposures")
        ),
    )


def downgrade() -> None:
    op.drop_table("insight_exposures")
    op.drop_table("insight_experiments")
    op.drop_table("insight_rollups")
    op.drop_table("insight_conversations")
    op.drop_table("insight_journey_events")
