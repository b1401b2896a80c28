"""Builds the quality package from the adapters `kefu.bootstrap` hands it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from kefu.quality.actions import QualityActions
from kefu.quality.handlers import QualityHandlers, wants
from kefu.quality.notify import AllNotifiers, ConversationNotifier
from kefu.quality.ports import (
    EmotionReader,
    IntentReader,
    QualityStore,
    SurveyNotifier,
    TranscriptSource,
)
from kefu.quality.reports import QualityReports
from kefu.quality.scheduler import NpsScheduler
from kefu.quality.styles import ReplyStyleClassifier, load_default
from kefu.services.context import ServiceContext
from kefu.services.ports import EventBus


@dataclass
class Quality:
    actions: QualityActions
    reports: QualityReports
    handlers: QualityHandlers
    scheduler: NpsScheduler
    bus: EventBus

    async def start(self) -> None:
        # On the instance that committed the event, in the realtime lane: the handler only
        # queues work of its own (a closed conversation is also found again by `catch_up`),
        # so a durable job per event would buy nothing and cost a row per event.
        self.bus.handlers.on(name="quality.events", everywhere=False, when=wants)(
            self.handlers.handle
        )
        await self.handlers.start()
        await self.handlers.catch_up()
        await self.scheduler.start()

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self.handlers.stop()


def build_quality(
    ctx: ServiceContext,
    bus: EventBus,
    store: QualityStore,
    transcripts: TranscriptSource,
    emotion: EmotionReader,
    intent: IntentReader | None = None,
    *,
    tz: tzinfo,
    webhooks: SurveyNotifier | None = None,
    public_url: str = "",
    styles: ReplyStyleClassifier | None = None,
    interval_s: float = 5.0,
) -> Quality:
    """Surveys go into the customer's conversation, and to `webhooks` when given."""
    actions = QualityActions(
        ctx, bus, store, transcripts, styles or load_default(), emotion, intent
    )
    channels: list[SurveyNotifier] = [ConversationNotifier(ctx)]
    if webhooks is not None:
        channels.append(webhooks)
    scheduler = NpsScheduler(
        store, AllNotifiers(channels), ctx.clock, public_url=public_url, interval_s=interval_s
    )
    return Quality(
        actions=actions,
        reports=QualityReports(ctx, store, tz),
        handlers=QualityHandlers(actions),
        scheduler=scheduler,
        bus=bus,
    )
