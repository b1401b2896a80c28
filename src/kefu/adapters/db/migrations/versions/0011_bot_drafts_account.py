"""Bot drafts belong to an account (filled in from their conversation).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_drafts") as batch:
        batch.add_column(sa.Column("account_id", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            op.f("fk_bot_drafts_account_id_accounts"), "accounts", ["account_id"], ["id"]
        )
        batch.create_index("ix_bot_drafts_account_id_status", ["account_id", "status"])
    op.execute(
        "UPDATE bot_drafts SET account_id = (SELECT conversations.account_id FROM conversations "
        "WHERE conversations.id = bot_drafts.conversation_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("bot_drafts") as batch:
        batch.drop_index("ix_bot_drafts_account_id_status")
        batch.drop_constraint(op.f("fk_bot_drafts_account_id_accounts"), type_="foreignkey")
        batch.drop_column("account_id")
