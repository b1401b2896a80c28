"""The composition root: settings in, wired adapters and services out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.bus.memory import InMemoryBus
from kefu.adapters.bus.redis import RedisBus
from kefu.adapters.business import build_business_system
from kefu.adapters.db.engine import create_engine, is_sqlite
from kefu.adapters.db.unit_of_work import SqlUnitOfWorkFactory
from kefu.domain.business import BusinessSystem
from kefu.domain.clock import Clock, system_clock
from kefu.routing.sla import SlaPolicy
from kefu.services.context import ServiceContext
from kefu.services.dispatch import Dispatcher
from kefu.services.message_writer import MessageWriter
from kefu.services.sla_watch import SlaWatch
from kefu.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    bus: InMemoryBus
    ctx: ServiceContext
    business: BusinessSystem
    dispatcher: Dispatcher | None = None
    sla_watch: SlaWatch | None = None
    started: bool = field(default=False)

    async def start(self) -> None:
        await self.bus.start()
        if self.dispatcher is not None:
            self.bus.subscribe(self.dispatcher.on_event)
            await self.dispatcher.start()
        if self.sla_watch is not None:
            await self.sla_watch.start()
        self.started = True

    async def stop(self) -> None:
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        if self.sla_watch is not None:
            await self.sla_watch.stop()
        if self.ctx.writer is not None:
            await self.ctx.writer.stop()
        await self.bus.stop()
        await self.business.aclose()
        await self.engine.dispose()
        self.started = False

    async def database_ok(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def redis_ok(self) -> bool | None:
        """None when this instance runs without Redis."""
        if isinstance(self.bus, RedisBus):
            return await self.bus.ping()
        return None


def build(
    settings: Settings, *, clock: Clock = system_clock, batch_writes: bool = True
) -> Container:
    engine = create_engine(settings.database_url)
    bus: InMemoryBus = RedisBus(settings.redis_url) if settings.redis_url else InMemoryBus()
    uow = SqlUnitOfWorkFactory(engine, bus, serialise_writes=is_sqlite(settings.database_url))
    api_key = settings.business_api_key.get_secret_value() if settings.business_api_key else None
    business = build_business_system(settings.business_url, api_key, settings.business_timeout_s)
    ctx = ServiceContext(uow, clock, MessageWriter(uow, clock) if batch_writes else None)
    return Container(
        settings=settings,
        engine=engine,
        bus=bus,
        ctx=ctx,
        business=business,
        dispatcher=Dispatcher(ctx, settings.dispatch_interval_s) if settings.auto_assign else None,
        sla_watch=SlaWatch(ctx, sla_policy(settings)),
    )


def sla_policy(settings: Settings) -> SlaPolicy:
    return SlaPolicy(
        id="default",
        first_response_s=settings.sla_first_response_s,
        resolution_s=settings.sla_resolution_s,
        warn_at=settings.sla_warn_at,
    )
