"""The hand-over card: the whole story on one card, so the agent never asks the customer to
repeat themselves. Built by the bot at hand-over, edited by agents, carried through transfers.

Pure: `build_card` takes what the bot knows (`CardFacts`) and returns a card; `rebuild`
refreshes a card after a second hand-over without losing what agents wrote; `apply_edit`
checks an agent's change field by field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from kefu.assist.summary import summarise
from kefu.assist.turns import BotTurn, dominant_intent, trajectory_of
from kefu.domain.business import Order, OrderStatus
from kefu.domain.conversation import MAX_PRIORITY
from kefu.domain.errors import InvalidInput

ORDER_INTENTS = frozenset(
    {
        "order_status",
        "delivery_late",
        "cancel_order",
        "change_address",
        "refund",
        "food_quality",
        "invoice",
        "rider_contact",
    }
)
_FINISHED = frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED})

# intent -> (zh, en): what the agent should do first.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    "order_status": (
        "查询订单配送状态，告知顾客预计送达时间",
        "Check the delivery and give the ETA",
    ),
    "delivery_late": (
        "联系骑手确认位置，告知新的送达时间，视情况发放补偿",
        "Reach the rider, give a new ETA, offer a remedy if due",
    ),
    "cancel_order": (
        "确认商家是否已接单，按规则取消订单",
        "Check if the restaurant accepted; cancel",
    ),
    "change_address": (
        "确认骑手是否已取餐，更新地址或电话",
        "Check pick-up status; update the address",
    ),
    "refund": ("核对订单与退款规则，发起或跟进退款", "Check the refund rules; start or chase it"),
    "food_quality": (
        "请顾客提供照片，核实后按规则部分退款",
        "Ask for a photo; grant a partial refund within limits",
    ),
    "payment_failed": ("核对支付记录，指导顾客重新支付", "Check the payment record; guide a retry"),
    "coupon": ("核对优惠券规则，说明未生效原因或补发", "Check coupon rules; explain or reissue"),
    "invoice": ("确认开票信息，提交开票申请", "Confirm invoice details and request it"),
    "rider_contact": ("通过虚拟号联系骑手", "Reach the rider through the relay number"),
    "account": ("核实身份后处理账户问题", "Verify identity; fix the account issue"),
    "complaint": (
        "先安抚情绪，记录投诉内容，给出处理方案与时限",
        "Soothe first, record the complaint, give a plan and a time",
    ),
}
DEFAULT_NEXT_STEP = ("确认顾客的问题并给出解决方案", "Confirm the problem and propose a solution")

MAX_SUMMARY = 500
MAX_NOTE = 1000
MAX_SHORT = 64
MAX_PROMISES = 20
MAX_PROMISE = 200


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What the bot knows at the moment it hands a conversation over."""

    conversation_id: str
    channel: str
    language: str
    reason: str
    now: datetime
    priority: int = 0
    queue: str = "general"
    assignee_id: str | None = None
    turns: Sequence[BotTurn] = ()
    customer_id: str | None = None
    customer_name: str | None = None
    customer_tags: Sequence[str] = ()
    orders: Sequence[Order] = ()
    promises: Sequence[str] = ()
    contacts_7d: int = 1
    sla_due: datetime | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class HandoverCard:
    conversation_id: str
    summary: str
    category: str | None
    intent: str | None
    related_order: str | None
    emotion_now: str
    emotion_index: int
    emotion_trend: str
    priority: int
    handover_reason: str
    bot_attempts: int
    promises: tuple[str, ...]
    progress: str
    next_step: str
    owner: str | None
    sla_due: datetime | None
    channel: str
    language: str
    contacts_7d: int
    queue: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    #: Fields an agent has written: a later rebuild by the bot leaves them alone.
    edited_fields: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HandoverCard:
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name in ("created_at", "updated_at", "sla_due") and isinstance(value, str):
                value = datetime.fromisoformat(value)
            elif f.name in ("promises", "edited_fields"):
                value = tuple(value or ())
            values[f.name] = value
        return cls(**values)


def related_order(
    turns: Sequence[BotTurn], orders: Sequence[Order], intent: str | None
) -> str | None:
    """The order the customer named last; otherwise, when any of their questions was about an
    order (before "转人工", say), their latest order still under way (or their latest one)."""
    for turn in reversed(turns):
        if turn.order_ids:
            return turn.order_ids[-1]
    about_orders = intent in ORDER_INTENTS or any(t.intent in ORDER_INTENTS for t in turns)
    if not about_orders or not orders:
        return None
    latest = sorted(orders, key=lambda o: o.placed_at, reverse=True)
    running = [o for o in latest if o.status not in _FINISHED]
    return (running or latest)[0].order_id


def progress_text(turns: Sequence[BotTurn], language: str, owner: str | None) -> str:
    zh = language != "en"
    answered = sum(1 for t in turns if t.outcome in ("answered", "flow_done"))
    failed = sum(1 for t in turns if t.failed)
    if zh:
        done = f"机器人回答 {answered} 次，未解决 {failed} 次"
        return f"{done}；已由客服接手" if owner else f"{done}；已转人工，等待客服接入"
    done = f"Bot answered {answered}, could not help {failed} times"
    return f"{done}; an agent has it" if owner else f"{done}; handed over, waiting for an agent"


