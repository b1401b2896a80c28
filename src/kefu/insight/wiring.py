"""Builds insight from adapters it is given (it never imports `kefu.adapters`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.insight.actions import InsightActions
from kefu.insight.experiments import assign, demo_experiment
from kefu.insight.handlers import JourneyTracker
from kefu.insight.journeys import records_steps
from kefu.insight.ports import CustomerDirectory, InsightStore
from kefu.insight.promote import FIRST_LEVEL
from kefu.knowledge.service import KnowledgeService
from kefu.knowledge.suggestion_service import DEFAULT_STATIC, PRIMARY_TAG
from kefu.knowledge.suggestions import Experiment, SuggestionStrategy
from kefu.services.ports import EventBus

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class KnowledgeAdapter:
    """The knowledge package's service seen as insight's `KnowledgeView` and editor."""

    service: KnowledgeService

    def is_entry(self, node: str) -> bool:
        return self.service.get(node) is not None

    def question(self, entry_id: str, language: str) -> str | None:
        entry = self.service.get(entry_id)
        return entry.question.in_language(language) if entry else None

    def menu_level(self, entry_id: str) -> int | None:
        entry = self.service.get(entry_id)
        return None if entry is None else len(entry.category) + 1

    def path_of(self, entry_id: str) -> Sequence[str] | None:
        entry = self.service.get(entry_id)
        return None if entry is None else [c.id for c in entry.category]

    def suggested(self) -> frozenset[str]:
        tagged = {e.id for e in self.service.all() if PRIMARY_TAG in e.tags}
        return frozenset(DEFAULT_STATIC) | tagged

    async def promote(self, entry_id: str, action: str, author: str) -> dict[str, Any]:
        """To the first menu level (no category above it), or into the suggestions (tagged
        `top`: the entry suggested first for its intent). A normal, versioned edit."""
        entry = self.service.get(entry_id)
        assert entry is not None
        if action == FIRST_LEVEL:
            changed = dataclasses.replace(entry, category=())
        else:
            changed = dataclasses.replace(entry, tags=(*entry.tags, PRIMARY_TAG))
        saved = await self.service.update(changed, author)
        return {**saved.to_document(), "version": self.service.version_of(saved.id)}


@dataclass(frozen=True, slots=True)
class CustomerSplit(Experiment):
    """The suggestions' A/B split made sticky per customer (the experiment's unit): the
    variant comes from insight's assignment of the conversation's customer, so a customer
    who comes back sees the same strategy. Falls back to the conversation id when the
    customer is not known yet."""

    customer_of: Callable[[str], str | None] = lambda _: None

    def variant(self, conversation_id: str) -> SuggestionStrategy:
        unit = self.customer_of(conversation_id) or conversation_id
        chosen = assign(demo_experiment(), unit)
        return self.treatment if chosen == self.treatment.name else self.control


@dataclass
class Insight:
    actions: InsightActions
    tracker: JourneyTracker

    def sticky_suggestions(self, split: Experiment) -> Experiment:
        """`split` with the same strategies, assigned per customer."""
        return CustomerSplit(
            split.treatment, split.control, split.treatment_share, split.salt,
            customer_of=self.tracker.customer_of,
        )  # fmt: skip

    async def start(self) -> None:
        await self.actions.ensure_experiment(demo_experiment())
        await self.tracker.start()

    async def stop(self) -> None:
        await self.tracker.stop()


def build_insight(
    store: InsightStore,
    people: CustomerDirectory,
    knowledge: KnowledgeService,
    bus: EventBus,
    clock: Callable[[], datetime],
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    flush_every_s: float = 1.0,
    tz: tzinfo = DEFAULT_TZ,
) -> Insight:
    """Days and hours of the reports are local to `tz` (default Asia/Shanghai, as the
    live board's "today")."""
    adapter = KnowledgeAdapter(knowledge)
    tracker = JourneyTracker(
        store, adapter, clock, account_id=account_id, flush_every_s=flush_every_s, tz=tz
    )
    # On the instance that committed the event, in the realtime lane: the tracker only
    # buffers the steps (a background loop writes them in batches), so a durable job per
    # event would buy nothing and cost a row per event.
    bus.handlers.on(name="insight.journeys", everywhere=False, when=records_steps)(tracker.handle)
    actions = InsightActions(store, tracker, people, adapter, adapter, clock, account_id)
    return Insight(actions, tracker)
