"""The SQL store keeps the same rollups as the in-memory fake (SQLite and PostgreSQL), across
batches, a quiet-window sweep and a repeat contact that arrives in a later batch; and
`kefu insight export` writes what it stored."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db.engine import create_engine
from kefu.adapters.db.insight_store import SqlInsightStore
from kefu.adapters.db.tables import metadata
from kefu.cli import main
from kefu.insight.handlers import JourneyTracker
from kefu.insight.ports import FakeKnowledge, Filters, InMemoryInsightStore, InsightStore
from kefu.insight.rollup import Report
from tests.insight.streams import T0, five_conversations

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    found = create_engine(database_url)
    async with found.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield found
    await found.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


async def replay(store: InsightStore) -> tuple[dict[str, object], JourneyTracker, Clock]:
    clock = Clock()
    track = JourneyTracker(
        store, FakeKnowledge({"order-where": ("q", 2)}), clock, account_id="a", batch=7
    )
    events = five_conversations()
    clock.now = T0 + timedelta(hours=1)
    for event in events[:25]:  # A–D and part of E: B still waits for its quiet window
        await track.handle(event)
    await track.flush()
    clock.now = T0 + timedelta(days=2)
    await track.sweep()
    for event in events[25:]:
        await track.handle(event)
    await track.flush()
    await track.sweep()
    return Report(await store.rollup("a", Filters())).indicators(), track, clock


async def test_sql_rollups_equal_the_fake_after_batches_sweeps_and_a_late_repeat(
    engine: AsyncEngine,
) -> None:
    fake, _, _ = await replay(InMemoryInsightStore())
    sql, _, _ = await replay(SqlInsightStore(engine))
    assert sql == fake
    assert sql["bot_resolution_rate"] == 0.2 and sql["repeat_contact_rate_24h"] == 0.2


async def test_kefu_insight_export_writes_the_raw_journey_events_as_parquet(
    engine: AsyncEngine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await replay(SqlInsightStore(engine))
    monkeypatch.setenv("KEFU_DATABASE_URL", database_url)
    out = tmp_path / "events.parquet"
    code = await asyncio.to_thread(
        main, ["insight", "export", "--format", "parquet", "--out", str(out), "--account", "a"]
    )
    assert code == 0
    table = pq.read_table(out)
    assert table.num_rows == len(five_conversations())  # one journey step per domain event
    assert set(table.column("conversation_id").to_pylist()) == {"A", "B", "C", "D", "E"}


def _copies(n: int, tag: str) -> list[object]:
    """`n` copies of the five conversations (new ids and customers, same days, entry
    points and channels): every copy adds to the same rollup rows."""
    events: list[object] = []
    for i in range(n):
        for event in five_conversations():
            changes: dict[str, str] = {"conversation_id": f"{tag}{i}-{event.conversation_id}"}  # type: ignore[attr-defined]
            if getattr(event, "customer_id", None):
                changes["customer_id"] = f"{tag}{i}-{event.customer_id}"  # type: ignore[attr-defined]
            events.append(dataclasses.replace(event, **changes))  # type: ignore[type-var]
    return events


@pytest.mark.postgres
async def test_two_instances_rolling_up_the_same_buckets_count_everything_once() -> None:
    """Two instances (two engines, two trackers) write the same rollup rows at once, in
    small batches, then both sweep the same quiet windows at once: no deadlock, nothing
    lost, nothing counted twice — the rollups equal one writer's."""
    from tests.conftest import POSTGRES_URL, reset_postgres

    reset_postgres()
    engines = [create_engine(POSTGRES_URL) for _ in range(2)]
    async with engines[0].begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        clock = Clock()
        knowledge = FakeKnowledge({"order-where": ("q", 2)})
        trackers = [
            JourneyTracker(SqlInsightStore(e), knowledge, clock, account_id="a", batch=5)
            for e in engines
        ]
        one = JourneyTracker(InMemoryInsightStore(), knowledge, clock, account_id="a", batch=5)
        streams = [_copies(8, "x"), _copies(8, "y")]
        clock.now = T0 + timedelta(hours=1)

        async def run(track: JourneyTracker, events: list[object]) -> None:
            for event in events:
                await track.handle(event)
                await asyncio.sleep(0)  # let the other instance's flush interleave
            await track.flush()

        await asyncio.gather(*(run(t, s) for t, s in zip(trackers, streams, strict=True)))
        for event in streams[0] + streams[1]:
            await one.handle(event)
        await one.flush()
        clock.now = T0 + timedelta(days=2)
        await asyncio.gather(*(t.sweep() for t in trackers))  # the same due conversations
        await one.sweep()
        both = Report(await trackers[0].store.rollup("a", Filters())).indicators()
        expected = Report(await one.store.rollup("a", Filters())).indicators()
        assert both == expected
        assert both["conversations"] == 80
    finally:
        for e in engines:
            await e.dispose()
