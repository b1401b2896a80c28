"""The task-flow state machine: find the order, act, confirm, commit.

A flow is a small state machine over `FlowState` (step + slots). It asks for the order when
it is not clear (the customer's recent orders come back as choices), asks for confirmation
before changing anything, and answers gracefully when the business system refuses or is
down. Flows reach the business system only through its port.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kefu.bot import cues
from kefu.bot.flows.cards import order_card, order_choice
from kefu.bot.flows.refusals import refusal
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick, say
from kefu.domain.business import (
    BusinessError,
    BusinessSystem,
    BusinessSystemUnavailable,
    Language,
    NotAllowed,
    Order,
    OrderNotFound,
)


@dataclass(frozen=True, slots=True)
class FlowContext:
    business: BusinessSystem
    customer_ref: str | None  # the customer's id in the business system
    language: Language
    now: datetime
    #: Above this a refund waits for review: the business system's own limit.
    auto_refund_limit_cents: int


@dataclass(slots=True)
class FlowReply:
    text: str
    done: bool
    payload: dict[str, Any] = field(default_factory=dict)
    failed: bool = False
    #: Something the bot told the customer it would do, for the hand-over card.
    promise: str | None = None
    #: The order the reply is about (for `{order.eta}` answers and the conversation's topic).
    order: Order | None = None
    #: What the reply asks the customer ("confirm", "which_order", "value"…), if anything.
    asks: str | None = None


@dataclass(frozen=True, slots=True)
class Input:
    """A customer message as a flow sees it."""

    text: str
    choice: str | None  # the value of a pressed button
    order_ids: Sequence[str] = ()


class Flow:
    """One task: which orders it applies to, and what to do once the order is known."""

    name: str = ""
    #: Flows that change an order start only on a request, never on a question about it.
    acts: bool = False

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        return list(orders)

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        raise NotImplementedError

    def confirm_text(self, ctx: FlowContext, order: Order, state: FlowState) -> str:
        return ""

    async def commit(self, ctx: FlowContext, order: Order, state: FlowState) -> FlowReply:
        raise NotImplementedError

    async def step(self, ctx: FlowContext, state: FlowState, msg: Input) -> FlowReply:
        try:
            return await self._step(ctx, state, msg)
        except BusinessSystemUnavailable:
            return FlowReply(say("business_down", ctx.language), done=True, failed=True)
        except OrderNotFound:
            text = pick(
                ctx.language, "没有找到这个订单号，请核对一下。", "I can't find that order."
            )
            return FlowReply(text, done=True, failed=True)
        except NotAllowed as exc:
            return FlowReply(refusal(exc, ctx.language), done=True, failed=True)
        except BusinessError:
            return FlowReply(say("business_down", ctx.language), done=True, failed=True)

    async def _step(self, ctx: FlowContext, state: FlowState, msg: Input) -> FlowReply:
        if state.step == "confirm":
            order = await ctx.business.get_order(state.slots["order_id"])
            if msg.choice == "yes" or cues.is_affirmation(msg.text):
                return await self.commit(ctx, order, state)
            if msg.choice == "no" or cues.is_refusal(msg.text):
                return FlowReply(say("flow_dropped", ctx.language), done=True)
            return ask_confirmation(ctx, self.confirm_text(ctx, order, state))
        if "order_id" not in state.slots:
            chosen = await self._choose_order(ctx, state, msg)
            if isinstance(chosen, FlowReply):
                return chosen
            state.slots["order_id"] = chosen.order_id
            state.step = "act"
            return await self.act(ctx, chosen, state, Input("", None))
        order = await ctx.business.get_order(state.slots["order_id"])
        return await self.act(ctx, order, state, msg)

    async def _choose_order(
        self, ctx: FlowContext, state: FlowState, msg: Input
    ) -> Order | FlowReply:
        wanted = msg.choice or next(iter(msg.order_ids), None) or state.slots.pop("hint", None)
        if wanted:
            return await ctx.business.get_order(str(wanted))
        if ctx.customer_ref is None:
            text = pick(ctx.language, "请告诉我您的订单号。", "Please tell me your order number.")
            state.step = "order"
            return FlowReply(text, done=False, asks="which_order")
        orders = self.candidates(await ctx.business.recent_orders(ctx.customer_ref, limit=5))
        if not orders:
            return FlowReply(say("no_orders", ctx.language), done=True, failed=True)
        if len(orders) == 1:
            return orders[0]
        state.step = "order"
        return FlowReply(
            say("which_order", ctx.language),
            done=False,
            payload={
                "orders": [order_card(o, ctx.language) for o in orders],
                "choices": [order_choice(o, ctx.language) for o in orders],
            },
            asks="which_order",
        )


def about(order: Order, ctx: FlowContext, text: str) -> FlowReply:
    """A finished answer about one order, shown with the order's card."""
    return FlowReply(
        text, done=True, payload={"orders": [order_card(order, ctx.language)]}, order=order
    )


def ask_confirmation(ctx: FlowContext, text: str) -> FlowReply:
    choices = [
        {"label": say("confirm", ctx.language), "value": "yes"},
        {"label": say("cancel", ctx.language), "value": "no"},
    ]
    return FlowReply(text, done=False, payload={"choices": choices}, asks="confirm")
