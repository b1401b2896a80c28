"""Quality and insight no longer take a durable job per event: their pending jobs go.

Both handlers only queued work of their own in memory, so the rows bought nothing; they now
hear events in the realtime lane of the instance that committed them. Jobs still stored under
their old names would never be claimed again.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

RETIRED = ("QualityHandlers.handle", "JourneyTracker.handle")


def upgrade() -> None:
    jobs = sa.table("jobs", sa.column("handler", sa.String))
    op.execute(jobs.delete().where(jobs.c.handler.in_(RETIRED)))


def downgrade() -> None:
    pass  # the events are gone with their jobs; nothing to restore
