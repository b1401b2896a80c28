"""A unit of work over one database transaction: the change, its events' queued jobs and
the feature repositories that joined it commit together; events go out only after."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Self, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kefu.adapters.db.conversation_repositories import (
    SqlConversationRepository,
    SqlMessageRepository,
)
from kefu.adapters.db.engine import write_lock, writer
from kefu.adapters.db.jobs import add_jobs
from kefu.adapters.db.repositories import (
    SqlAgentRepository,
    SqlCustomerRepository,
    SqlTenancyRepository,
)
from kefu.adapters.db.routing_repositories import (
    SqlCallbackRepository,
    SqlQueueSettingsRepository,
    SqlSlaLedger,
)
from kefu.domain.events import DomainEvent
from kefu.services.jobs import Job, JobRunner
from kefu.services.ports import (
    AgentRepository,
    CallbackRepository,
    ConversationRepository,
    CustomerRepository,
    EventBus,
    MessageRepository,
    QueueSettingsRepository,
    Repository,
    SlaLedger,
    TenancyRepository,
)

R = TypeVar("R")
#: Builds a feature repository over the unit's connection.
RepositoryMaker = Callable[[AsyncConnection], Any]


class SqlUnitOfWork:
    tenancy: TenancyRepository
    customers: CustomerRepository
    agents: AgentRepository
    conversations: ConversationRepository
    messages: MessageRepository
    sla: SlaLedger
    queues: QueueSettingsRepository
    callbacks: CallbackRepository

    def __init__(
        self,
        engine: AsyncEngine,
        bus: EventBus,
        write_lock: asyncio.Lock | None,
        *,
        read_only: bool = False,
        jobs: JobRunner | None = None,
        makers: dict[str, RepositoryMaker] | None = None,
        wait_for_delivery: bool = True,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._bus = bus
        self._write_lock = write_lock
        self._jobs = jobs
        self._makers = makers or {}
        self._wait = wait_for_delivery
        self._conn: AsyncConnection | None = None
        self._joined: dict[str, object] = {}
        self._recorded: list[DomainEvent] = []
        self._committed: list[DomainEvent] = []
        self._claimed: list[Job] = []

    async def __aenter__(self) -> Self:
        if self._write_lock is not None:
            await self._write_lock.acquire()
        try:
            # The connection begins a transaction by itself on first use ("autobegin").
            self._conn = await self._engine.connect()
        except BaseException:
            await self._release()
            raise
        self.tenancy = SqlTenancyRepository(self._conn)
        self.customers = SqlCustomerRepository(self._conn)
        self.agents = SqlAgentRepository(self._conn)
        self.conversations = SqlConversationRepository(self._conn)
        self.messages = SqlMessageRepository(self._conn)
        self.sla = SqlSlaLedger(self._conn)
        self.queues = SqlQueueSettingsRepository(self._conn)
        self.callbacks = SqlCallbackRepository(self._conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._release()
        # Outside the transaction and the write lock: handlers may open their own.
        claimed, self._claimed = self._claimed, []
        if claimed and self._jobs is not None:
            self._jobs.take(claimed)
        events, self._committed = self._committed, []
        if events:
            await self._bus.deliver(events, wait=self._wait)

    async def commit(self) -> None:
        assert self._conn is not None, "commit() outside of 'async with'"
        assert not self._read_only, "a read-only unit of work cannot commit"
        if self._jobs is not None and self._recorded:
            planned = self._jobs.plan(self._recorded)
            if planned:
                now = self._jobs.now()
                self._claimed.extend(
                    await add_jobs(
                        self._conn,
                        planned,
                        claimed_by=self._jobs.instance_id,
                        until=now + self._jobs.lease,
                        now=now,
                    )
                )
        await self._conn.commit()
        self._committed.extend(self._recorded)
        self._recorded = []

    def repository(self, key: Repository[R]) -> R:
        assert self._conn is not None, "repository() outside of 'async with'"
        joined = self._joined.get(key.name)
        if joined is None:
            maker = self._makers.get(key.name)
            if maker is None:
                raise LookupError(f"no repository {key.name!r} was provided to the unit of work")
            joined = self._joined[key.name] = maker(self._conn)
        return cast(R, joined)

    def record(self, events: Iterable[DomainEvent]) -> None:
        self._recorded.extend(events)

    async def _release(self) -> None:
        try:
            if self._conn is not None:
                await self._conn.rollback()
                await self._conn.close()
        finally:
            self._conn = None
            self._recorded = []
            self._joined = {}
            if self._write_lock is not None:
                self._write_lock.release()


def _reader(engine: AsyncEngine) -> AsyncEngine:
    """The engine read-only units of work use. On PostgreSQL it runs in autocommit, on the
    same pool: a read then costs its queries and nothing else — no BEGIN, no ROLLBACK.
    Under load every round trip waits a turn of the event loop with its connection taken,
    so a read of one row held the connection three times as long as it needed. At READ
    COMMITTED (PostgreSQL's default) each statement reads its own snapshot anyway, so the
    answers are the same; read-only units never lock or write (they cannot commit)."""
    if engine.dialect.name != "postgresql":
        return engine  # SQLite: a read transaction keeps one WAL snapshot, and costs nothing
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class SqlUnitOfWorkFactory:
    """Makes units of work. SQLite allows one writer, so this process takes turns in order
    instead of letting transactions collide on the database lock."""

    def __init__(
        self,
        engine: AsyncEngine,
        bus: EventBus,
        *,
        serialise_writes: bool,
        jobs: JobRunner | None = None,
        wait_for_delivery: bool = True,
    ) -> None:
        self.engine = engine
        self._reader = _reader(engine)
        self._writer = writer(engine)
        self._bus = bus
        self._jobs = jobs
        self._wait = wait_for_delivery
        self._write_lock = write_lock(engine) if serialise_writes else None
        self._makers: dict[str, RepositoryMaker] = {}

    def provide(self, key: Repository[R], make: Callable[[AsyncConnection], R]) -> None:
        """Lets `uow.repository(key)` build `make(connection)` inside each unit."""
        self._makers[key.name] = make

    def detached(self) -> SqlUnitOfWorkFactory:
        """The same units, except that leaving one does not wait for the realtime lane: for
        the group-commit writer, which must not wait for any subscriber."""
        twin = SqlUnitOfWorkFactory(
            self.engine, self._bus, serialise_writes=False, jobs=self._jobs, wait_for_delivery=False
        )
        twin._write_lock, twin._makers = self._write_lock, self._makers
        return twin

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self._reader if read_only else self._writer,
            self._bus,
            None if read_only else self._write_lock,
            read_only=read_only,
            jobs=self._jobs,
            makers=self._makers,
            wait_for_delivery=self._wait,
        )
