"""Trust: token versions on agents (revocation), the audit log, and the customer's own
message sequence (so internal notes leave no gap in it).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(
            sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_account_at", "audit_log", ["account_id", "at"])
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("public_seq", sa.Integer(), nullable=True))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(
            sa.Column("last_public_seq", sa.Integer(), nullable=False, server_default="0")
        )
    # Number what customers already saw: their messages in order, internal notes skipped.
    op.execute(
        "UPDATE messages SET public_seq = (SELECT count(*) FROM messages AS m2 "
        "WHERE m2.conversation_id = messages.conversation_id AND m2.internal = false "
        "AND m2.seq <= messages.seq) WHERE internal = false"
    )
    op.execute(
        "UPDATE conversations SET last_public_seq = (SELECT coalesce(max(public_seq), 0) "
        "FROM messages WHERE messages.conversation_id = conversations.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("last_public_seq")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("public_seq")
    op.drop_index("ix_audit_log_account_at", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("token_version")
