"""SLA: first response time on conversations, and the SLA events already announced.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "sla_events",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_sla_events_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint(
            "conversation_id", "kind", "target", "scheduled_at", name=op.f("pk_sla_events")
        ),
    )


def downgrade() -> None:
    op.drop_table("sla_events")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("first_response_at")
