"""In-memory learning storage: for unit tests and trials without a database."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from datetime import datetime

from kefu.domain.errors import Conflict, NotFound
from kefu.domain.experiments import TRIAL_WITH, TRIAL_WITHOUT
from kefu.knowledge.model import KnowledgeEntry
from kefu.learning.model import Gap, Proposal, ProposalStatus
from kefu.learning.ports import Decision, TrialArm, TrialResults
from kefu.learning.precheck import FrozenQuestion, Outcome, Replayed


class MemoryLearningStore:
    def __init__(self) -> None:
        self.gap_rows: list[Gap] = []
        self.proposal_rows: dict[str, Proposal] = {}
        self.decision_rows: list[Decision] = []

    async def add_gaps(self, gaps: Sequence[Gap]) -> None:
        self.gap_rows.extend(gaps)

    async def gaps(
        self, account_id: str, *, since: datetime | None = None, limit: int = 20_000
    ) -> list[Gap]:
        found = [
            g
            for g in self.gap_rows
            if g.account_id == account_id and (since is None or g.at >= since)
        ]
        return sorted(found, key=lambda g: (g.at, g.id))[-limit:]

    async def add_proposals(self, proposals: Sequence[Proposal]) -> int:
        new = 0
        for p in proposals:
            if p.id not in self.proposal_rows:
                self.proposal_rows[p.id] = p
                new += 1
            else:
                old = self.proposal_rows[p.id]
                if old.status is ProposalStatus.PENDING:
                    self.proposal_rows[p.id] = replace(
                        old, support=max(old.support, p.support), sources=p.sources or old.sources
                    )
        return new

    async def proposals(
        self, account_id: str, *, status: ProposalStatus | None = None, limit: int = 200
    ) -> list[Proposal]:
        found = [
            p
            for p in self.proposal_rows.values()
            if p.account_id == account_id and (status is None or p.status is status)
        ]
        return sorted(found, key=lambda p: (-p.support, p.created_at, p.id))[:limit]

    async def get_proposal(self, account_id: str, proposal_id: str) -> Proposal | None:
        p = self.proposal_rows.get(proposal_id)
        return p if p is not None and p.account_id == account_id else None

    async def decide(self, proposal: Proposal, decision: Decision) -> None:
        self.proposal_rows[proposal.id] = proposal
        self.decision_rows.append(decision)

    async def decisions(self, account_id: str, proposal_id: str) -> list[Decision]:
        return [d for d in self.decision_rows if d.proposal_id == proposal_id]


class MemoryKnowledge:
    """A knowledge base in a dict, as the review queue sees it (`KnowledgeWriter`)."""

    def __init__(self, entries: Sequence[KnowledgeEntry] = ()) -> None:
        self.entries: dict[str, KnowledgeEntry] = {e.id: e for e in entries}
        self.authors: list[str] = []

    def get(self, entry_id: str) -> KnowledgeEntry | None:
        return self.entries.get(entry_id)

    def all(self) -> list[KnowledgeEntry]:
        return list(self.entries.values())

    async def create(self, entry: KnowledgeEntry, author: str) -> KnowledgeEntry:
        if entry.id in self.entries:
            raise Conflict(f"knowledge entry {entry.id!r} already exists")
        self.entries[entry.id] = entry
        self.authors.append(author)
        return entry

    async def update(self, entry: KnowledgeEntry, author: str) -> KnowledgeEntry:
        if entry.id not in self.entries:
            raise NotFound(f"no knowledge entry {entry.id!r}")
        self.entries[entry.id] = entry
        self.authors.append(author)
        return entry


class FakeReplay:
    """The bot's decision reduced to wording: a question that is one of an entry's texts
    (case and spaces aside) is answered by it, by two or more it is clarified, else the bot
    does not know. Enough to see a proposal take another entry's questions."""

    def __init__(
        self, knowledge: MemoryKnowledge, questions: Sequence[FrozenQuestion] = ()
    ) -> None:
        self.knowledge = knowledge
        self.questions = tuple(questions)
        self.missing: tuple[str, ...] = ()
        self.calls = 0

    def version(self, account_id: str) -> Hashable:
        return (account_id, tuple(sorted((e.id, e.texts) for e in self.knowledge.all())))

    async def replay(self, account_id: str, candidate: KnowledgeEntry) -> Replayed:
        self.calls += 1
        entries = [e for e in self.knowledge.all() if e.enabled]
        after = [e for e in entries if e.id != candidate.id] + [candidate]
        return Replayed(
            self.questions,
            tuple(_decide(q.text, entries) for q in self.questions),
            tuple(_decide(q.text, after, candidate) for q in self.questions),
            self.missing,
        )


def _plain(text: str) -> str:
    return "".join(text.split()).lower()


def _decide(
    text: str, entries: Sequence[KnowledgeEntry], candidate: KnowledgeEntry | None = None
) -> Outcome:
    said = _plain(text)
    found = [e.id for e in entries if any(_plain(t) == said for t in e.texts)]
    matched = None
    if candidate is not None and candidate.id in found:
        matched = next(t for t in candidate.texts if _plain(t) == said)
    if len(found) == 1:
        return Outcome("answer", entry_id=found[0], matched=matched)
    if found:
        return Outcome("clarify", choices=tuple(f"kb:{i}" for i in found), matched=matched)
    return Outcome("unknown")


class FakeTrials:
    """Insight's experiments as the review queue sees them: started, ended, and results
    from the arms' counts a test sets."""

    def __init__(self) -> None:
        self.started: dict[str, tuple[str, float]] = {}
        self.ended: set[str] = set()
        self.counts: dict[str, dict[str, tuple[int, float | None]]] = {}

    async def start(self, experiment_id: str, name: str, share: float) -> None:
        self.started[experiment_id] = (name, share)

    async def end(self, experiment_id: str) -> None:
        if experiment_id not in self.started:
            raise NotFound(f"no experiment {experiment_id!r}")
        self.ended.add(experiment_id)

    async def results(self, experiment_id: str) -> TrialResults:
        if experiment_id not in self.started:
            raise NotFound(f"no experiment {experiment_id!r}")
        counts = self.counts.get(experiment_id, {})
        arms = tuple(TrialArm(v, *counts.get(v, (0, None))) for v in (TRIAL_WITHOUT, TRIAL_WITH))
        return TrialResults(arms, "too_early", None, experiment_id in self.ended)
