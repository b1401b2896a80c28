"""The composition root: settings in, wired adapters and services out."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.bus.memory import InMemoryBus
from kefu.adapters.bus.redis import RedisBus
from kefu.adapters.business import build_business_system
from kefu.adapters.db.assist_store import SqlAssistStore
from kefu.adapters.db.bot_store import SqlBotStore
from kefu.adapters.db.engine import create_engine, is_sqlite
from kefu.adapters.db.unit_of_work import SqlUnitOfWorkFactory
from kefu.assist.cards import CardService, sla_due_by
from kefu.assist.service import AssistService
from kefu.bot.service import BotService
from kefu.domain.business import BusinessSystem
from kefu.domain.clock import Clock, system_clock
from kefu.knowledge.demo import demo_entries
from kefu.knowledge.journeys import MenuService
from kefu.knowledge.service import KnowledgeService
from kefu.knowledge.suggestion_service import SuggestionService
from kefu.knowledge.suggestions import Burst
from kefu.knowledge.wiring import build_knowledge
from kefu.nlu.build import KNOWLEDGE_DIR, MODELS_DIR
from kefu.nlu.emotion import EmotionClassifier
from kefu.nlu.engine import NluEngine
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.matcher import KnowledgeMatcher
from kefu.ops.service import LiveOps
from kefu.ops.wiring import build_live_ops
from kefu.routing.sla import SlaPolicy
from kefu.services.context import ServiceContext
from kefu.services.dispatch import Dispatcher
from kefu.services.message_writer import MessageWriter
from kefu.services.sla_watch import SlaWatch
from kefu.settings import Settings

#: A burst's topic stays pinned in suggested questions this long unless a supervisor unpins it.
PIN_BURSTS_FOR = timedelta(hours=1)


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    bus: InMemoryBus
    ctx: ServiceContext
    business: BusinessSystem
    dispatcher: Dispatcher | None = None
    sla_watch: SlaWatch | None = None
    nlu: NluEngine | None = None
    bot: BotService | None = None
    ops: LiveOps | None = None
    cards: CardService | None = None
    assist: AssistService | None = None
    knowledge: KnowledgeService | None = None
    menus: MenuService | None = None
    suggestions: SuggestionService | None = None
    started: bool = field(default=False)

    async def start(self) -> None:
        await self.bus.start()
        if self.bot is not None:
            self.bus.subscribe(self.bot.on_event, local_only=True)
        if self.dispatcher is not None:
            self.bus.subscribe(self.dispatcher.on_event)
            await self.dispatcher.start()
        if self.sla_watch is not None:
            await self.sla_watch.start()
        if self.knowledge is not None:
            # Loaded before anything reads it; an empty knowledge base gets the demo one.
            await self.knowledge.load(seed=demo_entries())
            self.bus.subscribe(self.knowledge.on_event)
        if self.suggestions is not None:
            self.bus.subscribe(self.suggestions.on_event)
        if self.ops is not None:
            self.bus.subscribe(self.ops.on_event)
            await self.ops.start(knowledge=getattr(self, "knowledge", None))
        if self.bot is not None:
            # Last, once the knowledge base is loaded: messages left unanswered by a crash.
            await self.bot.catch_up()
        self.started = True

    async def stop(self) -> None:
        if self.ops is not None:
            await self.ops.stop()
        if self.bot is not None:
            await self.bot.drain()
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
    nlu = load_nlu()
    bot = BotService(ctx, SqlBotStore(engine), nlu, business, bus) if settings.bot_enabled else None
    cards = CardService(
        SqlAssistStore(engine), ctx, bus, business, sla_due=sla_due_by(sla_policy(settings))
    )
    if bot is not None:
        bot.cards, bot.card_facts = cards, cards.for_bot
    container = Container(
        settings=settings,
        engine=engine,
        bus=bus,
        ctx=ctx,
        business=business,
        dispatcher=Dispatcher(ctx, settings.dispatch_interval_s) if settings.auto_assign else None,
        sla_watch=SlaWatch(ctx, sla_policy(settings)),
        nlu=nlu,
        bot=bot,
        ops=build_live_ops(engine, bus, clock),
        cards=cards,
    )
    kb = build_knowledge(engine, bus, ctx, business, nlu.knowledge)
    container.knowledge, container.menus, container.suggestions = (
        kb.knowledge,
        kb.menus,
        kb.suggestions,
    )
    if bot is not None:
        bot.knowledge, bot.suggestions = kb.knowledge, kb.suggestions
    container.assist = AssistService(
        cards.store,
        ctx,
        bus,
        cards,
        knowledge=lambda: container.knowledge,
        nlu=lambda: container.nlu,
        business=business,
    )
    if container.ops is not None:
        # Knowledge packs raised by a burst show up in every agent's assist panel, and the
        # bursting topic moves up in every customer's suggested questions.
        container.assist.packs = container.ops
        container.suggestions.bursts = _OpsBursts(container.ops)
        container.ops.pin = _pinner(container.suggestions, clock)
    return container


@dataclass(frozen=True)
class _OpsBursts:
    """Live ops' burst detector seen as the suggestions' `BurstSource`."""

    ops: LiveOps

    async def bursting(self, now: datetime) -> list[Burst]:
        return [
            Burst(topic=key.partition(":")[2]) for key in self.ops.bursts.active() if ":" in key
        ]


def _pinner(suggestions: SuggestionService, clock: Clock) -> Callable[[str], Awaitable[None]]:
    def pin(topic: str) -> Awaitable[None]:
        now = clock()
        pinned = suggestions.pin(topic, until=now + PIN_BURSTS_FOR)
        return suggestions.pin_everywhere(pinned, topic, now)

    return pin


@functools.cache
def _classifiers() -> tuple[IntentClassifier, EmotionClassifier]:
    # Read-only after loading, so one copy serves every app in the process (tests make many).
    engine = NluEngine.load_default()
    return engine.intent, engine.emotion


def load_nlu() -> NluEngine:
    """The language engine with its own knowledge matcher: the knowledge base edits that
    one live, so it is never shared between containers."""
    intent, emotion = _classifiers()
    return NluEngine(
        intent=intent,
        emotion=emotion,
        knowledge=KnowledgeMatcher.load(MODELS_DIR / KNOWLEDGE_DIR),
    )


def sla_policy(settings: Settings) -> SlaPolicy:
    return SlaPolicy(
        id="default",
        first_response_s=settings.sla_first_response_s,
        resolution_s=settings.sla_resolution_s,
        warn_at=settings.sla_warn_at,
    )
