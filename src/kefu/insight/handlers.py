"""Reactions to domain events: each step becomes a journey event, each touched conversation's
summary and rollup contribution is brought up to date.

`handle(event)` is cheap (translate and buffer); `flush()` writes a batch in one transaction,
off the message write path, every `flush_every_s` or when the buffer is full. `sweep()`
settles conversations whose quiet window has passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo

from kefu.insight import rollup
from kefu.insight import summary as sm
from kefu.insight.experiments import SUGGESTIONS_EXPERIMENT
from kefu.insight.journeys import journey_steps
from kefu.insight.model import JourneyEvent, Step
from kefu.insight.ports import Deltas, Exposure, InsightStore, KnowledgeView
from kefu.insight.summary import Summary

log = logging.getLogger(__name__)
RECENT_CONVERSATIONS = 50_000
SWEEP_EVERY_S = 60.0


class JourneyTracker:
    def __init__(
        self,
        store: InsightStore,
        knowledge: KnowledgeView,
        clock: Callable[[], datetime],
        *,
        account_id: str,
        quiet_s: float = sm.QUIET_S,
        tz: tzinfo = UTC,
        batch: int = 500,
        flush_every_s: float = 1.0,
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock
        self.account_id = account_id
        self.quiet_s = quiet_s
        self.tz = tz
        self.batch = batch
        self.flush_every_s = flush_every_s
        self._buffer: list[JourneyEvent] = []
        self._customers: OrderedDict[str, str] = OrderedDict()  # conversation → customer
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # -- the handler ------------------------------------------------------------------------

    async def handle(self, event: object) -> None:
        steps = journey_steps(event)
        if not steps:
            return
        for step in steps:
            if step.step is Step.ENTRY and step.customer_id:
                self._remember(step.conversation_id, step.customer_id)
            if step.step is Step.MENU and step.node and self.knowledge.is_entry(step.node):
                step = replace(step, knowledge_id=step.node)
            self._buffer.append(step)
        if self._task is not None:
            if len(self._buffer) >= self.batch:
                self._wake.set()  # the background loop writes it, off the caller's path
        elif len(self._buffer) >= self.batch:
            await self.flush()  # no loop (tests, tools): write as it fills

    def _remember(self, conversation_id: str, customer_id: str) -> None:
        self._customers[conversation_id] = customer_id
        if len(self._customers) > RECENT_CONVERSATIONS:
            self._customers.popitem(last=False)

    def customer_of(self, conversation_id: str) -> str | None:
        """The customer of a conversation started recently on this instance."""
        return self._customers.get(conversation_id)

    # -- batches ----------------------------------------------------------------------------

    async def flush(self) -> int:
        async with self._lock:
            events, self._buffer = self._buffer, []
            if not events:
                return 0
            try:
                async with self.store.serialised(self.account_id):
                    await self._apply(events)
            except Exception:
                self._buffer[:0] = events  # kept for the next flush; summaries are reloaded
                raise
            return len(events)

    async def _apply(self, events: Sequence[JourneyEvent]) -> None:
        ids = list(dict.fromkeys(e.conversation_id for e in events))
        summaries = await self.store.load_summaries(self.account_id, ids)
        topics = {i: s.topic for i, s in summaries.items()}
        touched: dict[str, Summary] = {}
        exposures: list[Exposure] = []
        for event in events:
            s = summaries.get(event.conversation_id)
            if s is None:
                s = summaries[event.conversation_id] = sm.new_summary(event, self.tz)
            first_shown = event.step is Step.SUGGESTIONS_SHOWN and s.shown == 0
            sm.fold(s, event)
            touched[s.conversation_id] = s
            if first_shown and event.action:
                exposures.append(_exposure(SUGGESTIONS_EXPERIMENT, s, event))
            elif event.step is Step.EXPOSED and event.node and event.action:
                exposures.append(_exposure(event.node, s, event))
        later = [
            s
            for s in touched.values()
            if s.topic is not None and s.customer_id and topics.get(s.conversation_id) != s.topic
        ]
        for earlier in await self._earlier_contacts(later, summaries):
            touched.setdefault(earlier.conversation_id, earlier)
        await self.store.commit(
            self.account_id,
            events,
            list(touched.values()),
            self._deltas(touched.values()),
            exposures,
        )

    async def _earlier_contacts(
        self, later: Sequence[Summary], batch: dict[str, Summary]
    ) -> list[Summary]:
        """Earlier conversations of the same customers on the same topics: `later` are
        their repeats. Those in this batch are taken as folded so far, not as stored."""
        if not later:
            return []
        since = min(s.started_at for s in later) - sm.REPEAT_7D_S
        before = max(s.started_at for s in later)
        keys = [(s.customer_id or "", s.topic or "") for s in later]
        stored = await self.store.previous_contacts(self.account_id, keys, since, before)
        candidates = {e.conversation_id: e for e in stored}
        candidates.update(batch)  # the batch's own, as folded so far
        by_key: dict[tuple[str | None, str | None], list[Summary]] = {}
        for c in candidates.values():
            by_key.setdefault((c.customer_id, c.topic), []).append(c)
        changed: dict[str, Summary] = {}
        for s in later:
            for earlier in by_key.get((s.customer_id, s.topic), ()):
                if earlier.conversation_id == s.conversation_id or not (
                    s.started_at - sm.REPEAT_7D_S <= earlier.started_at < s.started_at
                ):
                    continue
                gap = max(0.0, s.started_at - (earlier.ended_at or earlier.last_at))
                if earlier.repeat_gap_s is None or gap < earlier.repeat_gap_s:
                    earlier.repeat_gap_s = gap
                    changed[earlier.conversation_id] = earlier
        return list(changed.values())

    def _deltas(self, summaries: Iterable[Summary]) -> Deltas:
        now = self.clock().timestamp()
        deltas: Deltas = {}
        for s in summaries:
            old = rollup.decode(s.contributions)
            old_dims = _dims_of(s)
            sm.settle(s, now, self.quiet_s)
            new = rollup.contributions(s)
            new_dims = (s.day, s.entry_point, s.channel)
            if old_dims == new_dims:
                _add(deltas, new_dims, rollup.delta(old, new))
            else:
                _add(deltas, old_dims, rollup.delta(old, {}))
                _add(deltas, new_dims, rollup.delta({}, new))
            s.contributions = rollup.encode(new)
            s.rolled_dims = list(new_dims)
        return deltas

    async def sweep(self, limit: int = 1000) -> int:
        """Settles pending conversations whose quiet window has passed."""
        async with self._lock, self.store.serialised(self.account_id):
            due = await self.store.due(self.account_id, self.clock().timestamp(), limit)
            if due:
                await self.store.commit(self.account_id, [], due, self._deltas(due), [])
            return len(due)

    # -- background -------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="kefu-insight")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        last_sweep = loop.time()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_every_s)
            self._wake.clear()
            try:
                await self.flush()
                if loop.time() - last_sweep >= SWEEP_EVERY_S:
                    last_sweep = loop.time()
                    await self.sweep()
            except Exception:
                log.exception("insight flush failed")


def _exposure(experiment_id: str, s: Summary, event: JourneyEvent) -> Exposure:
    unit = event.customer_id or s.customer_id or s.conversation_id
    return Exposure(experiment_id, unit, event.action or "", s.conversation_id, event.at)


def _dims_of(s: Summary) -> tuple[str, str, str]:
    dims = s.rolled_dims
    if len(dims) == 3:
        return (dims[0], dims[1], dims[2])
    return (s.day, s.entry_point, s.channel)


def _add(
    deltas: Deltas, dims: tuple[str, str, str], changes: dict[rollup.Key, tuple[float, float]]
) -> None:
    if not changes:
        return
    row = deltas.setdefault(dims, {})
    for key, (n, t) in changes.items():
        n0, t0 = row.get(key, (0.0, 0.0))
        row[key] = (n0 + n, t0 + t)
