"""Quality's reactions to domain events, run off the message path.

`handle(event)` only puts work on an in-process queue; one worker task scores closed
conversations, so neither the group-commit writer nor a customer's message waits for QA.
A conversation closed just before a crash is picked up at start-up (`catch_up`): scoring is
keyed on the conversation, so doing it twice replaces the first result.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from kefu.domain.events import ConversationAbandoned, ConversationResolved, DomainEvent
from kefu.quality.actions import QualityActions
from kefu.services.background import cancel

log = logging.getLogger(__name__)

#: The name and payload trust's erasure event will have (`account_id`, `customer_id`).
CUSTOMER_ERASED = "customer.erased"
#: The events quality reacts to; others never reach its handler.
EVENT_NAMES = frozenset(
    {ConversationResolved.name, ConversationAbandoned.name, "assist.used", CUSTOMER_ERASED}
)


def wants(event: DomainEvent) -> bool:
    return event.name in EVENT_NAMES


CATCH_UP_WINDOW = timedelta(days=2)
Job = Callable[[], Awaitable[object]]


@dataclass
class QualityHandlers:
    actions: QualityActions
    max_queue: int = 10_000
    _queue: asyncio.Queue[Job] = field(default_factory=asyncio.Queue)
    _task: asyncio.Task[None] | None = None

    async def handle(self, event: DomainEvent) -> None:
        if isinstance(event, ConversationResolved | ConversationAbandoned):
            cid = event.conversation_id
            self._put(lambda: self.actions.on_closed(cid))
        elif event.name == "assist.used":
            cid = str(getattr(event, "conversation_id", ""))
            self._put(lambda: self.actions.mark_assisted(cid))
        elif event.name == CUSTOMER_ERASED:
            account = str(getattr(event, "account_id", ""))
            customer = str(getattr(event, "customer_id", ""))
            # Cancelling is cheap and must not wait behind a backlog of scoring.
            await self.actions.forget_customer(account, customer)

    def _put(self, job: Job) -> None:
        if self._queue.qsize() >= self.max_queue:
            log.warning("quality queue full: a job is dropped (catch-up rescans at start-up)")
            return
        self._queue.put_nowait(job)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="kefu-quality-worker")

    async def catch_up(self) -> int:
        """Closed conversations of the last two days that were never scored."""
        since = self.actions.ctx.clock() - CATCH_UP_WINDOW
        ids = await self.actions.transcripts.unscored(since, 1000)
        for cid in ids:
            self._put(functools.partial(self.actions.on_closed, cid))
        return len(ids)

    async def drain(self) -> None:
        """Waits until every queued job has run (tests, and a clean stop)."""
        await self._queue.join()

    async def stop(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), timeout=5.0)
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await job()
            except Exception:
                log.exception("a quality job failed")
            finally:
                self._queue.task_done()
