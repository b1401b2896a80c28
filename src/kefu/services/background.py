"""Background tasks: the loops that run beside requests (dispatcher, SLA watch, writer…)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Stops a background task and waits until it has; nothing to do for None."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class Every:
    """Runs `work` at start and then every `interval_s`, beside requests. A failing pass is
    logged (as "<what> failed") and the loop carries on: the next pass tries again."""

    def __init__(
        self, interval_s: float, work: Callable[[], Awaitable[object]], *, name: str, what: str
    ) -> None:
        self.interval_s = interval_s
        self.work = work
        self.name = name
        self.what = what
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.work()
            except Exception:
                log.exception("%s failed; trying again", self.what)
            await asyncio.sleep(self.interval_s)
