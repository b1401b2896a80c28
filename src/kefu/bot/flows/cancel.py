"""Cancel an order, only before the restaurant accepts it, and only once confirmed."""

from __future__ import annotations

from collections.abc import Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input, ask_confirmation
from kefu.bot.flows.cards import ACTIVE
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order, PaymentState, check_can_cancel, format_yuan


class CancelFlow(Flow):
    name = "cancel_order"
    acts = True

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        return [o for o in orders if o.status in ACTIVE]

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        check_can_cancel(order)
        state.step = "confirm"
        return ask_confirmation(ctx, self.confirm_text(ctx, order, state))

    def confirm_text(self, ctx: FlowContext, order: Order, state: FlowState) -> str:
        name = order.restaurant.name.in_language(ctx.language)
        return pick(
            ctx.language,
            f"确认取消{name}的订单（{format_yuan(order.total_cents)}）吗？",
            f"Cancel your order from {name} ({format_yuan(order.total_cents)})?",
        )

    async def commit(self, ctx: FlowContext, order: Order, state: FlowState) -> FlowReply:
        await ctx.business.cancel_order(order.order_id, "customer_request_via_bot")
        paid = order.payment_state is PaymentState.PAID
        text = pick(
            ctx.language,
            "订单已取消。" + ("款项将原路退回。" if paid else ""),
            "The order is cancelled." + (" The payment will be refunded." if paid else ""),
        )
        return FlowReply(
            text,
            done=True,
            promise=pick(ctx.language, "已取消订单", "order cancelled"),
            order=order,
        )
