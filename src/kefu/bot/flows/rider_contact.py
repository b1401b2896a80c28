"""How to reach the rider of an order (a relay number)."""

from __future__ import annotations

from kefu.bot.flows.base import FlowContext, FlowReply, Input, about
from kefu.bot.flows.order_status import OrderStatusFlow
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order


class RiderContactFlow(OrderStatusFlow):
    name = "rider_contact"

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        if order.rider is None:
            text = pick(ctx.language, "这个订单还没有骑手接单。", "No rider has this order yet.")
            return FlowReply(text, done=True, order=order)
        text = pick(
            ctx.language,
            f"骑手{order.rider.name}的联系电话（隐私号）：{order.rider.phone}。",
            f"You can reach rider {order.rider.name} on {order.rider.phone} (a relay number).",
        )
        return about(order, ctx, text)
