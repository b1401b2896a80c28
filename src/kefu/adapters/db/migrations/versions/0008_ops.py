"""Live operations: knowledge packs, alert rules and board settings.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_knowledge_packs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("samples", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("knowledge_id", sa.String(length=64), nullable=True),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("burst", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_knowledge_packs")),
    )
    op.create_index(
        "ix_ops_knowledge_packs_account_status",
        "ops_knowledge_packs",
        ["account_id", "status"],
    )
    op.create_table(
        "ops_settings",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_ops_settings")),
    )


def downgrade() -> None:
    op.drop_table("ops_settings")
    op.drop_index("ix_ops_knowledge_packs_account_status", table_name="ops_knowledge_packs")
    op.drop_table("ops_knowledge_packs")
