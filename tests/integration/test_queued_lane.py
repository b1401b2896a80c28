"""The handler table's two lanes: nobody waits for a slow subscriber, queued jobs are
durable, and with several instances each job runs once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from kefu import bootstrap
from kefu.adapters.db.jobs import SqlJobStore
from kefu.core import Core, build_core
from kefu.domain.events import DomainEvent, MessageCreated
from kefu.services.handlers import Lane
from kefu.services.jobs import NewJob
from kefu.web.app import create_app
from tests.conftest import POSTGRES_URL, make_settings, reset_postgres
from tests.factories import start_customer

HOLD_S = 5.0  # how long a slow subscriber holds on, unless the test lets it go sooner


@pytest.mark.parametrize("lane", ["realtime", "queued"])
def test_a_customer_hears_back_before_a_slow_subscriber_is_done(
    database_url: str, lane: Lane
) -> None:
    container = bootstrap.bootstrap(make_settings(database_url))
    heard: list[str] = []
    finished: list[str] = []
    release = asyncio.Event()

    @container.handlers.on(MessageCreated, lane=lane, name="test.slow")
    async def slow(event: MessageCreated) -> None:
        heard.append(event.text)
        try:
            await asyncio.wait_for(release.wait(), HOLD_S)
        finally:
            finished.append(event.text)

    with TestClient(create_app(container=container)) as client:
        session = start_customer(client)
        sent = session.say("我的外卖到哪了")
        # Acknowledged and readable while the subscriber is still holding the event.
        assert sent["seq"] == 1
        assert [m["text"] for m in session.messages()] == ["我的外卖到哪了"]
        assert finished == []
        assert client.portal is not None
        client.portal.call(release.set)
        client.portal.call(container.settle)
    assert heard == finished == ["我的外卖到哪了"]


def _remembering(container: Core, ran: list[tuple[str, str]], tag: str) -> None:
    @container.handlers.on(MessageCreated, lane="queued", name="test.remember")
    async def remember(event: MessageCreated) -> None:
        await asyncio.sleep(0.01)  # long enough for the other instance to poll meanwhile
        ran.append((tag, event.message_id))


def _message(n: int) -> MessageCreated:
    now = datetime.now(UTC)
    return MessageCreated(
        occurred_at=now,
        conversation_id=f"c{n}",
        status="bot",
        message_id=f"m{n}",
        seq=1,
        sender="customer",
        text="在吗",
        internal=False,
        author_id=None,
        client_id=None,
        created_at=now,
    )


@pytest.mark.postgres
async def test_on_two_instances_every_job_left_by_a_dead_one_runs_exactly_once() -> None:
    reset_postgres()
    from kefu.adapters.db import migrate

    migrate.upgrade(POSTGRES_URL)
    settings = make_settings(POSTGRES_URL, auto_assign=False)
    one, two = build_core(settings), build_core(settings)
    ran: list[tuple[str, str]] = []
    for tag, instance in (("one", one), ("two", two)):
        _remembering(instance, ran, tag)
        instance.jobs.poll_s = 0.02
    # An instance that died holding 60 jobs: their leases are over.
    past = datetime.now(UTC) - timedelta(minutes=5)
    store = SqlJobStore(one.engine)
    await store.add(
        [NewJob("test.remember", f"test.remember:c{n}", _message(n)) for n in range(60)],
        claimed_by="dead",
        until=past,
        now=past,
    )
    try:
        await asyncio.gather(one.start(), two.start())
        for _ in range(500):
            if await store.pending() == 0:
                break
            await asyncio.sleep(0.02)
        await asyncio.gather(one.settle(), two.settle())
    finally:
        await asyncio.gather(one.stop(), two.stop())
    assert sorted(m for _, m in ran) == sorted(f"m{n}" for n in range(60))  # each once
    assert {tag for tag, _ in ran} == {"one", "two"}  # and both instances took a share


_CRASHING = """
import asyncio, os
from kefu.core import build_core
from kefu.domain.events import MessageCreated
from kefu.services import conversations as conv
from kefu.services.conversations import CustomerInfo
from tests.conftest import make_settings

