"""SLA policies and timers: first-response and resolution targets, warnings, breaches.

Both clocks start when the conversation enters the queue (`started_at`). A target is due
`first_response_s` / `resolution_s` later; its warning is due at `warn_at` of that span
(0.8: after 80 % of the time); escalation to a supervisor is due `escalate_after_s` after
the breach (0: at once, None: never). A target is done when the first agent reply is
sent or the conversation is resolved (resolving without a reply also stops the
first-response clock: there is nobody left to answer).

`due_events(since, until)` returns the events scheduled in the half-open window
(since, until] whose target was not done by then. A timer loop that calls it with
consecutive windows (t0, t1], (t1, t2], … on an injectable clock therefore emits every
event exactly once, however irregular its ticks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kefu.domain.errors import InvalidInput
from kefu.routing.model import QueueConfig, require_aware
from kefu.routing.priority import Tier


class SlaTarget(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class SlaState(StrEnum):
    OK = "ok"  # running, before the warning
    WARNING = "warning"  # running, past the warning
    BREACHED = "breached"  # past due, done late or not yet done
    MET = "met"  # done in time


class SlaEventKind(StrEnum):
    WARNING = "sla.warning"
    BREACHED = "sla.breached"
    ESCALATED = "sla.escalated"


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    id: str
    first_response_s: float
    resolution_s: float
    warn_at: float = 0.8
    tiers: frozenset[Tier] = frozenset(Tier)
    escalate_after_s: float | None = 0.0

    def __post_init__(self) -> None:
        if self.first_response_s <= 0 or self.resolution_s <= 0:
            raise InvalidInput(f"SLA {self.id}: targets must be positive")
        if not 0.0 < self.warn_at < 1.0:
            raise InvalidInput(f"SLA {self.id}: warn_at must be between 0 and 1 exclusive")
        if self.escalate_after_s is not None and self.escalate_after_s < 0:
            raise InvalidInput(f"SLA {self.id}: escalate_after_s cannot be negative")

    def seconds(self, target: SlaTarget) -> float:
        if target is SlaTarget.FIRST_RESPONSE:
            return self.first_response_s
        return self.resolution_s

    def first_response_due(self, started_at: datetime) -> datetime:
        return started_at + timedelta(seconds=self.first_response_s)


def pick_policy(
    policies: Mapping[str, SlaPolicy], queue: QueueConfig, tier: Tier
) -> SlaPolicy | None:
    """The queue's first listed policy that covers the customer's tier."""
    for policy_id in queue.sla_policy_ids:
        policy = policies.get(policy_id)
        if policy is not None and tier in policy.tiers:
            return policy
    return None


@dataclass(frozen=True, slots=True)
class TargetStatus:
    target: SlaTarget
    state: SlaState
    warn_at: datetime
    due_at: datetime
    done_at: datetime | None

    def remaining_s(self, now: datetime) -> float:
        """Seconds left before the breach (negative once past due)."""
        return (self.due_at - now).total_seconds()


@dataclass(frozen=True, slots=True)
class SlaStatus:
    first_response: TargetStatus
    resolution: TargetStatus

    @property
    def worst(self) -> SlaState:
        order = (SlaState.BREACHED, SlaState.WARNING, SlaState.OK, SlaState.MET)
        states = {self.first_response.state, self.resolution.state}
        return next(state for state in order if state in states)


@dataclass(frozen=True, slots=True)
class SlaEvent:
    kind: SlaEventKind
    target: SlaTarget
    conversation_id: str
    policy_id: str
    at: datetime  # the moment it was scheduled for, not when the timer noticed


def _done_at(
    target: SlaTarget, first_response_at: datetime | None, resolved_at: datetime | None
) -> datetime | None:
    if target is SlaTarget.RESOLUTION or first_response_at is None:
        return resolved_at
    return first_response_at if resolved_at is None else min(first_response_at, resolved_at)


def target_status(
    policy: SlaPolicy,
    target: SlaTarget,
    started_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    now: datetime,
) -> TargetStatus:
    span = policy.seconds(target)
    warn_at = started_at + timedelta(seconds=span * policy.warn_at)
    due_at = started_at + timedelta(seconds=span)
    done_at = _done_at(target, first_response_at, resolved_at)
    if done_at is not None and done_at <= now:
        state = SlaState.MET if done_at <= due_at else SlaState.BREACHED
    elif now >= due_at:
        state = SlaState.BREACHED
    elif now >= warn_at:
        state = SlaState.WARNING
    else:
        state = SlaState.OK
    return TargetStatus(target, state, warn_at, due_at, done_at)


def sla_status(
    policy: SlaPolicy,
    started_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    now: datetime,
) -> SlaStatus:
    for value, what in ((started_at, "started_at"), (now, "now")):
        require_aware(value, what)
    return SlaStatus(
        *(
            target_status(policy, target, started_at, first_response_at, resolved_at, now)
            for target in SlaTarget
        )
    )


def _schedule(
    policy: SlaPolicy,
    started_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
) -> list[tuple[datetime, SlaEventKind, SlaTarget, datetime | None]]:
    """Every event this conversation could ever get, with the moment its target was done."""
    schedule = []
    for target in SlaTarget:
        span = policy.seconds(target)
        due_at = started_at + timedelta(seconds=span)
        done_at = _done_at(target, first_response_at, resolved_at)
        schedule.append(
            (
                started_at + timedelta(seconds=span * policy.warn_at),
                SlaEventKind.WARNING,
                target,
                done_at,
            )
        )
        schedule.append((due_at, SlaEventKind.BREACHED, target, done_at))
        if policy.escalate_after_s is not None:
            escalate_at = due_at + timedelta(seconds=policy.escalate_after_s)
            schedule.append((escalate_at, SlaEventKind.ESCALATED, target, done_at))
    return schedule


def due_events(
    policy: SlaPolicy,
    *,
    conversation_id: str,
    started_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    since: datetime,
    until: datetime,
) -> list[SlaEvent]:
    """Events scheduled in (since, until] whose target was not done by their moment."""
    if until < since:
        raise InvalidInput(f"expected since <= until, got {since} > {until}")
    events = [
        SlaEvent(kind, target, conversation_id, policy.id, at)
        for at, kind, target, done_at in _schedule(
            policy, started_at, first_response_at, resolved_at
        )
        if since < at <= until and (done_at is None or done_at > at)
    ]
    return sorted(events, key=lambda e: (e.at, list(SlaEventKind).index(e.kind), e.target.value))


def next_due(
    policy: SlaPolicy,
    started_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    after: datetime,
) -> datetime | None:
    """When the next event after `after` is scheduled, so a timer knows when to wake."""
    pending = [
        at
        for at, _, _, done_at in _schedule(policy, started_at, first_response_at, resolved_at)
        if at > after and (done_at is None or done_at > at)
    ]
    return min(pending, default=None)
