"""Waiting customers are offered to agents who can take them — and to nobody else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from fastapi.testclient import TestClient

from kefu import bootstrap
from kefu.bootstrap import Container
from kefu.domain.agent import Presence, Role
from kefu.domain.conversation import Status
from kefu.routing.dispatch import dispatch_once
from kefu.services import agents as agent_service
from kefu.services import conversation_views, handling
from kefu.services import conversations as conv
from kefu.services.agents import NewAgent
from kefu.services.conversations import CustomerInfo
from tests.conftest import POSTGRES_URL, REDIS_URL, make_settings, reset_postgres
from tests.factories import PASSWORD, create_agent, login, start_customer


def build(url: str, **overrides: object) -> Container:
    return bootstrap.build(make_settings(url, auto_assign=False, **overrides))


@pytest.fixture
async def container(database_url: str) -> AsyncIterator[Container]:
    built = build(database_url)
    try:
        yield built
    finally:
        await built.stop()


async def agent(
    c: Container, name: str, *, capacity: int = 2, online: bool = True, skills: tuple[str, ...] = ()
) -> str:
    new = NewAgent(
        f"{name}@example.com", name, PASSWORD, Role.AGENT, list(skills), ["zh", "en"], capacity
    )
    created = await agent_service.create_agent(c.ctx, new)
    if online:
        await agent_service.set_presence(c.ctx, created.id, Presence.ONLINE)
    return created.id


async def waiting_customer(c: Container, *tags: str, queue: str = "general") -> str:
    started = await conv.start_conversation(c.ctx, CustomerInfo(tags=list(tags)))
    await conv.hand_over(c.ctx, started.conversation.id, reason="customer_request", queue=queue)
    return started.conversation.id


async def assignee(c: Container, conversation_id: str) -> str | None:
    found = await conv.get_conversation(c.ctx, conversation_id)
    return found.assignee_id if found.status is Status.ASSIGNED else None


async def test_an_online_agent_with_room_gets_the_waiting_customer(container: Container) -> None:
    lina = await agent(container, "lina")
    waiting = await waiting_customer(container)
    assert await dispatch_once(container.ctx) == 1
    assert await assignee(container, waiting) == lina


async def test_an_agent_at_capacity_gets_no_new_conversation(container: Container) -> None:
    lina = await agent(container, "lina", capacity=1)
    first, second = await waiting_customer(container), await waiting_customer(container)
    await dispatch_once(container.ctx)
    assert await assignee(container, first) == lina
    assert await assignee(container, second) is None
    # When she resolves the first, the second is hers.
    lina_agent = await agent_service.get_agent(container.ctx, lina)
    await handling.resolve(container.ctx, first, by=lina_agent)
    await dispatch_once(container.ctx)
    assert await assignee(container, second) == lina


async def test_an_offline_or_away_agent_never_gets_one(container: Container) -> None:
    await agent(container, "sleepy", online=False)
    away = await agent(container, "away")
    await agent_service.set_presence(container.ctx, away, Presence.AWAY)
    waiting = await waiting_customer(container)
    assert await dispatch_once(container.ctx) == 0
    assert await assignee(container, waiting) is None


async def test_an_agent_without_the_skill_is_not_offered_the_queue(container: Container) -> None:
    await agent(container, "general-only")
    payments = await agent(container, "payments", skills=("payments",))
    waiting = await waiting_customer(container, queue="payments")
    await dispatch_once(container.ctx)
    assert await assignee(container, waiting) == payments


async def test_an_elderly_customer_is_served_before_those_who_came_earlier(
    container: Container,
) -> None:
    lina = await agent(container, "lina", capacity=1)
    calm = await waiting_customer(container)
    elderly = await waiting_customer(container, "elderly")
    status = await conv.get_conversation(container.ctx, elderly)
    assert await conversation_views.queue_position(container.ctx, status) == 1
    await dispatch_once(container.ctx)
    assert await assignee(container, elderly) == lina
    assert await assignee(container, calm) is None


async def test_after_a_restart_nobody_waiting_is_lost_or_assigned_twice(database_url: str) -> None:
    before = build(database_url)
    try:
        ids = [await waiting_customer(before) for _ in range(6)]
        agents = [await agent(before, f"a{n}", capacity=2, online=False) for n in range(3)]
    finally:
        await before.stop()
    after = build(database_url)
    try:
        for agent_id in agents:
            await agent_service.set_presence(after.ctx, agent_id, Presence.ONLINE)
        assert await dispatch_once(after.ctx) == 6
        assert await dispatch_once(after.ctx) == 0
        owners = [await assignee(after, cid) for cid in ids]
        assert all(owners)
        assert sorted(owners.count(a) for a in agents) == [2, 2, 2]
    finally:
        await after.stop()


@pytest.mark.postgres
@pytest.mark.redis
async def test_two_instances_dispatching_at_once_never_double_assign() -> None:
    reset_postgres()
    from kefu.adapters.db import migrate

    migrate.upgrade(POSTGRES_URL)
    one, two = build(POSTGRES_URL, redis_url=REDIS_URL), build(POSTGRES_URL, redis_url=REDIS_URL)
    one.bus.keep_history = two.bus.keep_history = True
    await one.start()
    await two.start()
    try:
        team = [await agent(one, f"agent{n}", capacity=3) for n in range(5)]
        ids = await asyncio.gather(*(waiting_customer(one if n % 2 else two) for n in range(40)))
        await asyncio.gather(*(dispatch_once(c.ctx) for c in (one, two, one, two, one, two)))
        owners = [await assignee(one, cid) for cid in ids]
        assigned = [o for o in owners if o]
        assert len(assigned) == 15  # 5 agents × 3 seats, no more
        assert all(assigned.count(a) == 3 for a in team)
        events = [
            e for c in (one, two) for e in c.bus.published if e.name == "conversation.assigned"
        ]
        # Each instance records only its own commits: 15 assignments, none twice.
        assert len(events) == 15
        assert len({e.conversation_id for e in events}) == 15  # type: ignore[attr-defined]
    finally:
        await one.stop()
        await two.stop()


def test_the_customer_sees_an_agent_join_without_anyone_clicking(database_url: str) -> None:
    from kefu.web.app import create_app

    create_agent(database_url, "emma@example.com")
    app = create_app(make_settings(database_url, dispatch_interval_s=0.2))
    with TestClient(app) as client:
        emma = login(client, "emma@example.com")
        assert emma.call("PUT", "/me/presence", json={"presence": "online"}).status_code == 200
        customer = start_customer(client)
        customer.ask_for_human()
        deadline = time.monotonic() + 10
        while customer.status()["status"] != "assigned" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert customer.status()["status"] == "assigned"
        assert customer.status()["estimated_wait_s"] is None  # no longer waiting
        mine = emma.call("GET", "/conversations", params={"scope": "mine"}).json()
        assert [c["id"] for c in mine["conversations"]] == [customer.conversation_id]


async def test_a_waiting_customer_is_told_roughly_how_long(container: Container) -> None:
    first = await waiting_customer(container)
    second = await waiting_customer(container)
    # Nobody is online: no made-up number.
    view = await conversation_views.customer_view(container.ctx, second)
    assert (view.queue_position, view.estimated_wait_s) == (2, None)
    await agent(container, "solo", capacity=1)
    await dispatch_once(container.ctx)
    assert await assignee(container, first) is not None
    # One seat, taken; the next customer waits about one handling time (5 minutes).
    view = await conversation_views.customer_view(container.ctx, second)
    assert view.queue_position == 1
    assert view.estimated_wait_s == pytest.approx(300)


async def test_an_angry_customer_moves_ahead_of_calm_ones(container: Container) -> None:
    lina = await agent(container, "lina", capacity=1)
    calm = await waiting_customer(container)
    started = await conv.start_conversation(container.ctx, CustomerInfo())
    angry = started.conversation.id
    await conv.hand_over(container.ctx, angry, reason="negative_emotion", emotion="anger")
    assert (
        await conversation_views.queue_position(
            container.ctx, await conv.get_conversation(container.ctx, angry)
        )
        == 1
    )
    await dispatch_once(container.ctx)
    assert await assignee(container, angry) == lina
    assert await assignee(container, calm) is None
