"""Background tasks: the loops that run beside requests (dispatcher, SLA watch, writer…)."""

from __future__ import annotations

import asyncio
import contextlib


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Stops a background task and waits until it has; nothing to do for None."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
