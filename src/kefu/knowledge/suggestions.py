"""Suggested questions: the 3–5 questions this customer most likely has right now.

A `SuggestionStrategy` ranks knowledge entries (and pinned free-text topics) from a
`SuggestionContext`; it is pure, so strategies can be tested and A/B-tested side by side.

* `ContextualStrategy` scores candidates from the customer's recent orders (a late or
  delivering order puts "where is my order" first; a cancelled order or a refund puts the
  refund questions first), the local hour (meal times, night), topics bursting right now
  (`BurstSource`, fed by live ops), topics pinned by live ops, and click popularity.
* `StaticStrategy` shows a configured list: the control group.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

MIN_SUGGESTIONS = 3
MAX_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    text: str
    knowledge_id: str | None


@dataclass(frozen=True, slots=True)
class OrderState:
    """What suggestions need to know of one recent order."""

    order_id: str
    status: str  # kefu.domain.business.OrderStatus values
    is_late: bool = False
    payment_state: str = "paid"
    has_refund: bool = False
    refund_pending: bool = False
    coupon_not_applied: bool = False
    minutes_since_delivery: int | None = None


@dataclass(frozen=True, slots=True)
class Burst:
    """A topic many customers ask about right now: a knowledge id or an intent name."""

    topic: str
    strength: float = 1.0


@dataclass(frozen=True, slots=True)
class Pin:
    """A topic live ops pushes into everyone's suggestions: a knowledge entry, or free
    text when no entry fits (then `text_zh`/`text_en` are shown and nothing is answered)."""

    topic: str
    knowledge_id: str | None
    text_zh: str = ""
    text_en: str = ""
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A knowledge entry the customer may be shown: its id, intent and question text."""

    knowledge_id: str
    intent: str | None
    text: str
    primary: bool = False  # the entry to show first among those of its intent (tag "top")


@dataclass(frozen=True, slots=True)
class SuggestionContext:
    language: str
    local_hour: int
    orders: Sequence[OrderState]
    candidates: Mapping[str, Candidate]  # by knowledge id: only entries this customer may see
    bursts: Sequence[Burst] = ()
    pins: Sequence[Pin] = ()
    popularity: Mapping[str, int] = field(default_factory=dict)  # clicks by knowledge id
    limit: int = 4


class SuggestionStrategy(Protocol):
    @property
    def name(self) -> str: ...

    def suggest(self, context: SuggestionContext) -> list[Suggestion]: ...


class BurstSource(Protocol):
    async def bursting(self, now: datetime) -> Sequence[Burst]: ...


class NoBursts:
    async def bursting(self, now: datetime) -> Sequence[Burst]:
        return ()


def _limit(context: SuggestionContext) -> int:
    return max(MIN_SUGGESTIONS, min(MAX_SUGGESTIONS, context.limit))


def _from_candidate(candidate: Candidate) -> Suggestion:
    return Suggestion(candidate.knowledge_id, candidate.text, candidate.knowledge_id)


def _from_pin(pin: Pin, context: SuggestionContext) -> Suggestion | None:
    if pin.knowledge_id is not None:
        found = context.candidates.get(pin.knowledge_id)
        return _from_candidate(found) if found else None
    text = pin.text_en if context.language == "en" else pin.text_zh
    text = text or pin.text_zh or pin.text_en
    return Suggestion(f"pin-{_slug(pin.topic)}", text, None) if text else None


