"""The NPS survey scheduler: a table of due jobs that every instance polls.

A job is claimed by exactly one instance (`NpsStore.claim_due`: a conditional UPDATE, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL), sent through the notifier, then marked sent. The
table is the schedule, so a restart loses nothing; a claim whose instance died before
sending goes stale after `nps.STALE_CLAIM` and is taken again (the demo notifier's message
is idempotent per job, so a retried send never shows twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from kefu.domain.clock import Clock
from kefu.domain.ids import new_id
from kefu.quality import nps
from kefu.quality.ports import NpsStore, SurveyNotifier
from kefu.services.background import cancel

log = logging.getLogger(__name__)


def survey_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/survey/{token}"


@dataclass
class NpsScheduler:
    store: NpsStore
    notifier: SurveyNotifier
    clock: Clock
    public_url: str = ""
    interval_s: float = 5.0
    batch: int = 50
    instance: str = field(default_factory=lambda: new_id()[:12])
    _task: asyncio.Task[None] | None = None

    async def tick(self) -> int:
        """Sends every survey due now that no other instance holds; returns how many."""
        now = self.clock()
        jobs = await self.store.claim_due(now, self.instance, self.batch, now - nps.STALE_CLAIM)
        sent = 0
        for job in jobs:
            try:
                await self.notifier.send(job, survey_link(self.public_url, job.token))
            except Exception as exc:  # the channel is down: the next tick tries again
                log.warning("nps survey %s not sent: %s", job.id, exc)
                await self.store.release(job.id, str(exc)[:200])
                continue
            await self.store.mark_sent(job.id, self.clock())
            sent += 1
        return sent

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="kefu-nps-scheduler")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                await self.tick()
            await asyncio.sleep(self.interval_s)
