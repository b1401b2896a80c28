"""Bot state per conversation, structured message payloads, ratings and hand-over rules.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["conversations.id"],
        name=op.f(f"fk_{table}_conversation_id_conversations"),
    )


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
    op.create_table(
        "bot_turns",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("message_seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("is_oos", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("emotion_index", sa.Integer(), nullable=False),
        sa.Column("emotion_category", sa.String(length=16), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("knowledge_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _conversation_fk("bot_turns"),
        sa.PrimaryKeyConstraint("conversation_id", "message_seq", name=op.f("pk_bot_turns")),
    )
    op.create_table(
        "bot_states",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _conversation_fk("bot_states"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_bot_states")),
    )
    op.create_table(
        "bot_settings",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_bot_settings_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_bot_settings")),
    )
    op.create_table(
        "bot_drafts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("message_seq", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        _conversation_fk("bot_drafts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_drafts")),
    )
    op.create_index("ix_bot_drafts_status", "bot_drafts", ["status"])
    op.create_table(
        "ratings",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _conversation_fk("ratings"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_ratings")),
    )


def downgrade() -> None:
    op.drop_table("ratings")
    op.drop_index("ix_bot_drafts_status", table_name="bot_drafts")
    op.drop_table("bot_drafts")
    op.drop_table("bot_settings")
    op.drop_table("bot_states")
    op.drop_table("bot_turns")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("payload")
