"""Bursts against a baseline, and alerts with hysteresis."""

from __future__ import annotations

import random

from kefu.ops.alerts import AlertEngine, AlertRule
from kefu.ops.bursts import BurstConfig, BurstDetector

T0 = 1_795_000_000.0  # a fixed instant; only differences matter


def steady(
    detector: BurstDetector,
    key: str,
    per_min: float,
    minutes: int,
    rng: random.Random,
    start: float = T0,
) -> list[str]:
    """Poisson arrivals at `per_min`; returns the keys a burst was raised for."""
    raised = []
    at = start
    end = start + minutes * 60
    while True:
        at += rng.expovariate(per_min / 60)
        if at >= end:
            return raised
        signal = detector.observe(key, at)
        if signal is not None:
            raised.append(signal.key)


def test_a_steady_stream_raises_no_burst() -> None:
    detector = BurstDetector()
    rng = random.Random(7)
    raised = []
    for key, rate in (("intent:order_status", 6.0), ("intent:refund", 2.0), ("intent:coupon", 0.3)):
        raised += steady(detector, key, rate, 8 * 60, rng)
    assert raised == []


def test_a_release_that_breaks_payments_raises_one_burst_then_clears() -> None:
    detector = BurstDetector()
    rng = random.Random(1)
    assert steady(detector, "intent:payment_failed", 1.0, 60, rng) == []
    release = T0 + 3600
    # Twelve a minute instead of one: the new app version cannot pay.
    raised = steady(detector, "intent:payment_failed", 12.0, 10, rng, start=release)
    assert raised == ["intent:payment_failed"]
    assert detector.active() == ["intent:payment_failed"]
    # The baseline did not learn the burst, and a fix brings the rate back down.
    assert detector.baseline("intent:payment_failed", release + 600) < 2
    cleared = detector.sweep(release + 600 + 300)
    assert [(c.key, c.raised) for c in cleared] == [("intent:payment_failed", False)]
    assert detector.active() == []


def test_nothing_is_raised_during_warm_up_or_below_the_minimum_volume() -> None:
    detector = BurstDetector(BurstConfig(min_count=10, warmup_s=600))
    at = T0
    for _ in range(30):  # thirty at once, but the detector has just started
        at += 1
        assert detector.observe("intent:refund", at) is None
    at = T0 + 3600
    for _ in range(9):  # a new topic, too few messages to matter
        at += 5
        assert detector.observe("intent:invoice", at) is None
    assert detector.observe("intent:invoice", at + 5) is not None


def test_fastest_rising_ranks_by_ratio_to_baseline() -> None:
    detector = BurstDetector()
    rng = random.Random(3)
    steady(detector, "intent:order_status", 6.0, 60, rng)
    steady(detector, "intent:coupon", 1.0, 60, rng)
    steady(detector, "intent:coupon", 4.0, 5, rng, start=T0 + 3600)
    steady(detector, "intent:order_status", 6.0, 5, rng, start=T0 + 3600)
    rising = detector.rising(T0 + 3600 + 300)
    assert rising[0]["key"] == "intent:coupon"
    assert float(rising[0]["ratio"]) > 2


def test_alerts_raise_at_one_threshold_and_clear_at_another() -> None:
    rule = AlertRule("queue_length", "now.waiting", raise_at=10, clear_at=5)
    engine = AlertEngine((rule,))

    def board(waiting: int) -> dict[str, object]:
        return {"now": {"waiting": waiting}}

    assert engine.evaluate(board(9)) == []
    [raised] = engine.evaluate(board(10))
    assert (raised.raised, raised.value) == (True, 10.0)
    assert engine.evaluate(board(7)) == []  # between the lines: still raised, no flapping
    assert [a["id"] for a in engine.shown()] == ["queue_length"]
    [cleared] = engine.evaluate(board(5))
    assert (cleared.raised, cleared.value) == (False, 5.0)
    assert engine.shown() == []


def test_a_below_rule_warns_when_too_few_agents_are_online() -> None:
    rule = AlertRule("agents", "now.agents.online", raise_at=1, clear_at=2, direction="below")
    engine = AlertEngine((rule,))
    assert [c.raised for c in engine.evaluate({"now": {"agents": {"online": 1}}})] == [True]
    assert engine.evaluate({"now": {"agents": {"online": 1}}}) == []
    assert [c.raised for c in engine.evaluate({"now": {"agents": {"online": 2}}})] == [False]


def test_missing_indicators_never_raise() -> None:
    engine = AlertEngine((AlertRule("csat", "windows.5m.csat", 2, 3, direction="below"),))
    assert engine.evaluate({"windows": {"5m": {"csat": None}}}) == []
