"""A hand-moved clock and quality wired on fakes (no database, no app)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pytest

from kefu.adapters.bus.memory import InMemoryBus
from kefu.domain.events import DomainEvent
from kefu.quality.actions import QualityActions
from kefu.quality.fakes import InMemoryQualityStore, InMemoryTranscripts, RecordingNotifier
from kefu.quality.handlers import QualityHandlers
from kefu.quality.scheduler import NpsScheduler
from kefu.quality.styles import ReplyStyleClassifier, load_default
from kefu.services.context import ServiceContext

from .factories import T0


@dataclass
class HandClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@cache
def styles() -> ReplyStyleClassifier:
    return load_default()


@dataclass
class Rig:
    clock: HandClock
    store: InMemoryQualityStore
    transcripts: InMemoryTranscripts
    notifier: RecordingNotifier
    actions: QualityActions
    handlers: QualityHandlers
    scheduler: NpsScheduler
    published: list[DomainEvent]


@pytest.fixture
def rig() -> Rig:
    clock = HandClock()
    bus = InMemoryBus()
    published: list[DomainEvent] = []

    async def remember(event: DomainEvent) -> None:
        published.append(event)

    bus.subscribe(remember)
    store, transcripts, notifier = (
        InMemoryQualityStore(),
        InMemoryTranscripts(),
        RecordingNotifier(),
    )
    ctx = ServiceContext(uow=None, clock=clock)  # type: ignore[arg-type]
    actions = QualityActions(ctx, bus, store, transcripts, styles(), lambda text: 3)
    scheduler = NpsScheduler(store, notifier, clock, public_url="https://kefu.example")
    return Rig(
        clock, store, transcripts, notifier, actions, QualityHandlers(actions), scheduler, published
    )
