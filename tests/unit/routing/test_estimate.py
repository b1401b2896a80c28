"""The estimated wait a customer is shown, from their position and the team serving them."""

from __future__ import annotations

import math

import pytest

from kefu.domain.errors import InvalidInput
from kefu.routing import (
    Presence,
    ServingCapacity,
    average_handling_time,
    estimate_wait_s,
    serving_capacity,
    wait_minutes,
)
from tests.unit.routing.builders import agent, queue


def test_a_customer_is_served_at_once_while_an_agent_has_room() -> None:
    capacity = ServingCapacity(agents=2, free=2, total=6)
    assert estimate_wait_s(1, capacity, 300) == 0
    assert estimate_wait_s(2, capacity, 300) == 0


def test_each_position_past_the_free_slots_adds_a_share_of_the_handling_time() -> None:
    capacity = ServingCapacity(agents=2, free=0, total=6)
    assert estimate_wait_s(1, capacity, 300) == 50  # one of 6 slots frees every 50 s
    assert estimate_wait_s(12, capacity, 300) == 600
    assert wait_minutes(estimate_wait_s(12, capacity, 300)) == 10
    assert wait_minutes(estimate_wait_s(13, capacity, 300)) == 11


def test_with_nobody_online_the_wait_is_unknown() -> None:
    wait = estimate_wait_s(1, ServingCapacity(0, 0, 0), 300)
    assert math.isinf(wait) and wait_minutes(wait) is None


def test_only_online_agents_who_serve_the_queue_count() -> None:
    agents = [
        agent("a", max_concurrent=3, load=1),
        agent("b", max_concurrent=2, load=1.5),  # half a slot free: not a whole one
        agent("away", presence=Presence.AWAY),
        agent("other-skill", skills=["tech"]),
        agent("english", languages=["en"]),
    ]
    capacity = serving_capacity(queue("orders", language="zh"), agents)
    assert capacity == ServingCapacity(agents=2, free=2, total=5)


def test_the_handling_time_is_a_rolling_average_of_recent_conversations() -> None:
    assert average_handling_time([]) == 300
    assert average_handling_time([100, 200, 600]) == 300
    assert average_handling_time([10_000, 100, 200], window=2) == 150
    with pytest.raises(InvalidInput):
        average_handling_time([1], window=0)
    with pytest.raises(InvalidInput):
        estimate_wait_s(0, ServingCapacity(1, 1, 1), 300)
