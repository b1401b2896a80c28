"""The knowledge base: entries, versions, audit, journeys and suggestion logs.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_entries",
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "id", name="pk_knowledge_entries"),
    )
    op.create_table(
        "knowledge_versions",
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "entry_id", "version", name="pk_knowledge_versions"),
    )
    op.create_table(
        "journey_events",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("node", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("entry_point", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_journey_events"),
    )
    op.create_index("ix_journey_events_conversation_id", "journey_events", ["conversation_id"])
    op.create_table(
        "suggestion_events",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("variant", sa.String(32), nullable=False),
        sa.Column("suggestion_id", sa.String(64), nullable=False),
        sa.Column("knowledge_id", sa.String(64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suggestion_events"),
    )
    op.create_index(
        "ix_suggestion_events_conversation_id", "suggestion_events", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_suggestion_events_conversation_id", table_name="suggestion_events")
    op.drop_table("suggestion_events")
    op.drop_index("ix_journey_events_conversation_id", table_name="journey_events")
    op.drop_table("journey_events")
    op.drop_table("knowledge_versions")
    op.drop_table("knowledge_entries")
