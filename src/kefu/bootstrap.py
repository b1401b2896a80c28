"""The composition root: settings in, wired adapters and services out.

`bootstrap(settings, *, uow=…, bus=…, business=…, nlu=…, clock=…)` builds every feature,
each with its collaborators passed at construction, and registers every subscription of the
handler table in one place (`_subscribe`). `build_core` builds only what the use cases of
`kefu.services` need (the CLI's `users create` runs on it, without the language models).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.bus.memory import InMemoryBus
from kefu.adapters.bus.redis import RedisBus
from kefu.adapters.db.account_settings import AccountSettingsStore
from kefu.adapters.db.assist_store import SqlAssistStore
from kefu.adapters.db.bot_store import SqlBotStore, SqlTurnRecords
from kefu.adapters.db.insight_store import SqlInsightStore, UowDirectory
from kefu.adapters.db.knowledge_store import SqlSuggestionRecords
from kefu.adapters.db.learning_store import SqlLearningStore
from kefu.adapters.db.planning_history import SqlContactHistory
from kefu.adapters.db.privacy_store import SqlAuditLog, SqlPrivacyStore
from kefu.adapters.db.quality_store import SqlQualityStore
from kefu.adapters.db.quality_transcripts import SqlTranscripts
from kefu.adapters.db.unit_of_work import SqlUnitOfWorkFactory
from kefu.adapters.quality_webhook import WebhookNotifier
from kefu.assist.cards import CardService, sla_due_by
from kefu.assist.service import AssistService
from kefu.bot.ports import BOT_TURNS
from kefu.bot.wiring import Bot, ServiceConversations, build_bot
from kefu.core import Core, build_core
from kefu.domain.business import BusinessSystem
from kefu.domain.clock import Clock, system_clock
from kefu.domain.events import (
    BotTurnTaken,
    ConversationAssigned,
    ConversationCreated,
    ConversationHandedOver,
    ConversationResolved,
    ConversationTransferred,
    KnowledgeChanged,
    MessageCreated,
    ModelPromoted,
    SuggestionPinned,
)
from kefu.insight.wiring import Insight, build_insight
from kefu.knowledge.demo import demo_entries
from kefu.knowledge.journeys import MenuService
from kefu.knowledge.ports import SUGGESTION_RECORDS
from kefu.knowledge.service import KnowledgeService
from kefu.knowledge.suggestion_service import SuggestionService
from kefu.knowledge.suggestions import Burst
from kefu.knowledge.wiring import KnowledgeServices, build_knowledge
from kefu.learning.live import LiveModels
from kefu.learning.registry import ModelRegistry
from kefu.learning.replay import BotReplay
from kefu.learning.wiring import (
    ExperimentTrials,
    LearningFeature,
    build_learning,
    review_questions,
)
from kefu.nlu.default import load_nlu
from kefu.nlu.engine import NluEngine
from kefu.ops.bursts import BurstDetector
from kefu.ops.service import LiveOps
from kefu.ops.wiring import build_live_ops
from kefu.planning.actions import PlanningActions
from kefu.planning.wiring import build_planning
from kefu.privacy import wiring as privacy_wiring
from kefu.privacy.wiring import PrivacyFeature
from kefu.quality.wiring import Quality, build_quality
from kefu.routing.dispatch import TRIGGERS, Dispatcher
from kefu.routing.sla import SlaPolicy
from kefu.routing.sla_watch import SlaWatch
from kefu.services.context import ServiceContext
from kefu.services.ports import UnitOfWorkFactory
from kefu.settings import Settings
from kefu.web.hub import Hub
from kefu.web.metrics import Metrics

#: A burst's topic stays pinned in suggested questions this long unless a supervisor unpins it.
PIN_BURSTS_FOR = timedelta(hours=1)


@dataclass(eq=False)
class Container(Core):
    """Every feature, always built; settings decide what is subscribed and started."""

    nlu: NluEngine
    knowledge: KnowledgeService
    menus: MenuService
    suggestions: SuggestionService
    cards: CardService
    assist: AssistService
    ops: LiveOps
    bot: Bot
    dispatcher: Dispatcher
    sla_watch: SlaWatch
    hub: Hub
    metrics: Metrics
    insight: Insight
    quality: Quality
    learning: LearningFeature
    privacy: PrivacyFeature
    planning: PlanningActions
    #: The model registry's current model, live (only with `KEFU_MODEL_REGISTRY`).
    models: LiveModels | None = None
    started: bool = False

    async def start(self) -> None:
        await super().start()
        if self.settings.auto_assign:
            await self.dispatcher.start()
        await self.sla_watch.start()
        if self.models is not None:
            await asyncio.to_thread(self.models.load_current)
        # Loaded before anything reads it; an empty knowledge base gets the demo one.
        await self.knowledge.load(seed=demo_entries())
        await self.insight.start()
        await self.quality.start()
        await self.ops.start(knowledge=self.knowledge)
        if self.settings.bot_enabled:
            # Customer messages stored while the bot was switched off (a crash is covered by
            # the durable queue, and a reply is stored once in either case).
            await self.bot.catch_up()
        self.started = True

    async def stop(self) -> None:
        await self.quality.stop()
        await self.insight.stop()
        await self.ops.stop()
        await self.bot.drain()
        await self.dispatcher.stop()
        await self.sla_watch.stop()
        await super().stop()
        self.started = False

    async def settle(self) -> None:
        await self.bot.drain()
        await super().settle()
        await self.ops.settle()
        await super().settle()

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


def bootstrap(
    settings: Settings,
    *,
    uow: UnitOfWorkFactory | None = None,
    bus: InMemoryBus | None = None,
    business: BusinessSystem | None = None,
    nlu: NluEngine | None = None,
    clock: Clock = system_clock,
    batch_writes: bool = True,
) -> Container:
    core = build_core(
        settings, uow=uow, bus=bus, business=business, clock=clock, batch_writes=batch_writes
    )
    engine, ctx, events = core.engine, core.ctx, core.bus
    nlu = nlu or load_nlu()
    sla = sla_policy(settings)
    cards = CardService(SqlAssistStore(engine), ctx, events, core.business, sla_due_by(sla))
    detector = BurstDetector()
    kb = build_knowledge(engine, events, ctx, core.business, nlu.knowledge, _OpsBursts(detector))
    ops = build_live_ops(
        engine, events, settings, clock, bursts=detector, pin=_Pinner(kb.suggestions, clock)
    )
    hub = Hub()
    bot = _bot(ctx, SqlBotStore(engine), nlu, core.business, events, kb, cards, clock)
    replay = BotReplay(kb.knowledge, nlu, bot.rules.get, review_questions, clock)
    insight = build_insight(
        SqlInsightStore(engine), UowDirectory(ctx.uow), kb.knowledge, events, clock
    )
    container = Container(
        settings=settings,
        engine=engine,
        bus=events,
        handlers=core.handlers,
        jobs=core.jobs,
        ctx=ctx,
        business=core.business,
        nlu=nlu,
        knowledge=kb.knowledge,
        menus=kb.menus,
        suggestions=kb.suggestions,
        cards=cards,
        assist=AssistService(
            cards.store,
            ctx,
            events,
            cards,
            knowledge=lambda: kb.knowledge,
            nlu=lambda: nlu,
            business=core.business,
            packs=ops,
        ),
        ops=ops,
        bot=bot,
        dispatcher=Dispatcher(ctx, settings.dispatch_interval_s),
        sla_watch=SlaWatch(ctx, sla),
        hub=hub,
        metrics=Metrics(hub),
        insight=insight,
        quality=_quality(settings, engine, events, ctx, nlu),
        learning=build_learning(
            SqlLearningStore(engine),
            kb.knowledge,
            clock,
            _AccountOf(ctx),
            replay=replay,
            trials=ExperimentTrials(insight.actions),
        ),
        privacy=privacy_wiring.build(
            store=SqlPrivacyStore(engine),
            audit=SqlAuditLog(engine),
            bus=events,
            clock=ctx.clock,
            settings=AccountSettingsStore(engine),
            emotion_ttl_s=settings.emotion_ttl_s,
            purge_interval_s=settings.purge_interval_s,
        ),
        planning=build_planning(SqlContactHistory(engine), ctx.clock, settings.ops_timezone),
    )
    if settings.model_registry:
        container.models = LiveModels(
            ModelRegistry(Path(settings.model_registry)), nlu, events.publish, clock
        )
    # The suggestions' A/B split is insight's experiment: sticky per customer, not per chat.
    kb.suggestions.experiment = container.insight.sticky_suggestions(kb.suggestions.experiment)
    _subscribe(container)
    return container


#: The older name, for callers written before `bootstrap` took injected collaborators.
build = bootstrap


def _bot(
    ctx: ServiceContext,
    store: SqlBotStore,
    nlu: NluEngine,
    business: BusinessSystem,
    bus: InMemoryBus,
    kb: KnowledgeServices,
    cards: CardService,
    clock: Clock,
) -> Bot:
    # A bot turn is one transaction where the unit of work can join the bot's records.
    joined = False
    if isinstance(ctx.uow, SqlUnitOfWorkFactory):
        ctx.uow.provide(BOT_TURNS, SqlTurnRecords)
        ctx.uow.provide(SUGGESTION_RECORDS, SqlSuggestionRecords)
        joined = True
    return build_bot(
        clock=clock,
        conversations=ServiceConversations(ctx, joined=joined),
        store=store,
        drafts=store,
        ratings=store,
        nlu=nlu,
        business=business,
        bus=bus,
        knowledge=kb.knowledge,
        suggestions=kb.suggestions,
        cards=cards,
    )


def _quality(
    settings: Settings, engine: AsyncEngine, bus: InMemoryBus, ctx: ServiceContext, nlu: NluEngine
) -> Quality:
    hook = settings.survey_webhook_url
    return build_quality(
        ctx,
        bus,
        SqlQualityStore(engine),
        SqlTranscripts(engine),
        lambda text: nlu.emotion.predict(text).index,
        lambda text: nlu.intent.predict(text).label,
        tz=ZoneInfo(settings.ops_timezone),
        webhooks=WebhookNotifier(hook) if hook else None,
        public_url=settings.public_url,
    )


def _subscribe(c: Container) -> None:
    """Every subscription of the handler table, in one place."""
    on = c.handlers.on
    # Realtime lane, on every instance: fan-out, projections, per-instance caches.
    on(name="hub")(c.hub.on_event)
    on(name="metrics")(c.metrics.on_event)
    on(name="ops.board")(c.ops.on_event)
    on(KnowledgeChanged, name="knowledge.reload")(c.knowledge.on_changed)
    if c.models is not None:
        on(ModelPromoted, name="models.reload")(c.models.on_promoted)
    on(SuggestionPinned, name="suggestions.pins")(c.suggestions.on_pinned)
    on(MessageCreated, name="assist.reply_index", when=_from_team)(c.assist.on_team_reply)
    if c.settings.auto_assign:
        on(*TRIGGERS, name="dispatcher.wake", everywhere=True)(c.dispatcher.wake)
    c.metrics.watch_board(c.ops.board)
    # The gap tracker keeps a little state per conversation in memory: it hears the events
    # this instance committed (a rare write, a gap, follows).
    on(*LEARNING_EVENTS, name="learning.gaps", everywhere=False)(c.learning.handlers.handle)
    # Queued lane, once per event across instances, durable.
    on(ConversationAssigned, lane="queued", name="card.follow_assignment")(c.cards.on_assigned)
    on(ConversationTransferred, lane="queued", name="card.follow_transfer")(c.cards.on_transferred)
    on(ConversationHandedOver, lane="queued", name="card.on_handover")(c.cards.on_handed_over)
    if c.settings.bot_enabled:
        on(ConversationCreated, lane="queued", name="bot.greet", group="bot")(c.bot.greet_event)
        on(MessageCreated, lane="queued", name="bot.turn", group="bot", when=_from_customer)(
            c.bot.take_turn
        )


LEARNING_EVENTS = (
    ConversationCreated,
    ConversationResolved,
    ConversationHandedOver,
    MessageCreated,
    BotTurnTaken,
)


def _from_customer(event: MessageCreated) -> bool:
    return event.sender == "customer" and not event.internal


def _from_team(event: MessageCreated) -> bool:
    return event.sender == "agent" and not event.internal


@dataclass(frozen=True)
class _AccountOf:
    """The account a conversation belongs to, for handlers whose events do not carry it."""

    ctx: ServiceContext

    async def __call__(self, conversation_id: str) -> str | None:
        async with self.ctx.uow(read_only=True) as uow:
            found = await uow.conversations.get(conversation_id)
        return found.account_id if found is not None else None


@dataclass(frozen=True)
class _OpsBursts:
    """Live ops' burst detector seen as the suggestions' `BurstSource`."""

    detector: BurstDetector

    async def bursting(self, now: datetime) -> list[Burst]:
        return [Burst(topic=key.partition(":")[2]) for key in self.detector.active() if ":" in key]


@dataclass(frozen=True)
class _Pinner:
    """Pins a bursting topic in every instance's suggested questions."""

    suggestions: SuggestionService
    clock: Clock

    async def __call__(self, topic: str) -> None:
        now = self.clock()
        pinned = self.suggestions.pin(topic, until=now + PIN_BURSTS_FOR)
        await self.suggestions.pin_everywhere(pinned, topic, now)


def sla_policy(settings: Settings) -> SlaPolicy:
    return SlaPolicy(
        id="default",
        first_response_s=settings.sla_first_response_s,
        resolution_s=settings.sla_resolution_s,
        warn_at=settings.sla_warn_at,
    )
