"""Queue settings, overflow offers and callback requests.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("overflow_offer", sa.String(length=32), nullable=True))
    op.create_table(
        "queue_configs",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_queue_configs_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "name", name=op.f("pk_queue_configs")),
    )
    op.create_table(
        "callbacks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("preferred_time", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_callbacks_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_callbacks_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_callbacks_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
    )


def downgrade() -> None:
    op.drop_table("callbacks")
    op.drop_table("queue_configs")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("overflow_offer")
