"""The outcome analysis recovers the effects the demo generator planted, within its
intervals, and refuses outcome files it cannot read."""

from __future__ import annotations

import random

import pytest

from kefu.domain.errors import InvalidInput
from kefu.quality import demo, outcomes


@pytest.fixture(scope="module")
def analysis() -> dict[str, object]:
    records, rows = demo.generate(4000, seed=7)
    parsed = outcomes.parse_csv(demo.outcomes_csv(rows))  # through the CSV path users take
    return outcomes.analyse(records, parsed)


def test_the_planted_renewal_effect_of_faster_first_response_is_recovered(
    analysis: dict[str, object],
) -> None:
    effects = analysis["effects"]
    assert isinstance(effects, dict)
    effect = effects["renewal_per_10s_faster_first_response"]
    low, high = effect["ci95"]
    assert low <= demo.RENEWAL_PER_10S <= high
    assert low > 0  # the interval says faster answers help, as planted
    assert effect["unit"] == "percentage points"


def test_the_planted_order_value_effect_of_faster_resolution_is_recovered(
    analysis: dict[str, object],
) -> None:
    effects = analysis["effects"]
    assert isinstance(effects, dict)
    low, high = effects["order_value_per_minute_faster_resolution"]["ci95"]
    assert low <= demo.VALUE_PER_MINUTE <= high


def test_renewal_rates_fall_from_the_fastest_to_the_slowest_first_responses(
    analysis: dict[str, object],
) -> None:
    by = analysis["renewal_rate_by"]
    assert isinstance(by, dict)
    buckets = by["first_response"]
    fastest, slowest = buckets[0], buckets[-1]
    assert (fastest["group"], slowest["group"]) == ("<15s", ">2min")
    assert fastest["rate"] > slowest["rate"]
    for row in buckets:
        assert row["ci95"][0] <= row["rate"] <= row["ci95"][1]
    assert {r["group"] for r in by["tier"]} == {"bot", "bot_human", "human"}


def test_without_a_planted_effect_the_interval_covers_zero() -> None:
    records, rows = demo.generate(3000, seed=11)
    coin = random.Random(3)  # renewals that ignore the service entirely
    flat = [
        dataclass_replace(o, value=float(coin.random() < 0.6)) if o.kind == "renewal" else o
        for o in rows
    ]
    effect = outcomes.analyse(records, flat)["effects"]
    assert isinstance(effect, dict)
    low, high = effect["renewal_per_10s_faster_first_response"]["ci95"]
    assert low < 0 < high


def dataclass_replace(outcome: outcomes.Outcome, *, value: float) -> outcomes.Outcome:
    return outcomes.Outcome(outcome.customer_external_id, outcome.day, outcome.kind, value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("customer,date,kind,value\n", "columns"),
        ("customer_external_id,date,kind,value\nstu-1,2026-13-01,renewal,1\n", "row 2"),
        ("customer_external_id,date,kind,value\nstu-1,2026-12-01,vibes,1\n", "kind must be"),
        ("customer_external_id,date,kind,value\nstu-1,2026-12-01,refund,nan\n", "finite"),
    ],
)
def test_an_unreadable_outcome_file_is_refused_with_the_row_to_fix(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        outcomes.parse_csv(text)
