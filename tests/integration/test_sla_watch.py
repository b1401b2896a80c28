"""SLA warnings, breaches and escalations fire once, at their moment (clock moved by hand)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kefu import bootstrap
from kefu.bootstrap import Container
from kefu.domain.agent import Agent, Role
from kefu.domain.clock import FrozenClock
from kefu.routing.sla import SlaPolicy
from kefu.routing.sla_watch import tick
from kefu.services import agents as agent_service
from kefu.services import conversations as conv
from kefu.services import handling
from kefu.services.agents import NewAgent
from kefu.services.conversations import CustomerInfo
from tests.conftest import make_settings
from tests.factories import PASSWORD

POLICY = SlaPolicy(id="default", first_response_s=100, resolution_s=1000, warn_at=0.8)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def container(database_url: str, clock: FrozenClock) -> AsyncIterator[Container]:
    built = bootstrap.build(make_settings(database_url, auto_assign=False), clock=clock)
    try:
        yield built
    finally:
        await built.stop()


async def waiting(c: Container) -> str:
    started = await conv.start_conversation(c.ctx, CustomerInfo())
    await conv.hand_over(c.ctx, started.conversation.id, reason="customer_request")
    return started.conversation.id


def names(events: list[object]) -> list[tuple[str, str]]:
    return [(e.name, e.target) for e in events]  # type: ignore[attr-defined]


async def test_an_unanswered_customer_triggers_a_warning_then_a_breach_and_an_escalation(
    container: Container, clock: FrozenClock
) -> None:
    await waiting(container)
    clock.advance(79)
    assert await tick(container.ctx, POLICY) == []
    clock.advance(1)  # 80 % of the first-response target
    assert names(await tick(container.ctx, POLICY)) == [("sla.warning", "first_response")]
    assert await tick(container.ctx, POLICY) == []  # announced once
    clock.advance(20)
    assert names(await tick(container.ctx, POLICY)) == [
        ("sla.breached", "first_response"),
        ("sla.escalated", "first_response"),
    ]
    clock.advance(1000)  # a late tick still announces what it missed, once each
    assert names(await tick(container.ctx, POLICY)) == [
        ("sla.warning", "resolution"),
        ("sla.breached", "resolution"),
        ("sla.escalated", "resolution"),
    ]
    assert await tick(container.ctx, POLICY) == []


async def test_a_human_reply_in_time_stops_the_first_response_clock(
    container: Container, clock: FrozenClock
) -> None:
    cid = await waiting(container)
    agent = await agent_service.create_agent(
        container.ctx, NewAgent("quick@example.com", "quick", PASSWORD, Role.AGENT)
    )
    await handling.take(container.ctx, agent, cid)
    clock.advance(50)
    await conv.post_agent_message(container.ctx, agent, cid, "内部备注", None, internal=True)
    clock.advance(10)
    await conv.post_agent_message(container.ctx, agent, cid, "您好，我来处理", None)
    clock.advance(200)
    assert await tick(container.ctx, POLICY) == []  # notes do not count, the reply does


async def test_two_instances_announce_each_deadline_once(
    database_url: str, clock: FrozenClock
) -> None:
    one = bootstrap.build(make_settings(database_url, auto_assign=False), clock=clock)
    two = bootstrap.build(make_settings(database_url, auto_assign=False), clock=clock)
    try:
        await waiting(one)
        clock.advance(85)
        first = await tick(one.ctx, POLICY)
        second = await tick(two.ctx, POLICY)
        assert len(first) + len(second) == 1
    finally:
        await one.stop()
        await two.stop()


async def test_the_agent_handling_it_and_supervisors_hear_of_a_breach(database_url: str) -> None:
    from kefu.domain.events import SlaBreached
    from kefu.web.hub import Hub

    hub = Hub()
    lead = await _make_agent(database_url, "lead@example.com", Role.SUPERVISOR)
    other = await _make_agent(database_url, "other@example.com", Role.AGENT)
    lead_sub = hub.watch_as_agent(lead, set())
    other_sub = hub.watch_as_agent(other, set())
    customer_sub = hub.watch_conversation("c1")
    await hub.on_event(
        SlaBreached(
            occurred_at=FrozenClock().now,
            conversation_id="c1",
            target="first_response",
            policy_id="default",
            scheduled_at=FrozenClock().now,
            queue="general",
            assignee_id=None,
        )
    )
    assert lead_sub.queue.qsize() == 1
    assert other_sub.queue.qsize() == 0
    assert customer_sub.queue.qsize() == 0


async def _make_agent(database_url: str, email: str, role: Role) -> Agent:
    container = bootstrap.build(make_settings(database_url, auto_assign=False))
    try:
        return await agent_service.create_agent(
            container.ctx, NewAgent(email, email, PASSWORD, role)
        )
    finally:
        await container.stop()


async def test_a_queue_with_its_own_targets_is_held_to_them(
    container: Container, clock: FrozenClock
) -> None:
    from kefu.routing.queues import put_config

    sla = {"first_response_s": 30, "resolution_s": 600, "warn_at": 0.5}
    await put_config(container.ctx, "general", {"sla": sla})
    await waiting(container)
    clock.advance(15)
    [warning] = await tick(container.ctx, POLICY)
    assert (warning.name, warning.policy_id) == ("sla.warning", "queue:general")
