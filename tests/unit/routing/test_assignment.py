"""Who gets the next conversation, as the agents and the waiting customers experience it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.domain.errors import InvalidInput
from kefu.routing import (
    AgentIndex,
    Presence,
    Strategy,
    choose_agent,
    plan_assignments,
)
from tests.unit.routing.builders import NOW, agent, customer, queue

ORDERS = queue("orders")


def test_an_agent_at_capacity_gets_no_new_conversation() -> None:
    full = agent("full", max_concurrent=3, load=3)
    assert choose_agent(customer("c1"), [full], ORDERS, NOW) is None
    assert choose_agent(customer("c1"), AgentIndex([full]), ORDERS, NOW) is None


def test_an_offline_agent_never_gets_one() -> None:
    for presence in (Presence.OFFLINE, Presence.AWAY, Presence.ON_BREAK):
        idle = agent("idle-but-not-online", presence=presence, load=0)
        assert choose_agent(customer("c1"), [idle], ORDERS, NOW) is None
        assert choose_agent(customer("c1"), AgentIndex([idle]), ORDERS, NOW) is None


def test_an_agent_without_the_skill_or_the_language_is_passed_over() -> None:
    agents = [
        agent("billing-only", skills=["billing"]),
        agent("english-only", languages=["en"]),
        agent("right-one", load=2),
    ]
    chosen = choose_agent(customer("c1", language="zh"), agents, ORDERS, NOW)
    assert chosen is not None and chosen.agent_id == "right-one"


def test_the_least_loaded_agent_is_offered_the_conversation() -> None:
    agents = [agent("busy", load=2), agent("calm", load=1), agent("busier", load=2.5)]
    chosen = choose_agent(customer("c1"), AgentIndex(agents), ORDERS, NOW)
    assert chosen is not None and chosen.agent_id == "calm"


def test_least_loaded_compares_load_against_each_agents_capacity() -> None:
    agents = [agent("small", max_concurrent=2, load=1), agent("large", max_concurrent=6, load=2)]
    chosen = choose_agent(customer("c1"), agents, ORDERS, NOW)
    assert chosen is not None and chosen.agent_id == "large"  # 2/6 is lighter than 1/2


def test_a_longest_idle_queue_offers_it_to_whoever_waited_longest_for_work() -> None:
    idle_queue = queue("orders", strategy=Strategy.LONGEST_IDLE)
    agents = [agent("just-assigned", idle_minutes=1), agent("idle", idle_minutes=30, load=2)]
    chosen = choose_agent(customer("c1"), AgentIndex(agents), idle_queue, NOW)
    assert chosen is not None and chosen.agent_id == "idle"


def test_a_heavy_channel_goes_to_an_agent_with_room_for_its_weight() -> None:
    agents = [
        agent("half-full", max_concurrent=4, load=1, channel_weights={"phone": 4}),
        agent("has-room", max_concurrent=4, load=2, channel_weights={"phone": 2}),
    ]
    call = customer("c1", channel="phone")
    for pool in (agents, AgentIndex(agents)):
        chosen = choose_agent(call, pool, ORDERS, NOW)
        assert chosen is not None and chosen.agent_id == "has-room"


def test_a_queue_that_does_not_take_a_channel_assigns_nobody() -> None:
    web_only = queue("orders", channels=frozenset({"web_widget"}))
    assert choose_agent(customer("c1", channel="phone"), [agent("a")], web_only, NOW) is None


def test_the_plan_fills_agents_up_to_capacity_and_leaves_the_rest_waiting() -> None:
    agents = [agent("a", max_concurrent=2), agent("b", max_concurrent=1, load=0)]
    waiting = [customer(f"c{i}", waited_minutes=10 - i) for i in range(5)]
    plan = plan_assignments(waiting, agents, {"orders": ORDERS}, NOW)
    assert [a.conversation_id for a in plan] == ["c0", "c1", "c2"]  # longest waiting first
    assert sorted(a.agent_id for a in plan) == ["a", "a", "b"]


def test_the_plan_serves_the_angry_customer_before_calm_ones_who_waited_longer() -> None:
    waiting = [
        customer("calm-1", waited_minutes=20),
        customer("angry", waited_minutes=1, emotion="anger"),
        customer("calm-2", waited_minutes=15),
    ]
    plan = plan_assignments(waiting, [agent("only", max_concurrent=1)], {"orders": ORDERS}, NOW)
    assert [a.conversation_id for a in plan] == ["angry"]


def test_a_conversation_for_an_unknown_queue_stays_waiting() -> None:
    plan = plan_assignments([customer("c1", queue="gone")], [agent("a")], {"orders": ORDERS}, NOW)
    assert plan == []


def test_the_live_index_follows_releases_presence_and_new_agents() -> None:
    index = AgentIndex([agent("a", max_concurrent=1)])
    item = customer("c1")
    index.assign("a", item.channel, NOW)
    assert index.choose(item, ORDERS) is None
    index.release("a", item.channel)
    assert index.choose(item, ORDERS) == index.get("a")
    index.upsert(agent("a", max_concurrent=1, presence=Presence.ON_BREAK))
    assert index.choose(item, ORDERS) is None
    index.upsert(agent("b"))
    chosen = index.choose(item, ORDERS)
    assert chosen is not None and chosen.agent_id == "b"
    index.remove("b")
    assert index.choose(item, ORDERS) is None


def test_the_index_refuses_to_overfill_an_agent() -> None:
    index = AgentIndex([agent("a", max_concurrent=1, load=1)])
    with pytest.raises(InvalidInput, match="cannot take"):
        index.assign("a", "web_widget", NOW)


def test_an_assignment_stamped_earlier_than_the_last_one_still_ranks_the_agent_correctly() -> None:
    # clocks of two instances may disagree: an assignment can carry an older timestamp
    idle_queue = queue("orders", strategy=Strategy.LONGEST_IDLE)
    index = AgentIndex([agent("a", idle_minutes=5), agent("b", idle_minutes=10)])
    item = customer("c1")
    assert index.choose(item, idle_queue) == index.get("b")
    index.assign("a", item.channel, NOW - timedelta(minutes=60))
    assert index.choose(item, idle_queue) == index.get("a")
    assert choose_agent(item, list(index), idle_queue, NOW) == index.get("a")
