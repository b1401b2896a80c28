"""The queued lane's workers: durable jobs, run once across every instance.

A unit of work that commits an event with queued handlers stores one job per handler in the
same transaction, already claimed by this instance for a lease, and hands the jobs to this
runner after the commit — no extra round trip on the way. Jobs whose lease ran out (their
instance died, or a restart on SQLite) are claimed again by whichever instance polls first:
PostgreSQL with `FOR UPDATE SKIP LOCKED`, SQLite (one process) with an UPDATE under the
write lock. Jobs with the same key (handler and conversation) run one at a time in commit
order; a job runs at least once, and exactly once unless its instance dies while running it.
A failing job is retried with a growing delay, then dropped with an error in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kefu.domain.clock import Clock, system_clock
from kefu.domain.events import DomainEvent
from kefu.services.background import cancel
from kefu.services.handlers import HandlerTable

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
FLUSH_AFTER_S = 0.05


@dataclass(frozen=True, slots=True)
class NewJob:
    handler: str
    key: str
    event: DomainEvent


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    handler: str
    key: str
    event: DomainEvent
    attempts: int = 0


class JobStore(Protocol):
    """Durable storage of jobs (`kefu.adapters.db.jobs.SqlJobStore`, or a fake)."""

    async def add(
        self, jobs: Sequence[NewJob], *, claimed_by: str, until: datetime, now: datetime
    ) -> list[Job]:
        """Stores jobs in a transaction of their own (events committed outside a unit of
        work), claimed by `claimed_by`."""
        ...

    async def claim(
        self, instance: str, handlers: Sequence[str], limit: int, now: datetime, until: datetime
    ) -> list[Job]:
        """Up to `limit` jobs nobody holds (or whose lease ended), oldest of their key only."""
        ...

    async def extend(self, ids: Sequence[int], until: datetime) -> None: ...

    async def finish(self, ids: Sequence[int]) -> None: ...

    async def retry(self, job_id: int, error: str, at: datetime) -> None:
        """Releases the job, to be claimed again from `at`."""
        ...

    async def release(self, ids: Sequence[int] | None) -> None:
        """Gives jobs back (all of them with None: a single-process database at start-up)."""
        ...


class JobRunner:
    def __init__(
        self,
        store: JobStore,
        handlers: HandlerTable,
        *,
        instance_id: str,
        concurrency: int = 8,
        poll_s: float = 1.0,
        lease: timedelta = timedelta(seconds=30),
        single_process: bool = False,
        clock: Clock = system_clock,
    ) -> None:
        # Leases and retry times are infrastructure time, never a test's fake domain clock.
        self.store = store
        self.handlers = handlers
        self.instance_id = instance_id
        self.lease = lease
        self.poll_s = poll_s
        self._single_process = single_process
        self._clock = clock
        self._concurrency = asyncio.Semaphore(concurrency)
        self._capacity = concurrency * 4
        self._pending: dict[str, deque[Job]] = {}
        self._held: set[int] = set()
        self._done: list[int] = []
        self._flush_due = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._poller: asyncio.Task[None] | None = None

    # -- what the unit of work calls --------------------------------------------------------

    def plan(self, events: Iterable[DomainEvent]) -> list[NewJob]:
        return [
            NewJob(s.name, s.job_key(event), event)
            for event in events
            for s in self.handlers.matching(event, "queued")
        ]

    def lease_until(self) -> datetime:
        return self._clock() + self.lease

    def now(self) -> datetime:
        return self._clock()

    def take(self, jobs: Sequence[Job]) -> None:
        """Runs jobs this instance holds (claimed at commit, or by polling)."""
        for job in jobs:
            if job.id in self._held:
                continue
            self._held.add(job.id)
            queue = self._pending.get(job.key)
            if queue is None:
                self._pending[job.key] = deque([job])
                self._spawn(self._drain(job.key))
            else:
                queue.append(job)

    async def submit(self, events: Sequence[DomainEvent]) -> None:
        """Stores and runs the jobs of events committed outside a unit of work."""
        planned = self.plan(events)
        if planned:
            now = self._clock()
            self.take(
                await self.store.add(
                    planned, claimed_by=self.instance_id, until=now + self.lease, now=now
                )
            )

    # -- life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        if self._single_process:
            await self.store.release(None)  # claims left by an earlier run of this process
        self._poller = asyncio.create_task(self._poll_forever(), name="kefu-jobs")

    async def stop(self) -> None:
        await cancel(self._poller)
        self._poller = None
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self._flush()
            unfinished = sorted(self._held)
            if unfinished:
                await self.store.release(unfinished)  # another instance may run them now
        self._held.clear()
        self._pending.clear()

    async def settle(self) -> None:
        """Waits until every job this instance holds has run (tests, benchmarks)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self._flush()

    def busy(self) -> bool:
        return bool(self._tasks)

    # -- running ----------------------------------------------------------------------------

    def _spawn(self, work: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: str) -> None:
        queue = self._pending[key]
        try:
            while queue:
                job = queue[0]
                async with self._concurrency:
                    await self._run(job)
                queue.popleft()
                self._held.discard(job.id)
        finally:
            if not queue:
                self._pending.pop(key, None)
        if self._done and not self._flush_due:
            # Done jobs are deleted together, a moment later: one write for many jobs.
            self._flush_due = True
            self._spawn(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_AFTER_S)
        self._flush_due = False
        await self._flush()

    async def _run(self, job: Job) -> None:
        subscription = self.handlers.named(job.handler)
        if subscription is None:
            return  # not served by this instance's build; its lease runs out for another
        try:
            await subscription.handler(job.event)
        except Exception as exc:
            attempts = job.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                log.exception("job failed %d times; dropped", attempts, extra=_about(job))
                self._done.append(job.id)
                return
            log.exception("job failed; retrying later", extra=_about(job))
            at = self._clock() + timedelta(seconds=2**attempts)
            await self.store.retry(job.id, f"{type(exc).__name__}: {exc}"[:2000], at)
            return
        self._done.append(job.id)

    async def _flush(self) -> None:
        done, self._done = self._done, []
        if done:
            try:
                await self.store.finish(done)
            except Exception:
                log.exception("could not mark %d jobs done; they may run again", len(done))

    async def _poll_forever(self) -> None:
        while True:
            try:
                await self._poll()
            except Exception:
                log.exception("polling for jobs failed; trying again")
            await asyncio.sleep(self.poll_s)

    async def _poll(self) -> None:
        now = self._clock()
        until = now + self.lease
        if self._held:
            await self.store.extend(sorted(self._held), until)  # still ours, still queued
        room = self._capacity - len(self._held)
        names = self.handlers.queued_names()
        if room > 0 and names:
            self.take(await self.store.claim(self.instance_id, names, room, now, until))


def _about(job: Job) -> dict[str, object]:
    return {"job_id": job.id, "handler": job.handler, "key": job.key, "event": job.event.name}
