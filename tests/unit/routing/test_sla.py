"""SLA targets, warnings, breaches and escalation, driven by a frozen clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kefu.domain.clock import FrozenClock
from kefu.domain.errors import InvalidInput
from kefu.routing import (
    SlaEvent,
    SlaEventKind,
    SlaPolicy,
    SlaState,
    SlaTarget,
    Tier,
    due_events,
    next_due,
    pick_policy,
    sla_status,
)
from tests.unit.routing.builders import NOW, queue

# first reply within 60 s (warning at 48 s), resolution within 600 s (warning at 480 s)
STANDARD = SlaPolicy("standard", first_response_s=60, resolution_s=600, warn_at=0.8)


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


class TimerLoop:
    """What the lead's timer will do: ask for the events of each window since the last tick."""

    def __init__(self, policy: SlaPolicy, clock: FrozenClock) -> None:
        self.policy, self.clock = policy, clock
        self.started_at = clock()
        self.last_tick = clock()
        self.first_response_at: datetime | None = None
        self.resolved_at: datetime | None = None
        self.emitted: list[SlaEvent] = []

    def tick(self) -> list[SlaEvent]:
        now = self.clock()
        events = due_events(
            self.policy,
            conversation_id="c1",
            started_at=self.started_at,
            first_response_at=self.first_response_at,
            resolved_at=self.resolved_at,
            since=self.last_tick,
            until=now,
        )
        self.last_tick = now
        self.emitted += events
        return events


def kinds(events: list[SlaEvent]) -> list[tuple[str, str]]:
    return [(e.target.value, e.kind.value) for e in events]


def test_an_sla_warning_and_breach_fire_at_the_right_moments() -> None:
    clock = FrozenClock(NOW)
    timer = TimerLoop(STANDARD, clock)

    clock.advance(47)
    assert timer.tick() == []
    clock.advance(1)  # 48 s: 80 % of the first-response target
    [warning] = timer.tick()
    assert (warning.kind, warning.target, warning.at) == (
        SlaEventKind.WARNING,
        SlaTarget.FIRST_RESPONSE,
        at(48),
    )
    assert sla_status(STANDARD, NOW, None, None, clock()).first_response.state is SlaState.WARNING

    clock.advance(11)  # 59 s
    assert timer.tick() == []
    clock.advance(1)  # 60 s: due
    assert kinds(timer.tick()) == [
        ("first_response", "sla.breached"),
        ("first_response", "sla.escalated"),
    ]
    assert sla_status(STANDARD, NOW, None, None, clock()).first_response.state is SlaState.BREACHED

    timer.first_response_at = clock.advance(30)  # the agent finally replies at 90 s
    for _ in range(20):  # ticks every 30 s up to 690 s
        clock.advance(30)
        timer.tick()
    assert kinds(timer.emitted) == [
        ("first_response", "sla.warning"),
        ("first_response", "sla.breached"),
        ("first_response", "sla.escalated"),
        ("resolution", "sla.warning"),
        ("resolution", "sla.breached"),
        ("resolution", "sla.escalated"),
    ]
    assert [e.at for e in timer.emitted[3:]] == [at(480), at(600), at(600)]


def test_irregular_ticks_emit_every_event_exactly_once() -> None:
    policy = SlaPolicy("p", first_response_s=60, resolution_s=600, escalate_after_s=120)
    clock = FrozenClock(NOW)
    timer = TimerLoop(policy, clock)
    for step in [0, 0, 7, 50, 1, 3, 200, 0.5, 400, 1000, 5]:
        clock.advance(step)
        timer.tick()
    assert [(e.at - NOW).total_seconds() for e in timer.emitted] == [48, 60, 180, 480, 600, 720]


def test_a_reply_in_time_stops_the_first_response_clock() -> None:
    clock = FrozenClock(NOW)
    timer = TimerLoop(STANDARD, clock)
    timer.first_response_at = clock.advance(30)
    clock.advance(100)
    assert timer.tick() == []
    status = sla_status(STANDARD, NOW, at(30), None, clock())
    assert status.first_response.state is SlaState.MET
    assert status.resolution.state is SlaState.OK
    assert status.worst is SlaState.OK


def test_resolving_without_a_reply_stops_both_clocks() -> None:
    status = sla_status(STANDARD, NOW, None, at(20), at(5000))
    assert status.first_response.state is SlaState.MET
    assert status.resolution.state is SlaState.MET
    assert (
        due_events(
            STANDARD,
            conversation_id="c1",
            started_at=NOW,
            first_response_at=None,
            resolved_at=at(20),
            since=NOW,
            until=at(5000),
        )
        == []
    )


def test_a_late_reply_stays_a_breach_and_the_status_says_how_late() -> None:
    status = sla_status(STANDARD, NOW, at(75), None, at(80))
    assert status.first_response.state is SlaState.BREACHED
    assert status.first_response.remaining_s(at(80)) == -20
    assert status.worst is SlaState.BREACHED


def test_the_timer_knows_when_to_wake_next() -> None:
    assert next_due(STANDARD, NOW, None, None, after=NOW) == at(48)
    assert next_due(STANDARD, NOW, None, None, after=at(48)) == at(60)
    assert next_due(STANDARD, NOW, at(10), None, after=NOW) == at(480)
    assert next_due(STANDARD, NOW, at(10), at(20), after=NOW) is None


def test_a_policy_that_never_escalates_only_warns_and_breaches() -> None:
    quiet = SlaPolicy("quiet", 60, 600, escalate_after_s=None)
    events = due_events(
        quiet,
        conversation_id="c1",
        started_at=NOW,
        first_response_at=None,
        resolved_at=None,
        since=NOW,
        until=at(1000),
    )
    assert SlaEventKind.ESCALATED not in {e.kind for e in events}


def test_the_queue_picks_the_policy_for_the_customers_tier() -> None:
    vip = SlaPolicy("vip", 20, 300, tiers=frozenset({Tier.PROTECTED, Tier.VIP}))
    policies = {"vip": vip, "standard": STANDARD}
    orders = queue("orders", sla_policy_ids=("vip", "standard"))
    assert pick_policy(policies, orders, Tier.VIP) is vip
    assert pick_policy(policies, orders, Tier.STANDARD) is STANDARD
    assert pick_policy(policies, queue("orders"), Tier.VIP) is None
    assert vip.first_response_due(NOW) == at(20)


def test_misconfigured_policies_and_windows_are_refused() -> None:
    with pytest.raises(InvalidInput, match="warn_at"):
        SlaPolicy("p", 60, 600, warn_at=1.0)
    with pytest.raises(InvalidInput, match="positive"):
        SlaPolicy("p", 0, 600)
    with pytest.raises(InvalidInput, match="since <= until"):
        due_events(
            STANDARD,
            conversation_id="c1",
            started_at=NOW,
            first_response_at=None,
            resolved_at=None,
            since=at(10),
            until=at(5),
        )
