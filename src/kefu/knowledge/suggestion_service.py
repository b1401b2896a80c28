"""`SuggestionService`: what the bot calls after the greeting and after each answer.

    suggestions = await service.suggest(conversation_id, customer_id, language, now)
    await service.record_click(conversation_id, suggestion_id)

It gathers the context (recent orders through the business port, the local hour, bursts,
pins, popularity), lets the conversation's A/B variant choose, and logs impressions and
clicks (table rows and `suggestion.shown` / `suggestion.clicked` events).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from kefu.domain.business import BusinessError, BusinessSystem, Order, RefundState
from kefu.domain.customer import Customer
from kefu.knowledge.events import SuggestionClicked, SuggestionPinned, SuggestionShown
from kefu.knowledge.ports import Shown, SuggestionLog, SuggestionRecord
from kefu.knowledge.service import KnowledgeService
from kefu.knowledge.suggestions import (
    BurstSource,
    Candidate,
    ContextualStrategy,
    Experiment,
    NoBursts,
    OrderState,
    Pin,
    StaticStrategy,
    Suggestion,
    SuggestionContext,
)
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)

CHINA_TZ = timezone(timedelta(hours=8), "CST")
DEFAULT_STATIC = ("order-where", "refund-how", "order-cancel", "coupon-how", "locker-how")
POPULARITY_WINDOW = timedelta(days=7)
#: The tag of the entry that speaks first for its intent.
PRIMARY_TAG = "top"
POPULARITY_TTL = timedelta(minutes=5)

CustomerLookup = Callable[[str], Awaitable[Customer | None]]


def order_state(order: Order, now: datetime) -> OrderState:
    since = None
    if order.delivered_at is not None:
        since = int((now - order.delivered_at).total_seconds() // 60)
    return OrderState(
        order_id=order.order_id,
        status=order.status.value,
        is_late=order.is_late(now),
        payment_state=order.payment_state.value,
        has_refund=bool(order.refunds),
        refund_pending=any(r.state is RefundState.PENDING_REVIEW for r in order.refunds),
        coupon_not_applied=order.coupon is not None and not order.coupon.applied,
        minutes_since_delivery=since,
    )


@dataclass(frozen=True, slots=True)
class VariantReport:
    variant: str
    impressions: int
    clicks: int

    @property
    def ctr(self) -> float:
        return round(self.clicks / self.impressions, 4) if self.impressions else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "impressions": self.impressions,
            "clicks": self.clicks,
            "ctr": self.ctr,
        }


class SuggestionService:
    def __init__(
        self,
        knowledge: KnowledgeService,
        log_store: SuggestionLog,
        bus: EventBus,
        business: BusinessSystem,
        customers: CustomerLookup,
        *,
        experiment: Experiment | None = None,
        bursts: BurstSource | None = None,
        local_tz: tzinfo = CHINA_TZ,
        limit: int = 4,
        recent_orders: int = 3,
    ) -> None:
        self.knowledge = knowledge
        self.log_store = log_store
        self.bus = bus
        self.business = business
        self.customers = customers
        self.experiment = experiment or Experiment(
            ContextualStrategy(), StaticStrategy(DEFAULT_STATIC)
        )
        self.bursts: BurstSource = bursts or NoBursts()
        self.local_tz = local_tz
        self.limit = limit
        self.recent_orders = recent_orders
        self._pins: dict[str, Pin] = {}
        self._popularity: dict[str, int] = {}
        self._popularity_at: datetime | None = None

    # -- live ops --------------------------------------------------------------------------

    def pin(
        self, topic: str, *, text_zh: str = "", text_en: str = "", until: datetime | None = None
    ) -> Pin:
        """Push `topic` into everyone's suggestions (this instance) until `unpin` or
        `until`. The topic is a knowledge id, an intent, or words matched against the
        knowledge base; failing all three it is shown as free text."""
        knowledge_id = self._resolve(topic)
        if knowledge_id is None and not (text_zh or text_en):
            text_zh = text_en = topic
        pin = Pin(topic, knowledge_id, text_zh, text_en, until)
        self._pins[topic] = pin
        return pin

    def unpin(self, topic: str) -> bool:
        return self._pins.pop(topic, None) is not None

    async def pin_everywhere(self, pin: Pin | None, topic: str, now: datetime) -> None:
        """Announces a `pin` (or, with None, the unpinning of `topic`) to every instance."""
        event = SuggestionPinned(
            occurred_at=now,
            topic=topic,
            pinned=pin is not None,
            knowledge_id=pin.knowledge_id if pin else None,
            text_zh=pin.text_zh if pin else "",
            text_en=pin.text_en if pin else "",
            until=pin.until if pin else None,
        )
        await self.bus.publish([event])

    async def on_pinned(self, event: SuggestionPinned) -> None:
        if event.pinned:
            self._pins[event.topic] = Pin(
                event.topic, event.knowledge_id, event.text_zh, event.text_en, event.until
            )
        else:
            self._pins.pop(event.topic, None)

    def pins(self, now: datetime) -> list[Pin]:
        return [p for p in self._pins.values() if p.until is None or now < p.until]

    def _resolve(self, topic: str) -> str | None:
        if self.knowledge.get(topic) is not None:
            return topic
        for_intent = [e for e in self.knowledge.all() if e.enabled and e.intent == topic]
        if for_intent:
            return sorted(for_intent, key=lambda e: PRIMARY_TAG not in e.tags)[0].id
        hits = self.knowledge.match(topic, top_k=1)
        return hits[0].entry.id if hits and hits[0].score >= 0.5 else None

    # -- the bot's calls -------------------------------------------------------------------

    async def suggest(
        self, conversation_id: str, customer_id: str, language: str, now: datetime
    ) -> list[Suggestion]:
        """3–5 questions for this customer, most likely first; logged as an impression."""
        shown = await self.choose(conversation_id, await self.customers(customer_id), language, now)
        await self.log(shown)
        return list(shown.chosen)

    async def choose(
        self, conversation_id: str, customer: Customer | None, language: str, now: datetime
    ) -> Shown:
        """The questions to show, with the impression to log (`log`, or the unit of work of
        the message that shows them, through `SUGGESTION_RECORDS`)."""
        tags = customer.tags if customer else []
        channel = None
        candidates = {
            e.id: Candidate(e.id, e.intent, e.question.in_language(language), PRIMARY_TAG in e.tags)
            for e in self.knowledge.all()
            if e.available(now=now, channel=channel, customer_tags=tags)
        }
        context = SuggestionContext(
            language=language,
            local_hour=now.astimezone(self.local_tz).hour,
            orders=await self._orders(customer, now),
            candidates=candidates,
            bursts=await self._bursts(now),
            pins=self.pins(now),
            popularity=await self._popular(now),
            limit=self.limit,
        )
        strategy = self.experiment.variant(conversation_id)
        chosen = strategy.suggest(context)
        return Shown(
            account_id=self.knowledge.account_id,
            chosen=tuple(chosen),
            records=tuple(
                SuggestionRecord(
                    conversation_id, "shown", strategy.name, s.id, s.knowledge_id, n, now
                )
                for n, s in enumerate(chosen)
            ),
            event=SuggestionShown(
                occurred_at=now,
                conversation_id=conversation_id,
                variant=strategy.name,
                suggestion_ids=[s.id for s in chosen],
            ),
        )

    async def log(self, shown: Shown) -> None:
        """Logs an impression on its own (when no message's unit of work carries it)."""
        await self.log_store.add_many(shown.account_id, shown.records)
        await self.bus.publish([shown.event])

    async def record_click(
        self, conversation_id: str, suggestion_id: str, now: datetime | None = None
    ) -> None:
        """Logs that the customer chose a suggestion. A click on a suggestion never shown
        in this conversation (an old button) is still logged, under its A/B variant."""
        moment = now or self.knowledge.clock()
        shown = await self.log_store.last_shown(conversation_id, suggestion_id)
        variant = shown.variant if shown else self.experiment.variant(conversation_id).name
        knowledge_id = shown.knowledge_id if shown else None
        if shown is None and self.knowledge.get(suggestion_id) is not None:
            knowledge_id = suggestion_id
        position = shown.position if shown else -1
        record = SuggestionRecord(
            conversation_id, "clicked", variant, suggestion_id, knowledge_id, position, moment
        )
        await self.log_store.add_many(self.knowledge.account_id, [record])
        if knowledge_id is not None:
            self._popularity[knowledge_id] = self._popularity.get(knowledge_id, 0) + 1
        await self.bus.publish(
            [
                SuggestionClicked(
                    occurred_at=moment,
                    conversation_id=conversation_id,
                    variant=variant,
                    suggestion_id=suggestion_id,
                    knowledge_id=knowledge_id,
                    position=position,
                )
            ]
        )

    async def report(self, since: datetime | None = None) -> list[VariantReport]:
        counts = await self.log_store.counts(self.knowledge.account_id, since)
        return [VariantReport(c.variant, c.impressions, c.clicks) for c in counts]

    # -- context ---------------------------------------------------------------------------

    async def _orders(self, customer: Customer | None, now: datetime) -> Sequence[OrderState]:
        if customer is None or not customer.external_id:
            return ()
        try:
            orders = await self.business.recent_orders(customer.external_id, self.recent_orders)
        except BusinessError:
            # Suggestions are a courtesy: without the order system they fall back to the rest.
            log.warning("recent orders unavailable for suggestions", exc_info=True)
            return ()
        return [order_state(o, now) for o in orders]

    async def _bursts(self, now: datetime) -> Sequence[Any]:
        try:
            return await self.bursts.bursting(now)
        except Exception:
            log.warning("burst source failed", exc_info=True)
            return ()

    async def _popular(self, now: datetime) -> dict[str, int]:
        if self._popularity_at is None or now - self._popularity_at > POPULARITY_TTL:
            self._popularity = await self.log_store.clicks_by_knowledge(
                self.knowledge.account_id, now - POPULARITY_WINDOW
            )
            self._popularity_at = now
        return self._popularity
