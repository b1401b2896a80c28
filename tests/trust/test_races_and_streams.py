"""Races under load and streams that scale: the SLA watcher's clock, the hand-over button
racing a bot turn, and status changes that reach only the customers they move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from kefu import bootstrap
from kefu.bootstrap import Container
from kefu.domain.clock import FrozenClock
from kefu.domain.conversation import Status
from kefu.domain.events import ConversationAssigned, ConversationQueued, DomainEvent
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.routing.line import Moved, WaitingLine
from kefu.routing.sla import SlaPolicy
from kefu.routing.sla_watch import tick
from kefu.services import conversations as conv
from kefu.services.conversations import CustomerInfo
from kefu.web.hub import Hub
from tests.conftest import make_settings

POLICY = SlaPolicy(id="default", first_response_s=100, resolution_s=1000, warn_at=0.8)
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
async def container(sqlite_url: str, clock: FrozenClock) -> AsyncIterator[Container]:
    built = bootstrap.build(make_settings(sqlite_url, auto_assign=False), clock=clock)
    try:
        yield built
    finally:
        await built.stop()


async def test_a_customer_queued_during_an_sla_pass_does_not_abort_it(
    container: Container, clock: FrozenClock
) -> None:
    early = await conv.start_conversation(container.ctx, CustomerInfo())
    await conv.hand_over(container.ctx, early.conversation.id, reason="customer_request")
    clock.advance(90)
    late = await conv.start_conversation(container.ctx, CustomerInfo())
    await conv.hand_over(container.ctx, late.conversation.id, reason="customer_request")
    # The pass read its clock a moment before the second customer was queued.
    clock.now -= timedelta(milliseconds=5)
    announced = await tick(container.ctx, POLICY)
    assert [(e.name, e.conversation_id) for e in announced] == [
        ("sla.warning", early.conversation.id)
    ]


async def test_a_hand_over_that_finds_the_customer_already_queued_does_nothing(
    container: Container,
) -> None:
    started = await conv.start_conversation(container.ctx, CustomerInfo())
    cid = started.conversation.id
    first = await conv.hand_over_from_bot(container.ctx, cid, reason="customer_request")
    assert first.handed_over and first.conversation.status is Status.QUEUED
    again = await conv.hand_over_from_bot(container.ctx, cid, reason="bot_gave_up")
    assert not again.handed_over
    assert again.conversation.handover_reason == "customer_request"  # unchanged
    assert (await conv.hand_over(container.ctx, cid, reason="x")).status is Status.QUEUED


def _queued(cid: str, at: datetime, priority: int = 0) -> ConversationQueued:
    return ConversationQueued(
        occurred_at=at, conversation_id=cid, status="queued", queue="general", priority=priority
    )


def test_the_waiting_line_reports_only_those_behind_a_change() -> None:
    line = WaitingLine()
    for n in range(5):
        line.join(f"c{n}", account_id="a", queue="general", priority=0, queued_at=T0 + timedelta(n))
    assert line.leave("c2") == [Moved("c3", 3), Moved("c4", 4)]
    vip = line.join(
        "vip", account_id="a", queue="general", priority=60, queued_at=T0 + timedelta(9)
    )
    assert vip == [Moved(c, p) for c, p in (("c0", 2), ("c1", 3), ("c3", 4), ("c4", 5))]
    assert line.position("vip") == 1


async def test_a_queue_move_reaches_only_the_customers_it_moves(sqlite_url: str) -> None:
    """300 customers wait; the one at place 299 is served. Only the one behind it hears about
    it, with its new place computed once by the hub, not read per customer."""
    hub = Hub()
    container = bootstrap.build(make_settings(sqlite_url))
    try:
        await hub.positions.ensure(container.ctx, DEFAULT_ACCOUNT_ID)
    finally:
        await container.stop()
    subscriptions = {}
    for n in range(300):
        cid = f"c{n:03}"
        subscriptions[cid] = hub.watch_conversation(cid)
        await hub.on_event(_queued(cid, T0 + timedelta(seconds=n)))
    for subscription in subscriptions.values():
        while not subscription.queue.empty():
            subscription.queue.get_nowait()
    served: DomainEvent = ConversationAssigned(
        occurred_at=T0 + timedelta(hours=1),
        conversation_id="c298",
        status="assigned",
        agent_id="lina",
        previous_agent_id=None,
        queue="general",
    )
    await hub.on_event(served)
    told = {cid: s.queue.qsize() for cid, s in subscriptions.items() if s.queue.qsize()}
    assert told == {"c298": 1, "c299": 1}
    assert subscriptions["c299"].queue.get_nowait() == Moved("c299", 299)
