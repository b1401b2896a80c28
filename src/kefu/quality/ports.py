"""What the quality package needs from the outside world; `fakes.py` has one in-memory
implementation of each, and `kefu.adapters.db.quality_store` the SQL one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from kefu.quality.model import (
    BotFeedback,
    CsatRating,
    NpsJob,
    Outcome,
    QaReport,
    ServiceRecord,
    Transcript,
)

#: A customer message's 5-level emotion index, from the language engine.
EmotionReader = Callable[[str], int]
#: The intent the language engine reads in a customer message.
IntentReader = Callable[[str], str]


class TranscriptSource(Protocol):
    async def transcript(self, conversation_id: str) -> Transcript | None:
        """The conversation and its messages (internal notes left out); None if unknown."""
        ...

    async def unscored(self, since: datetime, limit: int) -> list[str]:
        """Conversations closed since `since` that quality has no record of."""
        ...


class CsatStore(Protocol):
    async def add_rating(self, rating: CsatRating) -> None:
        """Raises `kefu.domain.errors.Conflict` when the conversation was rated already."""
        ...

    async def ratings(self, account_id: str, since: datetime) -> list[CsatRating]: ...

    async def put_bot_feedback(self, account_id: str, feedback: BotFeedback) -> None:
        """One vote per bot message; a second vote replaces the first."""
        ...

    async def bot_feedback(self, account_id: str, since: datetime) -> list[BotFeedback]: ...


class QaStore(Protocol):
    async def save(self, record: ServiceRecord, report: QaReport) -> None:
        """Idempotent per conversation: a reopened and closed again conversation is
        scored again and replaces its row."""
        ...

    async def records(
        self, account_id: str, since: datetime, *, agent_id: str | None = None
    ) -> list[ServiceRecord]:
        """Closed conversations with their CSAT, oldest first."""
        ...

    async def report(self, conversation_id: str) -> tuple[ServiceRecord, QaReport] | None: ...

    async def worst(self, account_id: str, since: datetime, limit: int) -> list[ServiceRecord]:
        """Lowest QA totals first: what a supervisor reviews."""
        ...

    async def mark_assisted(self, conversation_id: str) -> None: ...

    async def was_assisted(self, conversation_id: str) -> bool: ...


class NpsStore(Protocol):
    async def schedule(self, job: NpsJob) -> bool:
        """False when the conversation already has a job."""
        ...

    async def last_survey_at(self, account_id: str, customer_id: str) -> datetime | None: ...

    async def claim_due(
        self, now: datetime, instance: str, limit: int, stale_before: datetime
    ) -> list[NpsJob]:
        """Pending jobs due by `now`, each claimed by exactly one caller across instances."""
        ...

    async def mark_sent(self, job_id: str, now: datetime) -> None: ...

    async def release(self, job_id: str, error: str) -> None: ...

    async def cancel_customer(
        self, account_id: str, customer_id: str, reason: str, now: datetime
    ) -> int:
        """Cancels the customer's pending jobs; returns how many."""
        ...

    async def by_token(self, token: str) -> NpsJob | None: ...

    async def answer(self, token: str, score: int, comment: str | None, now: datetime) -> bool:
        """False when the survey was answered already."""
        ...

    async def jobs(self, account_id: str, since: datetime) -> list[NpsJob]: ...

    async def opt_out(self, account_id: str, customer_id: str, now: datetime) -> None: ...

    async def opted_out(self, account_id: str, customer_id: str) -> bool: ...


class OutcomeStore(Protocol):
    async def add_outcomes(
        self, account_id: str, outcomes: Sequence[Outcome], now: datetime
    ) -> int:
        """Upserts by (customer_external_id, date, kind); returns rows written."""
        ...

    async def outcomes(self, account_id: str) -> list[Outcome]: ...


class QualityStore(CsatStore, QaStore, NpsStore, OutcomeStore, Protocol):
    """All of quality's storage; one adapter may implement every part."""


class SurveyNotifier(Protocol):
    async def send(self, job: NpsJob, link: str) -> None:
        """Delivers the survey link; raises on failure so the job is retried."""
        ...
