"""Estimated wait for a customer at a given queue position.

The agents who can serve the queue provide `total` concurrent slots (capacity) of which
`free` are open now. A customer at position p (1 = next) is served at once while
p <= free. Otherwise they need (p - free) slots to open up; with an average handling time
AHT each slot frees about once per AHT, so slots open at a rate of total / AHT and the
wait is (p - free) * AHT / total. With no agent online the wait is `math.inf`, which
every overflow threshold treats as passed.

This is deliberately simple (no Erlang C): it is what the customer sees as "about N
minutes", and what overflow compares with its threshold. Staffing models live in
`kefu.planning`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kefu.domain.errors import InvalidInput
from kefu.routing.model import AgentState, Presence, QueueConfig

#: Used until a queue has handled enough conversations to average over.
DEFAULT_HANDLING_S = 300.0


@dataclass(frozen=True, slots=True)
class ServingCapacity:
    agents: int  # online agents who serve the queue
    free: float  # open slots now
    total: float  # slots of those agents


def serving_capacity(
    queue: QueueConfig, agents: Iterable[AgentState], language: str | None = None
) -> ServingCapacity:
    """Capacity of the online agents with the queue's skills and language (in slots of 1)."""
    wanted = queue.language if queue.language is not None else language
    count, free, total = 0, 0.0, 0.0
    for agent in agents:
        if agent.presence is Presence.ONLINE and agent.serves(queue.skills, wanted):
            count += 1
            free += math.floor(agent.free_capacity + 1e-9)
            total += agent.max_concurrent
    return ServingCapacity(count, free, total)


def average_handling_time(
    recent_s: Sequence[float], *, window: int = 50, default_s: float = DEFAULT_HANDLING_S
) -> float:
    """Mean of the last `window` handling times, or `default_s` when there are none."""
    if window < 1:
        raise InvalidInput("the handling-time window must hold at least one value")
    last = [s for s in recent_s[-window:] if s >= 0]
    return sum(last) / len(last) if last else default_s


def estimate_wait_s(position: int, capacity: ServingCapacity, handling_s: float) -> float:
    if position < 1:
        raise InvalidInput(f"queue positions start at 1, got {position}")
    if capacity.total <= 0:
        return math.inf
    ahead_of_free = position - capacity.free
    if ahead_of_free <= 0:
        return 0.0
    return ahead_of_free * handling_s / capacity.total


def wait_minutes(wait_s: float) -> int | None:
    """What the customer is shown: whole minutes rounded up, None when unknown."""
    if math.isinf(wait_s):
        return None
    return math.ceil(wait_s / 60)
