"""Sticky assignment of a unit (a customer) to one variant of an experiment (pure).

The variant comes from a SHA-256 hash of the experiment id and the unit id, mapped onto the
cumulative allocation: the same customer gets the same variant on every instance and every
visit, with nothing stored. Insight's experiments and the knowledge base's trials of a new
entry both assign through `bucket`, so the bot and the report always agree on the arm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

#: A trial of a new knowledge entry: customers in `TRIAL_WITH` may get it from the bot, those
#: in `TRIAL_WITHOUT` (the control) are answered as if it did not exist.
TRIAL_WITHOUT = "without"
TRIAL_WITH = "with"
TRIAL_VARIANTS = (TRIAL_WITHOUT, TRIAL_WITH)


def bucket(experiment_id: str, unit_id: str, allocation: Sequence[float]) -> int:
    """The index of the unit's variant, each chosen in proportion to its allocation."""
    digest = hashlib.sha256(f"{experiment_id}:{unit_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(allocation)
    edge = 0.0
    for index, weight in enumerate(allocation):
        edge += weight
        if point < edge:
            return index
    return len(allocation) - 1


def trial_experiment_id(entry_id: str) -> str:
    """The experiment that measures a trial of the knowledge entry `entry_id`."""
    return f"kb-trial-{entry_id}"