async def main():
    container = build_core(make_settings({url!r}, job_lease_s=0.5))
    started = asyncio.Event()

    @container.handlers.on(MessageCreated, lane="queued", name="test.remember")
    async def remember(event):
        started.set()
        await asyncio.sleep(3600)

    await container.start()
    cid = (await conv.start_conversation(container.ctx, CustomerInfo())).conversation.id
    await conv.post_customer_message(container.ctx, cid, "还没到", "m1")
    await started.wait()
    print(cid, flush=True)
    os._exit(9)  # killed in the middle of the job, as by SIGKILL

asyncio.run(main())
"""


async def test_a_job_cut_short_by_a_crash_runs_after_the_restart(database_url: str) -> None:
    crashed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CRASHING.format(url=database_url))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert crashed.returncode == 9, crashed.stderr
    conversation_id = crashed.stdout.strip()
    restarted = build_core(make_settings(database_url, job_lease_s=0.5))
    ran: list[DomainEvent] = []

    @restarted.handlers.on(MessageCreated, lane="queued", name="test.remember")
    async def remember(event: MessageCreated) -> None:
        ran.append(event)

    restarted.jobs.poll_s = 0.05
    await restarted.start()
    try:
        for _ in range(200):
            if ran:
                break
            await asyncio.sleep(0.05)
        await restarted.settle()
        assert await SqlJobStore(restarted.engine).pending() == 0
    finally:
        await restarted.stop()
    assert [(e.conversation_id, e.text) for e in ran if isinstance(e, MessageCreated)] == [
        (conversation_id, "还没到")
    ]


async def test_a_feature_repository_commits_with_the_unit_of_work_or_not_at_all(
    database_url: str,
) -> None:
    from kefu.adapters.db.repositories import SqlTenancyRepository
    from kefu.adapters.db.unit_of_work import SqlUnitOfWorkFactory
    from kefu.domain.tenancy import Account
    from kefu.services.ports import Repository, TenancyRepository

    accounts: Repository[TenancyRepository] = Repository("test.accounts")
    core = build_core(make_settings(database_url))
    factory = core.ctx.uow
    assert isinstance(factory, SqlUnitOfWorkFactory)
    factory.provide(accounts, SqlTenancyRepository)
    try:
        async with factory() as uow:
            await uow.repository(accounts).add_account(Account(id="dropped", name="x"))
            # no commit: the feature's row goes with the transaction
        async with factory() as uow:
            await uow.repository(accounts).add_account(Account(id="kept", name="y"))
            await uow.commit()
        async with factory(read_only=True) as uow:
            assert await uow.tenancy.get_account("dropped") is None
            assert await uow.tenancy.get_account("kept") is not None
    finally:
        await core.stop()


async def test_jobs_committed_together_get_their_own_ids_in_order(database_url: str) -> None:
    """Many jobs are stored by one statement: each job keeps its own id (equal jobs
    included), and jobs of one conversation are claimed in the order they were committed."""
    from sqlalchemy import event as sa_event

    core = build_core(make_settings(database_url))
    store = SqlJobStore(core.engine)
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sa_event.listen(core.engine.sync_engine, "before_cursor_execute", count)
    first, second, third = _message(1), _message(1), _message(2)
    jobs = [
        NewJob("test.a", "c1", first),
        NewJob("test.b", "c1", first),
        NewJob("test.a", "c1", second),
        NewJob("test.a", "c2", third),
        NewJob("test.a", "c1", first),  # the same job twice: both kept
    ]
    now = datetime.now(UTC)
    try:
        stored = await store.add(jobs, claimed_by="one", until=now, now=now)
        assert sum(s.lstrip().upper().startswith("INSERT") for s in statements) == 1
        assert [(j.handler, j.key, j.event) for j in stored] == [
            (j.handler, j.key, j.event) for j in jobs
        ]
        assert len({j.id for j in stored}) == 5
        assert [j.id for j in stored] == sorted(j.id for j in stored)  # commit order
        claimed = await store.claim("two", ["test.a", "test.b"], 10, now + timedelta(1), now)
        assert [j.id for j in claimed] == [stored[0].id, stored[3].id]  # oldest per key
    finally:
        sa_event.remove(core.engine.sync_engine, "before_cursor_execute", count)
        await core.stop()
