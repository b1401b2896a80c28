"""Where is my order: its status, its ETA (or how late it is) and where the rider is."""

from __future__ import annotations

from collections.abc import Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input, about
from kefu.bot.flows.cards import ACTIVE, status_text
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order


class OrderStatusFlow(Flow):
    name = "order_status"

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        active = [o for o in orders if o.status in ACTIVE]
        return active or list(orders[:1])

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        lang = ctx.language
        status = status_text(order, lang)
        name = order.restaurant.name.in_language(lang)
        if order.status in ACTIVE and order.eta is not None:
            eta = order.eta.strftime("%H:%M")
            minutes = max(0, int((order.eta - ctx.now).total_seconds() // 60))
            if order.is_late(ctx.now):
                late = order.minutes_late(ctx.now)
                text = pick(
                    lang,
                    f"您在{name}的订单{status}，原预计 {eta} 送达，已超时 {late} 分钟，我们已提醒骑手加急。",
                    f"Your order from {name} is {status}. It was due at {eta} and is {late} minutes late; we've asked the rider to hurry.",
                )
            else:
                text = pick(
                    lang,
                    f"您在{name}的订单{status}，预计 {eta} 送达（约 {minutes} 分钟）。",
                    f"Your order from {name} is {status}, expected at {eta} (about {minutes} min).",
                )
        else:
            text = pick(lang, f"您在{name}的订单{status}。", f"Your order from {name} is {status}.")
        if order.rider is not None and order.status in ACTIVE:
            text += pick(
                lang,
                f" 骑手{order.rider.name}当前位置：{order.rider.location}。",
                f" Rider {order.rider.name} is at {order.rider.location}.",
            )
        return about(order, ctx, text)
