"""Tables of the quality package: CSAT, thumbs on bot answers, QA of closed conversations,
NPS survey jobs, opt-outs and business outcomes."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Float, Index, Integer, String, Table, Text

from kefu.adapters.db.tables import UtcDateTime, metadata

# One rating per conversation (the primary key says so); context kept for the reports.
quality_csat = Table(
    "quality_csat",
    metadata,
    Column("conversation_id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("score", Integer, nullable=False),
    Column("comment", Text),
    Column("agent_id", String(32)),
    Column("queue", String(64)),
    Column("tier", String(16)),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_quality_csat_account_created", "account_id", "created_at"),
)

quality_bot_feedback = Table(
    "quality_bot_feedback",
    metadata,
    Column("conversation_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# One row per closed conversation: what the scorecards and analyses read, and the QA
# report (scores and evidence) as one document.
quality_records = Table(
    "quality_records",
    metadata,
    Column("conversation_id", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("customer_id", String(32), nullable=False),
    Column("customer_external_id", String(128)),
    Column("agent_id", String(32)),
    Column("queue", String(64), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("intent", String(64)),
    Column("tier", String(16), nullable=False),
    Column("resolved", Boolean, nullable=False),
    Column("assisted", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime, nullable=False),
    Column("first_response_s", Float),
    Column("handling_s", Float),
    Column("resolution_s", Float, nullable=False),
    Column("qa_total", Float),
    Column("end_emotion", Integer),
    Column("empathy_expressions", Integer, nullable=False),
    Column("report", JSON, nullable=False),
    Index("ix_quality_records_account_closed", "account_id", "closed_at"),
)

quality_assisted = Table(
    "quality_assisted",
    metadata,
    Column("conversation_id", String(32), primary_key=True),
)

# The NPS schedule: one job per surveyed conversation, claimed by one instance at a time.
quality_nps_jobs = Table(
    "quality_nps_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("account_id", String(64), nullable=False),
    Column("conversation_id", String(32), nullable=False, unique=True),
    Column("customer_id", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("segment", JSON, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_by", String(32)),
    Column("claimed_at", UtcDateTime),
    Column("attempts", Integer, nullable=False),
    Column("last_error", String(200)),
    Column("sent_at", UtcDateTime),
    Column("score", Integer),
    Column("comment", Text),
    Column("answered_at", UtcDateTime),
    Column("cancelled_reason", String(32)),
    Index("ix_quality_nps_jobs_status_due", "status", "due_at"),
    Index("ix_quality_nps_jobs_customer", "account_id", "customer_id"),
)

quality_opt_outs = Table(
    "quality_opt_outs",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("customer_id", String(32), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)

quality_outcomes = Table(
    "quality_outcomes",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("customer_external_id", String(128), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("value", Float, nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
)
