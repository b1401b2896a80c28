"""Accepting a new entry as a trial, and ending the trial (use cases of the review queue).

A trial puts the new entry live for a share of customers only (`KnowledgeEntry.trial`); the
bot answers the others as if it did not exist, and insight compares the two arms on bot
resolution, guarded by transfers and CSAT. Ending it keeps the entry for everyone or takes
it out (disabled, so its history stays); both are ordinary, versioned knowledge edits.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace

from kefu.domain.agent import Agent
from kefu.domain.errors import Conflict, InvalidInput, NotFound
from kefu.domain.experiments import trial_experiment_id
from kefu.knowledge.model import MAX_TRIAL_SHARE, MIN_TRIAL_SHARE, KnowledgeEntry, Trial
from kefu.learning.model import Proposal, ProposalKind
from kefu.learning.ports import KnowledgeWriter, TrialResults, Trials

#: What a trial's verdict says, in zh and en (insight's experiment verdicts).
TRIAL_VERDICT_LABELS = {
    "too_early": ("样本还不够，先别下结论", "Too early: not enough customers yet"),
    "treatment_better": ("有新条目的一组解决率更高", "Bot resolution is higher with the entry"),
    "control_better": ("没有新条目的一组解决率更高", "Bot resolution is higher without it"),
    "no_difference": ("两组没有可分辨的差别", "No difference the data can tell"),
    "guard_breached": ("转人工或满意度变差了", "Transfers or satisfaction got worse"),
}
#: The arms of a trial, in zh and en.
ARM_LABELS = {
    "without": ("没有新条目", "Without the entry"),
    "with": ("有新条目", "With the entry"),
}


@dataclass(frozen=True, slots=True)
class RunningTrial:
    entry: KnowledgeEntry
    trial: Trial
    results: TrialResults


class TrialReview:
    def __init__(self, knowledge: KnowledgeWriter, trials: Trials | None) -> None:
        self.knowledge = knowledge
        self.trials = trials

    def check(self, proposal: Proposal, share: float) -> None:
        """Refuses, with the reason, a trial that cannot be run."""
        if self.trials is None:
            raise InvalidInput("trials need the insight feature, which this instance runs without")
        if proposal.kind is not ProposalKind.NEW_ENTRY:
            raise InvalidInput("only a new entry can be tried on part of the customers")
        if not MIN_TRIAL_SHARE <= share <= MAX_TRIAL_SHARE:
            raise InvalidInput(
                f"the trial's share of customers must be from {MIN_TRIAL_SHARE:.0%} "
                f"to {MAX_TRIAL_SHARE:.0%}"
            )

    async def start(self, entry: KnowledgeEntry, share: float) -> KnowledgeEntry:
        """`entry` on trial for `share` of customers, its experiment started."""
        assert self.trials is not None  # `check` refused the trial otherwise
        trial = Trial(trial_experiment_id(entry.id), share)
        question = entry.question.zh or entry.question.en
        name = f"试用新条目 · New entry on trial: {question}"
        await self.trials.start(trial.experiment_id, name, share)
        return replace(entry, trial=trial)

    async def running(self) -> list[RunningTrial]:
        if self.trials is None:
            return []
        found = []
        for entry in self.knowledge.all():
            if entry.trial is not None and entry.enabled:
                found.append(RunningTrial(entry, entry.trial, await self._results(entry)))
        return found

    async def _results(self, entry: KnowledgeEntry) -> TrialResults:
        assert self.trials is not None and entry.trial is not None
        try:
            return await self.trials.results(entry.trial.experiment_id)
        except NotFound:
            # An entry imported on trial (a YAML file from another kefu): its experiment
            # starts here, with the entry's own share.
            await self.start(entry, entry.trial.share)
            return await self.trials.results(entry.trial.experiment_id)

    async def end(self, agent: Agent, entry_id: str, *, keep: bool) -> KnowledgeEntry:
        """Keeps the entry for every customer, or takes it out (disabled)."""
        entry = self.knowledge.get(entry_id)
        if entry is None:
            raise NotFound(f"no knowledge entry {entry_id!r}")
        if entry.trial is None or self.trials is None:
            raise Conflict(f"knowledge entry {entry_id!r} is not on trial")
        ended = replace(entry, trial=None, enabled=entry.enabled and keep)
        saved = await self.knowledge.update(ended, agent.email)
        with contextlib.suppress(NotFound):  # an imported trial whose experiment never ran
            await self.trials.end(entry.trial.experiment_id)
        return saved
