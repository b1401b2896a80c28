"""A new entry on trial answers only the customers in its "with" arm; a customer in the
control is answered as if it did not exist; both are exposed when it was the best match."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kefu.bot.trials import for_customer
from kefu.domain.experiments import TRIAL_WITH, TRIAL_WITHOUT, trial_experiment_id
from kefu.insight.experiments import assign, trial_experiment
from kefu.knowledge.demo import demo_entries
from kefu.knowledge.model import KnowledgeEntry, Trial

ENTRIES = demo_entries()
TRIAL = Trial(trial_experiment_id("group-order-unpaid"), 0.5)
NEW = replace(ENTRIES[0], id="group-order-unpaid", trial=TRIAL)


@dataclass(frozen=True)
class Found:
    entry: KnowledgeEntry
    score: float


def customer_in(variant: str) -> str:
    return next(f"cust-{i}" for i in range(1000) if TRIAL.variant(f"cust-{i}") == variant)


def test_a_customer_in_the_control_never_gets_the_entry_and_keeps_three_others() -> None:
    found = [Found(NEW, 0.9), *(Found(e, 0.5 - i / 10) for i, e in enumerate(ENTRIES[1:4]))]
    kept, exposure = for_customer(found, customer_in(TRIAL_WITHOUT), 3)
    assert [h.entry.id for h in kept] == [e.id for e in ENTRIES[1:4]]
    assert exposure is not None and exposure.variant == TRIAL_WITHOUT
    assert exposure.entry_id == "group-order-unpaid"


def test_a_customer_in_the_trial_arm_gets_the_entry_first() -> None:
    found = [Found(NEW, 0.9), *(Found(e, 0.4) for e in ENTRIES[1:4])]
    kept, exposure = for_customer(found, customer_in(TRIAL_WITH), 3)
    assert [h.entry.id for h in kept] == ["group-order-unpaid", ENTRIES[1].id, ENTRIES[2].id]
    assert exposure is not None and exposure.variant == TRIAL_WITH


def test_nobody_is_exposed_when_the_entry_was_not_the_best_match() -> None:
    found = [Found(ENTRIES[1], 0.9), Found(NEW, 0.6), Found(ENTRIES[2], 0.3)]
    for variant in (TRIAL_WITH, TRIAL_WITHOUT):
        _, exposure = for_customer(found, customer_in(variant), 3)
        assert exposure is None
    plain = [Found(e, 0.5) for e in ENTRIES[:4]]
    assert for_customer(plain, "anyone", 3) == (plain[:3], None)


def test_the_bot_and_the_report_put_every_customer_in_the_same_arm_in_proportion() -> None:
    trial = Trial(TRIAL.experiment_id, 0.2)
    experiment = trial_experiment(trial.experiment_id, "trial", 0.2)
    customers = [f"c{i}" for i in range(4000)]
    arms = [trial.variant(c) for c in customers]
    assert arms == [assign(experiment, c) for c in customers]
    assert 0.17 < arms.count(TRIAL_WITH) / len(arms) < 0.23
    assert [trial.variant(c) for c in customers] == arms  # sticky