def _slug(topic: str) -> str:
    return hashlib.sha1(topic.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class StaticStrategy:
    """The same configured questions for everyone (those this customer may see)."""

    knowledge_ids: Sequence[str]
    name: str = "static"

    def suggest(self, context: SuggestionContext) -> list[Suggestion]:
        chosen = [context.candidates[k] for k in self.knowledge_ids if k in context.candidates]
        return [_from_candidate(c) for c in chosen[: _limit(context)]]


@dataclass(frozen=True, slots=True)
class ContextualRules:
    """Which entries each situation brings forward, most relevant first (demo ids)."""

    late: Sequence[str] = (
        "order-where",
        "delivery-late",
        "policy-late-compensation",
        "rider-contact",
    )
    on_the_way: Sequence[str] = ("order-where", "rider-contact", "delivery-urge")
    preparing: Sequence[str] = ("order-where", "order-change-address", "order-cancel-after-accept")
    placed: Sequence[str] = ("order-cancel", "order-accepted", "order-change-address")
    payment_problem: Sequence[str] = ("payment-failed", "payment-pending", "payment-methods")
    refunding: Sequence[str] = ("refund-progress", "refund-time", "refund-destination")
    cancelled: Sequence[str] = ("refund-cancelled", "refund-progress", "refund-time")
    coupon_problem: Sequence[str] = ("coupon-not-applied", "coupon-how")
    just_delivered: Sequence[str] = ("food-missing", "food-quality", "invoice-how")
    meal_time: Sequence[str] = ("delivery-time", "coupon-how", "dorm-pickup-point")
    night: Sequence[str] = ("dorm-curfew", "delivery-hours", "locker-how")
    fallback: Sequence[str] = (
        "order-where",
        "refund-how",
        "coupon-how",
        "locker-how",
        "account-login",
    )
    meal_hours: frozenset[int] = frozenset({10, 11, 12, 16, 17, 18})
    night_hours: frozenset[int] = frozenset({22, 23, 0, 1, 2, 3, 4, 5})
    recent_delivery_minutes: int = 180


# Weights: an order that needs help now outranks everything; a pinned topic outranks the
# rest; bursts, time of day and popularity only order what is left.
W_LATE, W_ORDER, W_PIN, W_BURST, W_TIME, W_POPULAR, W_FALLBACK = 1000, 500, 300, 100, 40, 20, 1


@dataclass(frozen=True, slots=True)
class ContextualStrategy:
    rules: ContextualRules = field(default_factory=ContextualRules)
    name: str = "contextual"

    def suggest(self, context: SuggestionContext) -> list[Suggestion]:
        scores: dict[str, float] = {}

        def bring(ids: Sequence[str], weight: float) -> None:
            for rank, knowledge_id in enumerate(ids):
                if knowledge_id in context.candidates:
                    # Earlier in the list is more relevant: a small step keeps the order.
                    value = weight - rank
                    scores[knowledge_id] = max(scores.get(knowledge_id, 0.0), value) + 0.001 * value

        for order in context.orders:
            weight = W_LATE if order.is_late else W_ORDER
            bring(self._for_order(order), weight)
        for burst in context.bursts:
            matching = [
                c for c in context.candidates.values() if burst.topic in (c.knowledge_id, c.intent)
            ]
            ids = [c.knowledge_id for c in sorted(matching, key=lambda c: not c.primary)]
            bring(ids, W_BURST * min(max(burst.strength, 0.1), 2.0))
        if context.local_hour in self.rules.meal_hours:
            bring(self.rules.meal_time, W_TIME)
        if context.local_hour in self.rules.night_hours:
            bring(self.rules.night, W_TIME)
        top = max(context.popularity.values(), default=0)
        for knowledge_id, clicks in context.popularity.items():
            if top and knowledge_id in context.candidates:
                scores[knowledge_id] = scores.get(knowledge_id, 0.0) + W_POPULAR * clicks / top
        bring(self.rules.fallback, W_FALLBACK)
        return self._assemble(context, scores)

    def _for_order(self, order: OrderState) -> Sequence[str]:
        r = self.rules
        if order.is_late:
            return r.late
        if order.payment_state == "failed" or order.payment_state == "pending":
            return r.payment_problem
        if order.refund_pending or order.payment_state in ("refunded", "partially_refunded"):
            return r.refunding
        if order.status == "cancelled":
            return r.cancelled
        if order.coupon_not_applied:
            return r.coupon_problem
        if order.status in ("picked_up", "delivering"):
            return r.on_the_way
        if order.status in ("accepted", "preparing"):
            return r.preparing
        if order.status == "placed":
            return r.placed
        recent = order.minutes_since_delivery
        if (
            order.status == "delivered"
            and recent is not None
            and recent <= r.recent_delivery_minutes
        ):
            return r.just_delivered
        return ()

    def _assemble(
        self, context: SuggestionContext, scores: Mapping[str, float]
    ) -> list[Suggestion]:
        ranked = sorted(scores, key=lambda k: (-scores[k], k))
        chosen = [_from_candidate(context.candidates[k]) for k in ranked]
        pinned = [s for s in (_from_pin(p, context) for p in context.pins) if s is not None]
        if pinned:
            # The customer's own most pressing question keeps the first place; pins follow.
            urgent = min(1, sum(1 for k in ranked if scores[k] >= W_ORDER - 10))
            chosen = [s for s in chosen if s.id not in {p.id for p in pinned}]
            chosen = chosen[:urgent] + pinned + chosen[urgent:]
        unique = list({s.id: s for s in chosen}.values())
        return unique[: _limit(context)]


@dataclass(frozen=True, slots=True)
class Experiment:
    """Splits conversations between two strategies by a stable hash of the conversation id:
    the same conversation always sees the same variant, on every instance."""

    treatment: SuggestionStrategy
    control: SuggestionStrategy
    treatment_share: float = 0.5
    salt: str = "suggestions-v1"

    def variant(self, conversation_id: str) -> SuggestionStrategy:
        digest = hashlib.sha256(f"{self.salt}:{conversation_id}".encode()).digest()
        bucket = int.from_bytes(digest[:8], "big") / 2**64
        return self.treatment if bucket < self.treatment_share else self.control
