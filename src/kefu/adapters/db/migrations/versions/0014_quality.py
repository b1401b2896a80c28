"""Quality: CSAT, thumbs on bot answers, QA records, the NPS schedule, opt-outs, outcomes.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quality_assisted",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_quality_assisted")),
    )
    op.create_table(
        "quality_bot_feedback",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "seq", name=op.f("pk_quality_bot_feedback")),
    )
    op.create_table(
        "quality_csat",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("agent_id", sa.String(length=32), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_quality_csat")),
    )
    op.create_index(
        "ix_quality_csat_account_created",
        "quality_csat",
        ["account_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "quality_nps_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_reason", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_nps_jobs")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_quality_nps_jobs_conversation_id")),
        sa.UniqueConstraint("token", name=op.f("uq_quality_nps_jobs_token")),
    )
    op.create_index(
        "ix_quality_nps_jobs_customer",
        "quality_nps_jobs",
        ["account_id", "customer_id"],
        unique=False,
    )
    op.create_index(
        "ix_quality_nps_jobs_status_due", "quality_nps_jobs", ["status", "due_at"], unique=False
    )
    op.create_table(
        "quality_opt_outs",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "customer_id", name=op.f("pk_quality_opt_outs")),
    )
    op.create_table(
        "quality_outcomes",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("customer_external_id", sa.String(length=128), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "account_id", "customer_external_id", "day", "kind", name=op.f("pk_quality_outcomes")
        ),
    )
    op.create_table(
        "quality_records",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("customer_external_id", sa.String(length=128), nullable=True),
        sa.Column("agent_id", sa.String(length=32), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("assisted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_s", sa.Float(), nullable=True),
        sa.Column("handling_s", sa.Float(), nullable=True),
        sa.Column("resolution_s", sa.Float(), nullable=False),
        sa.Column("qa_total", sa.Float(), nullable=True),
        sa.Column("end_emotion", sa.Integer(), nullable=True),
        sa.Column("empathy_expressions", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_quality_records")),
    )
    op.create_index(
        "ix_quality_records_account_closed",
        "quality_records",
        ["account_id", "closed_at"],
        unique=False,
    )
    # Ratings given before quality took CSAT over keep counting.
    op.execute(
        "INSERT INTO quality_csat"
        " (conversation_id, account_id, score, comment, agent_id, queue, tier, created_at)"
        " SELECT r.conversation_id, c.account_id, r.score, r.comment, c.assignee_id, c.queue,"
        " CASE WHEN c.had_human THEN 'bot_human' ELSE 'bot' END, r.created_at"
        " FROM ratings r JOIN conversations c ON c.id = r.conversation_id"
    )


def downgrade() -> None:
    op.drop_index("ix_quality_records_account_closed", table_name="quality_records")
    op.drop_table("quality_records")
    op.drop_table("quality_outcomes")
    op.drop_table("quality_opt_outs")
    op.drop_index("ix_quality_nps_jobs_status_due", table_name="quality_nps_jobs")
    op.drop_index("ix_quality_nps_jobs_customer", table_name="quality_nps_jobs")
    op.drop_table("quality_nps_jobs")
    op.drop_index("ix_quality_csat_account_created", table_name="quality_csat")
    op.drop_table("quality_csat")
    op.drop_table("quality_bot_feedback")
    op.drop_table("quality_assisted")
