"""Overflow: what to offer a customer when the queue is too long, too slow or closed.

A queue carries zero or more `OverflowRule`s (see `kefu.routing.model`). When a customer
joins, the first rule whose threshold is passed and that selects this customer decides:
offer a callback, send a simple question back to the bot with a busy-time answer, or spill
over into a secondary queue. Selection by `share` hashes the conversation id with the
rule's seed (blake2b, not Python's salted `hash`), so the same conversation gets the same
answer in every process and every test run, and over many customers the diverted fraction
converges on `share`. `OverflowTally` counts what was decided, for the diverted share
that the issue asks to measure.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from datetime import datetime

from kefu.domain.errors import InvalidInput
from kefu.routing.model import AfterHours, OverflowAction, OverflowRule, QueueConfig, WaitingItem


@dataclass(frozen=True, slots=True)
class QueueStats:
    """A queue as a newcomer finds it: how many wait already and the estimated wait.

    `estimated_wait_s` is `math.inf` when nobody serving the queue is online.
    """

    queue: str
    waiting: int
    estimated_wait_s: float

    def __post_init__(self) -> None:
        if self.waiting < 0 or self.estimated_wait_s < 0:
            raise InvalidInput("queue length and estimated wait cannot be negative")


@dataclass(frozen=True, slots=True)
class OverflowDecision:
    action: OverflowAction
    reason: str
    target_queue: str | None = None
    estimated_wait_s: float | None = None
    opens_at: datetime | None = None

    @property
    def diverted(self) -> bool:
        return self.action is not OverflowAction.NONE


def in_share(conversation_id: str, share: float, seed: str = "") -> bool:
    """Whether this conversation falls in the first `share` of a uniform hash space."""
    if share >= 1.0:
        return True
    if share <= 0.0:
        return False
    digest = hashlib.blake2b(f"{seed}\x00{conversation_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") < share * 2**64


def threshold_passed(stats: QueueStats, rule: OverflowRule) -> str | None:
    """Why the queue is over the rule's threshold, or None when it is not."""
    if rule.max_waiting is not None and stats.waiting > rule.max_waiting:
        return f"{stats.waiting} waiting, more than {rule.max_waiting}"
    if rule.max_wait_s is not None and stats.estimated_wait_s > rule.max_wait_s:
        wait = (
            "no agent online"
            if math.isinf(stats.estimated_wait_s)
            else (f"estimated wait {stats.estimated_wait_s:.0f}s")
        )
        return f"{wait}, more than {rule.max_wait_s:.0f}s"
    return None


def decide_overflow(stats: QueueStats, item: WaitingItem, rule: OverflowRule) -> OverflowDecision:
    why = threshold_passed(stats, rule)
    if why is None:
        return OverflowDecision(OverflowAction.NONE, "under threshold")
    if not rule.exempt_tags.isdisjoint(item.tags):
        return OverflowDecision(OverflowAction.NONE, f"{why}; customer is exempt")
    if rule.simple_only and not item.simple_intent:
        return OverflowDecision(OverflowAction.NONE, f"{why}; not a simple question")
    if not in_share(item.conversation_id, rule.share, f"{rule.seed}:{rule.action.value}"):
        return OverflowDecision(OverflowAction.NONE, f"{why}; outside the diverted share")
    return OverflowDecision(
        rule.action, why, target_queue=rule.spill_to, estimated_wait_s=stats.estimated_wait_s
    )


def decide_for_queue(stats: QueueStats, item: WaitingItem, queue: QueueConfig) -> OverflowDecision:
    """The first of the queue's rules that diverts this customer, else no overflow."""
    decision = OverflowDecision(OverflowAction.NONE, "no overflow rule")
    for rule in queue.overflow:
        decision = decide_overflow(stats, item, rule)
        if decision.diverted:
            return decision
    return decision


def decide_outside_hours(queue: QueueConfig, now: datetime) -> OverflowDecision | None:
    """Leave a message or book a callback when the queue is closed; None while it is open."""
    if queue.hours is None or queue.hours.is_open(now):
        return None
    action = (
        OverflowAction.OFFER_CALLBACK
        if queue.after_hours is AfterHours.OFFER_CALLBACK
        else OverflowAction.LEAVE_MESSAGE
    )
    opens_at = queue.hours.next_open(now)
    return OverflowDecision(action, f"queue {queue.name} is closed", opens_at=opens_at)


@dataclass(frozen=True, slots=True)
class OverflowTally:
    """Counts of overflow decisions, for the share of customers diverted per action."""

    considered: int = 0
    offered_callback: int = 0
    back_to_bot: int = 0
    spilled_over: int = 0
    left_message: int = 0

    def record(self, decision: OverflowDecision) -> OverflowTally:
        field = _TALLY_FIELDS.get(decision.action)
        counts = {"considered": self.considered + 1}
        if field is not None:
            counts[field] = getattr(self, field) + 1
        return replace(self, **counts)

    @property
    def diverted(self) -> int:
        return self.offered_callback + self.back_to_bot + self.spilled_over + self.left_message

    @property
    def diverted_share(self) -> float:
        return self.diverted / self.considered if self.considered else 0.0


_TALLY_FIELDS: dict[OverflowAction, str] = {
    OverflowAction.OFFER_CALLBACK: "offered_callback",
    OverflowAction.BACK_TO_BOT_BUSY: "back_to_bot",
    OverflowAction.SPILL_OVER: "spilled_over",
    OverflowAction.LEAVE_MESSAGE: "left_message",
}
