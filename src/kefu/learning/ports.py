"""What the learning loop needs from the rest of kefu. Fakes live in `kefu.learning.fakes`."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kefu.knowledge.model import KnowledgeEntry
from kefu.learning.clustering import FloatArray
from kefu.learning.encoders import Thresholds
from kefu.learning.model import Gap, Proposal, ProposalStatus
from kefu.learning.precheck import Replayed


class Encoder(Protocol):
    @property
    def thresholds(self) -> Thresholds: ...

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """One unit-length row per text."""
        ...


@dataclass(frozen=True, slots=True)
class Decision:
    """One review decision, as the audit trail keeps it."""

    proposal_id: str
    action: str  # accept | merge | reject
    by: str
    at: datetime
    reason: str | None
    entry_id: str | None


class LearningStore(Protocol):
    async def add_gaps(self, gaps: Sequence[Gap]) -> None: ...

    async def gaps(
        self, account_id: str, *, since: datetime | None = None, limit: int = 20_000
    ) -> list[Gap]:
        """Oldest first."""
        ...

    async def add_proposals(self, proposals: Sequence[Proposal]) -> int:
        """Stores the proposals whose id is new; returns how many were new. A proposal
        decided before (even rejected) is never queued again."""
        ...

    async def proposals(
        self, account_id: str, *, status: ProposalStatus | None = None, limit: int = 200
    ) -> list[Proposal]:
        """Best supported first."""
        ...

    async def get_proposal(self, account_id: str, proposal_id: str) -> Proposal | None: ...

    async def decide(self, proposal: Proposal, decision: Decision) -> None:
        """Writes the proposal's new status and the audit row together."""
        ...

    async def decisions(self, account_id: str, proposal_id: str) -> list[Decision]: ...


class KnowledgeWriter(Protocol):
    """The knowledge package's service, as far as the review queue edits entries."""

    def get(self, entry_id: str) -> KnowledgeEntry | None: ...

    def all(self) -> list[KnowledgeEntry]: ...

    async def create(self, entry: KnowledgeEntry, author: str) -> KnowledgeEntry: ...

    async def update(self, entry: KnowledgeEntry, author: str) -> KnowledgeEntry: ...


class Replay(Protocol):
    """Replays the frozen questions through the bot's decision, without and with a change
    to one knowledge entry (`kefu.learning.replay`; a fake in `kefu.learning.fakes`)."""

    def version(self, account_id: str) -> Hashable:
        """Changes whenever the bot could decide differently (a knowledge edit, new rules):
        a pre-check is valid only for the version it was computed on."""
        ...

    async def replay(self, account_id: str, candidate: KnowledgeEntry) -> Replayed:
        """`candidate` is the entry as accepting would leave it: a new entry, or an existing
        one with the proposal's phrasings added."""
        ...


@dataclass(frozen=True, slots=True)
class TrialArm:
    variant: str  # without (the control) | with
    customers: int  # exposed customers whose outcome is known
    bot_resolution: float | None  # share of them the bot resolved alone


@dataclass(frozen=True, slots=True)
class TrialResults:
    arms: tuple[TrialArm, ...]
    verdict: str  # too_early | treatment_better | control_better | no_difference | guard_breached
    still_needed: int | None  # customers per arm before the verdict means anything
    ended: bool


class Trials(Protocol):
    """Insight's experiments, as far as the review queue runs trials of new entries."""

    async def start(self, experiment_id: str, name: str, share: float) -> None: ...

    async def end(self, experiment_id: str) -> None: ...

    async def results(self, experiment_id: str) -> TrialResults: ...
