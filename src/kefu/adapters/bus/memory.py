"""In-process event bus: the embedded default and the fake for tests.

Committed events are delivered to the realtime lane of the handler table by one delivery
task, in commit order, so that nobody who publishes — above all the group-commit message
writer — runs a subscriber itself. Queued handlers get durable jobs from the unit of work
(`kefu.services.jobs`); a bus without a job runner (unit tests) runs them after the realtime
lane instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from kefu.domain.events import DomainEvent
from kefu.services.background import cancel
from kefu.services.handlers import EventHandler, HandlerTable, Lane
from kefu.services.jobs import JobRunner

log = logging.getLogger(__name__)
_Delivery = tuple[Sequence[DomainEvent], bool, "asyncio.Future[None] | None"]


class InMemoryBus:
    def __init__(self, handlers: HandlerTable | None = None) -> None:
        self.handlers = handlers if handlers is not None else HandlerTable()
        self.jobs: JobRunner | None = None
        self.published: list[DomainEvent] = []
        self.keep_history = False
        self._queue: asyncio.Queue[_Delivery] | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    def subscribe(self, handler: EventHandler) -> None:
        """A realtime handler of every event (tests listening in): see `HandlerTable.on`."""
        self.handlers.subscribe(handler)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        """Events committed outside a unit of work: their jobs are stored, then the realtime
        lane hears them."""
        if self.jobs is not None and events:
            await self.jobs.submit(events)
        await self.deliver(events)

    async def deliver(self, events: Sequence[DomainEvent], *, wait: bool = True) -> None:
        """Hands committed events to the realtime lane; `wait=False` returns at once (the
        message writer), otherwise when every realtime handler has heard them."""
        if not events:
            return
        if self.keep_history:
            self.published.extend(events)
        future = asyncio.get_running_loop().create_future() if wait else None
        self._enqueue((events, False, future))
        if future is not None:
            await future

    async def dispatch(self, event: DomainEvent) -> None:
        """Delivers an event another instance committed (no jobs: that instance stored them)."""
        self._enqueue(([event], True, None))

    async def settle(self) -> None:
        """Waits until the realtime lane has delivered everything handed to it."""
        await self._idle.wait()

    def _enqueue(self, delivery: _Delivery) -> None:
        if self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._run(), name="kefu-realtime-lane")
        assert self._queue is not None
        self._idle.clear()
        self._queue.put_nowait(delivery)

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            events, remote, future = await queue.get()
            try:
                for event in events:
                    await self._deliver(event, "realtime", remote=remote)
                    if self.jobs is None and not remote:
                        await self._deliver(event, "queued", remote=False)
                if not remote:
                    await self._forward(events)
            except Exception:
                log.exception("forwarding %d events to other instances failed", len(events))
            finally:
                if future is not None and not future.done():
                    future.set_result(None)
                if queue.empty():
                    self._idle.set()

    async def _deliver(self, event: DomainEvent, lane: Lane, *, remote: bool) -> None:
        # One failing subscriber must not keep the event from the others.
        for subscription in self.handlers.matching(event, lane, remote=remote):
            try:
                await subscription.handler(event)
            except Exception:
                log.exception(
                    "event handler failed",
                    extra={"event": event.name, "handler": subscription.name},
                )

    async def _forward(self, events: Sequence[DomainEvent]) -> None:
        """Sends events to other instances (nothing to do in one process)."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None
