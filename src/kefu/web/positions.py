"""Queue positions for the customers' streams, from memory instead of the database.

The waiting line of an account is read from the database once, when the first waiting
customer of that account opens a stream; from then on the events keep it. Events that
arrive while that first read runs are replayed on top of it, in order, so the line
converges. Estimated waits need the team's load and the queue's settings: those are read
once per queue and second, shared by every waiting customer of the queue.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

from kefu.domain.conversation import Status
from kefu.domain.events import ConversationCreated, ConversationEvent, ConversationQueued
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.routing import AgentState, QueueConfig
from kefu.routing.dispatch import team, wait_s
from kefu.routing.line import Moved, WaitingLine
from kefu.routing.queues import default_config, parse_config
from kefu.services.context import ServiceContext

ESTIMATE_TTL_S = 1.0
_CLOSED = frozenset({Status.RESOLVED.value, Status.ABANDONED.value})


@dataclass(frozen=True, slots=True)
class _Estimate:
    read_at: float
    config: QueueConfig
    agents: list[AgentState]


class QueuePositions:
    def __init__(self) -> None:
        self.line = WaitingLine()
        self._seeded: set[str] = set()
        self._seeding: dict[str, list[ConversationEvent]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._estimates: dict[tuple[str, str], _Estimate] = {}
        self._accounts: dict[str, str] = {}

    async def ensure(self, ctx: ServiceContext, account_id: str) -> None:
        """Reads the account's waiting line once; later calls return at once."""
        if account_id in self._seeded:
            return
        lock = self._locks.setdefault(account_id, asyncio.Lock())
        async with lock:
            if account_id in self._seeded:
                return
            self._seeding[account_id] = []
            try:
                async with ctx.uow(read_only=True) as uow:
                    waiting = await uow.conversations.list(
                        account_id, statuses=[Status.QUEUED], limit=1_000_000
                    )
                for c in waiting:
                    self._accounts[c.id] = account_id
                    self.line.join(
                        c.id,
                        account_id=account_id,
                        queue=c.queue,
                        priority=c.priority,
                        queued_at=c.queued_at or c.created_at,
                    )
                for event in self._seeding[account_id]:
                    self._apply(event, account_id)
                self._seeded.add(account_id)
            finally:
                self._seeding.pop(account_id, None)

    def on_event(self, event: ConversationEvent) -> list[Moved]:
        """Keeps the line; returns the waiting customers (not the event's own) who moved."""
        if isinstance(event, ConversationCreated):
            self._accounts[event.conversation_id] = event.account_id
            return []
        account_id = self._account_of(event.conversation_id)
        pending = self._seeding.get(account_id)
        if pending is not None:
            pending.append(event)
        if account_id not in self._seeded:
            return []
        moved = self._apply(event, account_id)
        if str(event.status) in _CLOSED:
            self._accounts.pop(event.conversation_id, None)
        return [m for m in moved if m.conversation_id != event.conversation_id]

    def _account_of(self, conversation_id: str) -> str:
        key = self.line.queue_of(conversation_id)
        if key is not None:
            return key[0]
        # Conversations started before this instance did belong to the default account unless
        # seen otherwise: the public API starts every conversation there.
        return self._accounts.get(conversation_id, DEFAULT_ACCOUNT_ID)

    def forget(self, conversation_id: str) -> None:
        self._accounts.pop(conversation_id, None)

    def _apply(self, event: ConversationEvent, account_id: str) -> list[Moved]:
        if isinstance(event, ConversationQueued):
            return self.line.join(
                event.conversation_id,
                account_id=account_id,
                queue=event.queue,
                priority=event.priority,
                queued_at=event.occurred_at,
            )
        if str(event.status) != Status.QUEUED.value:
            return self.line.leave(event.conversation_id)
        return []

    async def estimated_wait_s(
        self, ctx: ServiceContext, account_id: str, queue: str, language: str, position: int
    ) -> float | None:
        key = (account_id, queue)
        found = self._estimates.get(key)
        if found is None or time.monotonic() - found.read_at > ESTIMATE_TTL_S:
            # One move reaches every waiting customer's stream at once: one of them reads,
            # the others wait for its answer instead of each taking a connection.
            async with self._locks.setdefault(f"estimate {account_id} {queue}", asyncio.Lock()):
                found = self._estimates.get(key)
                if found is None or time.monotonic() - found.read_at > ESTIMATE_TTL_S:
                    async with ctx.uow(read_only=True) as uow:
                        agents = await team(uow, account_id)
                        stored = await uow.queues.get(account_id, queue)
                    config = (
                        parse_config(queue, stored) if stored is not None else default_config(queue)
                    )
                    found = _Estimate(time.monotonic(), config, agents)
                    self._estimates[key] = found
        wait = wait_s(position, found.config, found.agents, language)
        return None if math.isinf(wait) else wait
