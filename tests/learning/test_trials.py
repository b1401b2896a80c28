"""Accepting a new entry as a trial, and ending it, on fakes (no database)."""

from __future__ import annotations

import pytest

from kefu.domain.agent import Role
from kefu.domain.errors import Conflict, InvalidInput, PermissionDenied
from kefu.learning.actions import Learning
from kefu.learning.encoders import HashingEncoder
from kefu.learning.fakes import FakeTrials, MemoryKnowledge, MemoryLearningStore
from kefu.learning.model import ProposalKind, ProposalStatus
from tests.learning.conftest import Clock, person, proposal

QUESTION = "拼单有人不付钱怎么办"


@pytest.fixture
def trials() -> FakeTrials:
    return FakeTrials()


@pytest.fixture
def reviewing(
    store: MemoryLearningStore, knowledge: MemoryKnowledge, clock: Clock, trials: FakeTrials
) -> Learning:
    return Learning(store, knowledge, HashingEncoder(), clock, trials=trials)


async def test_a_new_entry_accepted_as_a_trial_reaches_only_its_share_of_customers(
    reviewing: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge, trials: FakeTrials
) -> None:
    await store.add_proposals([proposal("p1", ProposalKind.NEW_ENTRY, QUESTION)])
    accepted = await reviewing.accept(person(), "p1", trial_share=0.3)
    assert accepted.status is ProposalStatus.ACCEPTED
    entry = knowledge.get(accepted.result_entry_id or "")
    assert entry is not None and entry.trial is not None
    assert entry.trial.share == 0.3
    assert trials.started[entry.trial.experiment_id][1] == 0.3
    assert QUESTION in trials.started[entry.trial.experiment_id][0]

    running = await reviewing.trials(person())
    assert [t.entry.id for t in running] == [entry.id]
    assert [a.variant for a in running[0].results.arms] == ["without", "with"]


async def test_ending_a_trial_keeps_the_entry_for_everyone_or_takes_it_out(
    reviewing: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge, trials: FakeTrials
) -> None:
    await store.add_proposals(
        [
            proposal("p1", ProposalKind.NEW_ENTRY, QUESTION),
            proposal("p2", ProposalKind.NEW_ENTRY, "团购券过期了还能退吗"),
        ]
    )
    kept_id = (await reviewing.accept(person(), "p1", trial_share=0.5)).result_entry_id or ""
    gone_id = (await reviewing.accept(person(), "p2", trial_share=0.5)).result_entry_id or ""
    kept = await reviewing.end_trial(person(), kept_id, keep=True)
    assert kept.trial is None and kept.enabled
    gone = await reviewing.end_trial(person(), gone_id, keep=False)
    assert gone.trial is None and not gone.enabled
    assert len(trials.ended) == 2
    assert await reviewing.trials(person()) == []
    with pytest.raises(Conflict):
        await reviewing.end_trial(person(), kept_id, keep=True)  # no longer on trial


async def test_only_a_new_entry_with_a_sensible_share_can_go_on_trial(
    reviewing: Learning, store: MemoryLearningStore, knowledge: MemoryKnowledge
) -> None:
    entry = knowledge.all()[0]
    await store.add_proposals(
        [
            proposal("p1", ProposalKind.NEW_ENTRY, QUESTION),
            proposal("p2", ProposalKind.PHRASING, "能不能快点", entry_id=entry.id),
        ]
    )
    for share in (0.0, 1.0, 0.01):
        with pytest.raises(InvalidInput):
            await reviewing.accept(person(), "p1", trial_share=share)
    with pytest.raises(InvalidInput):
        await reviewing.accept(person(), "p2", trial_share=0.5)
    with pytest.raises(PermissionDenied):
        await reviewing.accept(person(Role.AGENT, "lina"), "p1", trial_share=0.5)
    with pytest.raises(PermissionDenied):
        await reviewing.trials(person(Role.AGENT, "lina"))
    assert (await store.get_proposal("default", "p1")).status is ProposalStatus.PENDING  # type: ignore[union-attr]


async def test_without_insight_a_trial_is_refused_with_a_reason(
    learning: Learning, store: MemoryLearningStore
) -> None:
    await store.add_proposals([proposal("p1", ProposalKind.NEW_ENTRY, QUESTION)])
    with pytest.raises(InvalidInput, match="insight"):
        await learning.accept(person(), "p1", trial_share=0.5)
    assert await learning.trials(person()) == []


async def test_an_entry_imported_on_trial_gets_its_experiment_when_listed(
    reviewing: Learning, knowledge: MemoryKnowledge, trials: FakeTrials
) -> None:
    from dataclasses import replace

    from kefu.knowledge.model import Trial

    imported = replace(knowledge.all()[0], id="imported", trial=Trial("kb-trial-imported", 0.2))
    await knowledge.create(imported, "import")
    running = await reviewing.trials(person())
    assert [t.entry.id for t in running] == ["imported"]
    assert trials.started["kb-trial-imported"][1] == 0.2
