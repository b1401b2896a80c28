"""Automatic assignment: waiting customers are offered to agents who can take them.

The decision is `kefu.routing` (pure); this module loads the snapshots it decides on and
carries out each assignment in its own transaction. That transaction locks the
conversation and then the agent and checks again — still queued, agent still online and
still with room — so several dispatchers (one per kefu instance) may run at once without
ever giving one conversation to two agents or an agent more than their capacity.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime

from kefu.domain.agent import Agent, Presence
from kefu.domain.conversation import Conversation, Status
from kefu.domain.events import (
    AgentPresenceChanged,
    ConversationHandedOver,
    ConversationReopened,
    ConversationResolved,
    ConversationTransferred,
    DomainEvent,
)
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.routing import AgentState, QueueConfig, WaitingItem, plan_assignments
from kefu.routing import Presence as RoutingPresence
from kefu.routing.estimate import DEFAULT_HANDLING_S, estimate_wait_s, serving_capacity
from kefu.routing.priority import Tier, tier_of
from kefu.routing.queues import default_config, parse_config
from kefu.services.background import cancel
from kefu.services.context import ServiceContext
from kefu.services.ports import UnitOfWork

log = logging.getLogger(__name__)

# Events after which someone may now be assignable.
#: Events after which an assignment may have become possible.
TRIGGERS: tuple[type[DomainEvent], ...] = (
    ConversationHandedOver,
    ConversationTransferred,
    ConversationReopened,
    ConversationResolved,
    AgentPresenceChanged,
)

BACKLOG_PER_SEAT = 20

# Stored on the conversation so that the queue position agrees with routing's order.
TIER_PRIORITY = {Tier.PROTECTED: 90, Tier.VIP: 60, Tier.UPSET: 30, Tier.STANDARD: 0}


def waiting_item(conversation: Conversation, tags: list[str]) -> WaitingItem:
    return WaitingItem(
        conversation_id=conversation.id,
        queue=conversation.queue,
        queued_at=conversation.queued_at or conversation.created_at,
        channel=conversation.channel,
        language=conversation.language,
        tags=frozenset(tags),
        emotion=conversation.emotion or "neutral",
    )


def priority_for(conversation: Conversation, tags: list[str]) -> int:
    return TIER_PRIORITY[tier_of(waiting_item(conversation, tags))]


def agent_state(agent: Agent, assigned: int, last_assigned_at: datetime | None) -> AgentState:
    return AgentState(
        agent_id=agent.id,
        presence=RoutingPresence(agent.presence.value),
        skills=frozenset(agent.skills),
        languages=frozenset(agent.languages),
        max_concurrent=agent.max_concurrent,
        load=assigned,
        last_assigned_at=last_assigned_at,
    )


async def dispatch_once(ctx: ServiceContext, account_id: str = DEFAULT_ACCOUNT_ID) -> int:
    """Plans assignments for everyone waiting and carries them out; returns how many.

    Only agents with a free seat take part, and only the queues they can serve are read:
    when the whole team is busy (the usual state at a peak) a pass costs two small queries.
    """
    async with ctx.uow(read_only=True) as uow:
        free = [
            a
            for a in await team(uow, account_id)
            if a.presence is RoutingPresence.ONLINE and a.load < a.max_concurrent
        ]
        if not free:
            return 0
        catalog = {
            name: parse_config(name, data)
            for name, data in (await uow.queues.list(account_id)).items()
        }
        servable = _servable_queues(free, catalog)
        # The most urgent few per free seat are enough: whoever is further back cannot be
        # reached before those ahead, and the next pass comes with the next event.
        seats = sum(int(a.free_capacity) for a in free)
        waiting = await uow.conversations.list(
            account_id,
            statuses=[Status.QUEUED],
            queues=sorted(servable),
            limit=min(10_000, BACKLOG_PER_SEAT * seats + 100),
            queue_order=True,
        )
        if not waiting:
            return 0
        customers = {
            c.id: c for c in await uow.customers.get_many(list({w.customer_id for w in waiting}))
        }
    items = [
        waiting_item(c, customers[c.customer_id].tags if c.customer_id in customers else [])
        for c in waiting
    ]
    queues = {item.queue: catalog.get(item.queue) or default_config(item.queue) for item in items}
    plan = plan_assignments(items, free, queues, ctx.clock())
    done = 0
    for assignment in plan:
        if await offer(ctx, assignment.conversation_id, assignment.agent_id):
            done += 1
    return done


def _servable_queues(free: list[AgentState], catalog: dict[str, QueueConfig]) -> set[str]:
    """Names of the queues at least one of these agents has the skills for."""
    names = {"general"}
    for agent in free:
        names.update(agent.skills)
        names.update(name for name, queue in catalog.items() if queue.skills <= agent.skills)
    return names


async def offer(ctx: ServiceContext, conversation_id: str, agent_id: str) -> bool:
    """Assigns if it is still right to; False when another instance or a person was faster,
    or the agent went away or filled up in the meantime."""
    async with ctx.uow() as uow:
        conversation = await uow.conversations.get(conversation_id, for_update=True)
        if conversation is None or conversation.status is not Status.QUEUED:
            return False
        agent = await uow.agents.get(agent_id, for_update=True)
        if agent is None or not agent.active or agent.presence is not Presence.ONLINE:
            return False
        load = (await uow.conversations.workload(agent.account_id)).get(agent.id)
        if load is not None and load.assigned >= agent.max_concurrent:
            return False
        conversation.assign(agent.id, now=ctx.clock())
        await uow.conversations.update(conversation)
        uow.record(conversation.take_events())
        await uow.commit()
    return True


@dataclass(eq=False)
class Dispatcher:
    """Runs `dispatch_once` whenever an event may have made an assignment possible, and
    every `interval_s` as a safety net (after a restart, or for events of other instances
    missed while Redis was away). Wake-ups that arrive during a run fold into one more run."""

    ctx: ServiceContext
    interval_s: float = 2.0
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    async def wake(self, event: DomainEvent) -> None:
        """Subscribed to `TRIGGERS`: runs a dispatch soon."""
        self._wake.set()

    async def start(self) -> None:
        self._wake.set()  # whoever waited before a restart is served at once
        self._task = asyncio.create_task(self._run(), name="kefu-dispatcher")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_s)
            self._wake.clear()
            try:
                await dispatch_once(self.ctx)
            except Exception:
                log.exception("dispatching failed; trying again on the next wake-up")


async def team(uow: UnitOfWork, account_id: str) -> list[AgentState]:
    """Every active agent as routing sees them: presence, skills and current load."""
    workload = await uow.conversations.workload(account_id)
    states = []
    for agent in await uow.agents.list(account_id):
        if agent.active:
            load = workload.get(agent.id)
            states.append(
                agent_state(
                    agent, load.assigned if load else 0, load.last_assigned_at if load else None
                )
            )
    return states


def wait_s(position: int, config: QueueConfig, agents: list[AgentState], language: str) -> float:
    """Estimated wait at `position`; infinite when nobody who serves the queue is online."""
    capacity = serving_capacity(config, agents, language)
    return estimate_wait_s(position, capacity, DEFAULT_HANDLING_S)


async def estimated_wait_s(
    uow: UnitOfWork, conversation: Conversation, position: int
) -> float | None:
    """Seconds until an agent is likely free for this customer; None when nobody who
    could serve the queue is online (the customer is told that instead of a number).
    Reads through the caller's unit of work: a status read is one transaction."""
    agents = await team(uow, conversation.account_id)
    stored = await uow.queues.get(conversation.account_id, conversation.queue)
    name = conversation.queue
    config = parse_config(name, stored) if stored is not None else default_config(name)
    wait = wait_s(position, config, agents, conversation.language)
    return None if math.isinf(wait) else wait
