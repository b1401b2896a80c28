"""Knowledge entries on trial (pure): who may get them, and who was exposed.

An entry accepted "as a trial" (`KnowledgeEntry.trial`) answers only the customers its
experiment puts in the "with" arm. For a customer in the "without" arm (the control) the
bot matches as if the entry did not exist, so the two arms differ by that entry alone. A
customer is exposed when the entry was the bot's best match for their question — in either
arm, since that is when the entry would have changed what the bot did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from kefu.domain.experiments import TRIAL_WITH
from kefu.knowledge.model import KnowledgeEntry


class Found(Protocol):
    @property
    def entry(self) -> KnowledgeEntry: ...


@dataclass(frozen=True, slots=True)
class Exposure:
    experiment_id: str
    entry_id: str
    variant: str


H = TypeVar("H", bound=Found)


def for_customer(found: Sequence[H], unit_id: str, top_k: int) -> tuple[list[H], Exposure | None]:
    """The first `top_k` of `found` (best first) this customer may get, and the exposure
    when the best one is on trial."""
    kept: list[H] = []
    exposure = None
    for rank, hit in enumerate(found):
        trial = hit.entry.trial
        if trial is not None:
            variant = trial.variant(unit_id)
            if rank == 0:
                exposure = Exposure(trial.experiment_id, hit.entry.id, variant)
            if variant != TRIAL_WITH:
                continue
        kept.append(hit)
    return kept[:top_k], exposure
