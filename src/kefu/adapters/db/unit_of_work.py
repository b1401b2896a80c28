"""A unit of work over one database transaction; events go out only after it commits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kefu.adapters.db.engine import write_lock
from kefu.adapters.db.repositories import (
    SqlAgentRepository,
    SqlCallbackRepository,
    SqlConversationRepository,
    SqlCustomerRepository,
    SqlMessageRepository,
    SqlQueueSettingsRepository,
    SqlSlaLedger,
    SqlTenancyRepository,
)
from kefu.domain.events import DomainEvent
from kefu.services.ports import (
    AgentRepository,
    CallbackRepository,
    ConversationRepository,
    CustomerRepository,
    EventBus,
    MessageRepository,
    QueueSettingsRepository,
    SlaLedger,
    TenancyRepository,
)


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
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._bus = bus
        self._write_lock = write_lock
        self._conn: AsyncConnection | None = None
        self._recorded: list[DomainEvent] = []
        self._committed: list[DomainEvent] = []

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
        # Published outside the transaction and the write lock: handlers may open their own.
        events, self._committed = self._committed, []
        if events:
            await self._bus.publish(events)

    async def commit(self) -> None:
        assert self._conn is not None, "commit() outside of 'async with'"
        assert not self._read_only, "a read-only unit of work cannot commit"
        await self._conn.commit()
        self._committed.extend(self._recorded)
        self._recorded = []

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
            if self._write_lock is not None:
                self._write_lock.release()


class SqlUnitOfWorkFactory:
    """Makes units of work. SQLite allows one writer, so this process takes turns in order
    instead of letting transactions collide on the database lock."""

    def __init__(self, engine: AsyncEngine, bus: EventBus, *, serialise_writes: bool) -> None:
        self.engine = engine
        self._bus = bus
        self._write_lock = write_lock(engine) if serialise_writes else None

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine, self._bus, None if read_only else self._write_lock, read_only=read_only
        )
