"""The core of a kefu process: storage, events and the use cases' context.

`build_core(settings)` is what every command needs and nothing more — no language models,
no features — so that `kefu users create` starts in a moment. `kefu.bootstrap` builds the
features on top of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.bus.memory import InMemoryBus
from kefu.adapters.bus.redis import RedisBus
from kefu.adapters.business import build_business_system
from kefu.adapters.db.engine import create_engine, is_sqlite
from kefu.adapters.db.jobs import SqlJobStore
from kefu.adapters.db.unit_of_work import SqlUnitOfWorkFactory
from kefu.domain.business import BusinessSystem
from kefu.domain.clock import Clock, system_clock
from kefu.domain.ids import new_id
from kefu.insight.ports import InsightStore
from kefu.services.context import ServiceContext
from kefu.services.handlers import HandlerTable
from kefu.services.jobs import JobRunner
from kefu.services.message_writer import MessageWriter
from kefu.services.ports import UnitOfWorkFactory
from kefu.settings import Settings

if TYPE_CHECKING:  # the features' ports load only for the commands that use them
    from kefu.domain.events import DomainEvent
    from kefu.knowledge.ports import KnowledgeStore
    from kefu.learning.ports import LearningStore


@dataclass(eq=False)
class Core:
    """Storage, events and the use cases' context: what every command needs."""

    settings: Settings
    engine: AsyncEngine
    bus: InMemoryBus
    handlers: HandlerTable
    jobs: JobRunner
    ctx: ServiceContext
    business: BusinessSystem

    async def start(self) -> None:
        await self.bus.start()
        await self.jobs.start()

    async def stop(self) -> None:
        await self.jobs.stop()
        if self.ctx.writer is not None:
            await self.ctx.writer.stop()
        await self.bus.stop()
        await self.business.aclose()
        await self.engine.dispose()

    async def settle(self) -> None:
        """Waits until both lanes are idle: every event delivered, every job run (tests)."""
        while True:
            await self.bus.settle()
            await self.jobs.settle()
            await self.bus.settle()
            if not self.jobs.busy():
                return


def build_core(
    settings: Settings,
    *,
    uow: UnitOfWorkFactory | None = None,
    bus: InMemoryBus | None = None,
    business: BusinessSystem | None = None,
    clock: Clock = system_clock,
    batch_writes: bool = True,
) -> Core:
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_overflow,
        pool_timeout_s=settings.db_pool_timeout_s,
    )
    handlers = bus.handlers if bus is not None else HandlerTable()
    if bus is None:
        bus = RedisBus(settings.redis_url, handlers=handlers) if settings.redis_url else None
        bus = bus or InMemoryBus(handlers)
    jobs = JobRunner(
        SqlJobStore(engine),
        handlers,
        instance_id=getattr(bus, "instance_id", None) or new_id(),
        concurrency=settings.job_workers,
        lease=timedelta(seconds=settings.job_lease_s),
        single_process=is_sqlite(settings.database_url),
    )
    bus.jobs = jobs
    factory = SqlUnitOfWorkFactory(
        engine, bus, serialise_writes=is_sqlite(settings.database_url), jobs=jobs
    )
    writer = MessageWriter(factory.detached() if uow is None else uow, clock)
    ctx = ServiceContext(uow or factory, clock, writer if batch_writes else None)
    if business is None:
        key = settings.business_api_key
        business = build_business_system(
            settings.business_url,
            key.get_secret_value() if key else None,
            settings.business_timeout_s,
        )
    return Core(settings, engine, bus, handlers, jobs, ctx, business)


def upgrade_database(url: str) -> str:
    """Upgrades the schema to the newest this code knows; returns the revision reached."""
    from kefu.adapters.db import migrate  # Alembic loads only for the commands that need it

    return migrate.upgrade(url)


def check_database(url: str) -> None:
    """Raises a `DomainError` when the database's schema is not the one this code expects."""
    from kefu.adapters.db import migrate

    migrate.check_up_to_date(url)


@asynccontextmanager
async def insight_store(settings: Settings) -> AsyncIterator[InsightStore]:
    """Insight's store on an engine of its own, for a one-off command (`kefu insight export`)."""
    from kefu.adapters.db.insight_store import SqlInsightStore

    engine = create_engine(settings.database_url)
    try:
        yield SqlInsightStore(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def learning_stores(url: str) -> AsyncIterator[tuple[KnowledgeStore, LearningStore]]:
    """The knowledge base's and the learning loop's stores on an engine of their own, for
    a one-off command (`kefu learn import-transcripts`, `kefu learn retrain`)."""
    from kefu.adapters.db.knowledge_store import SqlKnowledgeStore
    from kefu.adapters.db.learning_store import SqlLearningStore

    engine = create_engine(url)
    try:
        yield SqlKnowledgeStore(engine), SqlLearningStore(engine)
    finally:
        await engine.dispose()


async def publish_once(redis_url: str, events: list[DomainEvent]) -> None:
    """Publishes `events` to every instance listening on Redis, from a one-off command."""
    bus = RedisBus(redis_url)
    await bus.start()
    try:
        await bus.publish(events)
    finally:
        await bus.stop()
