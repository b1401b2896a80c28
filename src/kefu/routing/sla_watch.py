"""SLA timers: announce each warning, breach and escalation once, at its moment.

Each tick asks `kefu.routing.sla.due_events` for everything due since the conversation was
queued and claims every event in the SLA ledger before announcing it, so a restart loses
nothing and several instances ticking at once announce each event once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kefu.domain.conversation import Conversation, Status
from kefu.domain.events import SlaBreached, SlaEscalated, SlaEvent, SlaWarning
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.routing.queues import queue_sla_policies
from kefu.routing.sla import SlaEvent as DueEvent
from kefu.routing.sla import SlaEventKind, SlaPolicy, due_events
from kefu.services.background import Every
from kefu.services.context import ServiceContext

_EVENT_CLASS: dict[SlaEventKind, type[SlaEvent]] = {
    SlaEventKind.WARNING: SlaWarning,
    SlaEventKind.BREACHED: SlaBreached,
    SlaEventKind.ESCALATED: SlaEscalated,
}


async def tick(
    ctx: ServiceContext, policy: SlaPolicy, account_id: str = DEFAULT_ACCOUNT_ID
) -> list[SlaEvent]:
    """Announces what has come due; returns the events this call announced."""
    now = ctx.clock()
    announced: list[SlaEvent] = []
    async with ctx.uow() as uow:
        open_ones = await uow.conversations.list(
            account_id, statuses=[Status.QUEUED, Status.ASSIGNED], limit=100_000
        )
        timed = [c for c in open_ones if c.queued_at is not None]
        seen = await uow.sla.announced([c.id for c in timed])
        per_queue = queue_sla_policies(await uow.queues.list(account_id))
        for conversation in timed:
            applies = per_queue.get(conversation.queue, policy)
            for due in _due(applies, conversation, now):
                key = (conversation.id, due.kind.value, due.target.value, due.at)
                if key in seen or not await uow.sla.claim(key, applies.id):
                    continue
                announced.append(
                    _EVENT_CLASS[due.kind](
                        occurred_at=now,
                        conversation_id=conversation.id,
                        target=due.target.value,
                        policy_id=applies.id,
                        scheduled_at=due.at,
                        queue=conversation.queue,
                        assignee_id=conversation.assignee_id,
                    )
                )
        if announced:
            uow.record(announced)
            await uow.commit()
    return announced


def _due(policy: SlaPolicy, conversation: Conversation, now: datetime) -> list[DueEvent]:
    assert conversation.queued_at is not None
    if conversation.queued_at > now:
        # Queued after this pass read the clock: nothing of it can be due yet.
        return []
    return due_events(
        policy,
        conversation_id=conversation.id,
        started_at=conversation.queued_at,
        first_response_at=conversation.first_response_at,
        resolved_at=conversation.resolved_at,
        since=conversation.queued_at,
        until=now,
    )


@dataclass(eq=False)
class SlaWatch:
    ctx: ServiceContext
    policy: SlaPolicy
    interval_s: float = 1.0
    _loop: Every | None = field(default=None)

    async def start(self) -> None:
        self._loop = Every(self.interval_s, self._tick, name="kefu-sla-watch", what="SLA tick")
        await self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()
        self._loop = None

    async def _tick(self) -> None:
        await tick(self.ctx, self.policy)