def build_card(facts: CardFacts) -> HandoverCard:
    turns = list(facts.turns)
    intent, _ = dominant_intent(turns)
    order = related_order(turns, facts.orders, intent)
    trajectory = trajectory_of(turns)
    last = turns[-1] if turns else None
    category = facts.category or next((t.category for t in reversed(turns) if t.category), None)
    language = "en" if facts.language == "en" else "zh"
    steps = NEXT_STEPS.get(intent or "", DEFAULT_NEXT_STEP)
    return HandoverCard(
        conversation_id=facts.conversation_id,
        summary=summarise(turns, language, related_order=order),
        category=category or intent,
        intent=intent,
        related_order=order,
        emotion_now=last.emotion_category if last else "neutral",
        emotion_index=last.emotion_index if last else 3,
        emotion_trend=trajectory.trend,
        priority=facts.priority,
        handover_reason=facts.reason,
        bot_attempts=sum(1 for t in turns if t.replied),
        promises=tuple(p.strip() for p in facts.promises if p.strip()),
        progress=progress_text(turns, language, facts.assignee_id),
        next_step=steps[0 if language == "zh" else 1],
        owner=facts.assignee_id,
        sla_due=facts.sla_due,
        channel=facts.channel,
        language=language,
        contacts_7d=max(1, facts.contacts_7d),
        queue=facts.queue,
        created_at=facts.now,
        updated_at=facts.now,
    )


def rebuild(existing: HandoverCard, fresh: HandoverCard) -> HandoverCard:
    """A second hand-over refreshes what the bot knows; agents' edits stay, promises add up."""
    values = {
        f.name: getattr(fresh, f.name)
        for f in fields(HandoverCard)
        if f.name not in existing.edited_fields
        and f.name not in ("created_at", "version", "edited_fields", "promises")
    }
    promises = existing.promises
    if "promises" not in existing.edited_fields:
        promises = tuple(dict.fromkeys([*existing.promises, *fresh.promises]))
    return replace(existing, **values, promises=promises, version=existing.version + 1)


def with_owner(card: HandoverCard, owner: str | None, now: datetime) -> HandoverCard:
    """The card travels with a transfer: only the owner changes (and the progress line, unless
    an agent wrote their own)."""
    progress = card.progress
    if "progress" not in card.edited_fields and owner and card.owner is None:
        progress = card.progress.replace("已转人工，等待客服接入", "已由客服接手").replace(
            "handed over, waiting for an agent", "an agent has it"
        )
    return replace(card, owner=owner, progress=progress, updated_at=now, version=card.version + 1)


def _text(value: Any, name: str, limit: int, *, optional: bool) -> str | None:
    if value is None:
        if optional:
            return None
        raise InvalidInput(f"{name} must not be empty")
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text")
    text = value.strip()
    if not text:
        if optional:
            return None
        raise InvalidInput(f"{name} must not be empty")
    if len(text) > limit:
        raise InvalidInput(f"{name} may have at most {limit} characters, got {len(text)}")
    return text


def _check_priority(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PRIORITY:
        raise InvalidInput(f"priority must be a whole number from 0 to {MAX_PRIORITY}")
    return value


def _check_promises(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or len(value) > MAX_PROMISES:
        raise InvalidInput(f"promises must be a list of at most {MAX_PROMISES} texts")
    out = [_text(p, "a promise", MAX_PROMISE, optional=False) for p in value]
    return tuple(p for p in out if p)


def _check_emotion(value: Any) -> str:
    from kefu.nlu.types import EMOTION_CATEGORIES

    if value not in EMOTION_CATEGORIES:
        raise InvalidInput(f"emotion_now must be one of {', '.join(EMOTION_CATEGORIES)}")
    return str(value)


def _check_due(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            due = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if due.tzinfo is not None:
                return due
    raise InvalidInput("sla_due must be an ISO 8601 time with a time zone, or null")


EDITABLE: dict[str, Any] = {
    "summary": lambda v: _text(v, "summary", MAX_SUMMARY, optional=False),
    "category": lambda v: _text(v, "category", MAX_SHORT, optional=True),
    "intent": lambda v: _text(v, "intent", MAX_SHORT, optional=True),
    "related_order": lambda v: _text(v, "related_order", MAX_SHORT, optional=True),
    "emotion_now": _check_emotion,
    "priority": _check_priority,
    "promises": _check_promises,
    "progress": lambda v: _text(v, "progress", MAX_NOTE, optional=False),
    "next_step": lambda v: _text(v, "next_step", MAX_NOTE, optional=False),
    "sla_due": _check_due,
}


def apply_edit(
    card: HandoverCard, changes: Mapping[str, Any], now: datetime
) -> tuple[HandoverCard, dict[str, tuple[Any, Any]]]:
    """Checks and applies an agent's edit; returns the new card and {field: (old, new)} for
    the audit trail. Fields that do not change are left out of the diff."""
    if not changes:
        raise InvalidInput("give at least one field to change")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            f"cannot edit {', '.join(unknown)}; editable fields: {', '.join(EDITABLE)}"
        )
    checked = {name: EDITABLE[name](value) for name, value in changes.items()}
    diff = {
        name: (getattr(card, name), value)
        for name, value in checked.items()
        if getattr(card, name) != value
    }
    if not diff:
        return card, {}
    edited = tuple(sorted({*card.edited_fields, *diff}))
    updated = replace(
        card, **checked, edited_fields=edited, updated_at=now, version=card.version + 1
    )
    return updated, diff


#: The fields the product promises on every card (issue 4): tests hold the card to them.
CARD_FIELDS: tuple[str, ...] = (
    "summary",
    "category",
    "intent",
    "related_order",
    "emotion_now",
    "emotion_trend",
    "priority",
    "handover_reason",
    "bot_attempts",
    "promises",
    "progress",
    "next_step",
    "owner",
    "sla_due",
    "channel",
    "language",
    "contacts_7d",
)
