"""Request a refund of what an order can still refund; above the business system's
automatic limit it goes to review (the limit is the business system's, not the bot's)."""

from __future__ import annotations

from collections.abc import Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input, ask_confirmation
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order, RefundState, check_refund, format_yuan


class RefundFlow(Flow):
    name = "refund"
    acts = True

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        return [o for o in orders if o.refundable_cents > 0]

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        amount = order.refundable_cents
        check_refund(order, amount)
        state.slots["amount_cents"] = amount
        state.step = "confirm"
        return ask_confirmation(ctx, self.confirm_text(ctx, order, state))

    def confirm_text(self, ctx: FlowContext, order: Order, state: FlowState) -> str:
        amount = format_yuan(int(state.slots["amount_cents"]))
        review = int(state.slots["amount_cents"]) > ctx.auto_refund_limit_cents
        note = pick(
            ctx.language,
            "（超过自动退款额度，需人工审核）" if review else "",
            " (above the automatic limit, so a colleague will review it)" if review else "",
        )
        return pick(
            ctx.language,
            f"为该订单申请退款 {amount}{note}，确认吗？",
            f"Request a refund of {amount}{note}?",
        )

    async def commit(self, ctx: FlowContext, order: Order, state: FlowState) -> FlowReply:
        refund = await ctx.business.request_refund(
            order.order_id, int(state.slots["amount_cents"]), "customer_request_via_bot"
        )
        amount = format_yuan(refund.amount_cents)
        if refund.state is RefundState.APPROVED:
            text = pick(
                ctx.language,
                f"退款 {amount} 已通过，1-3 个工作日原路退回。",
                f"Your refund of {amount} is approved and will arrive in 1-3 working days.",
            )
        else:
            text = pick(
                ctx.language,
                f"退款 {amount} 已提交，客服将在 24 小时内审核。",
                f"Your refund of {amount} is submitted; a colleague will review it within 24 hours.",
            )
        promise = pick(ctx.language, f"已申请退款 {amount}", f"refund of {amount} requested")
        return FlowReply(text, done=True, promise=promise, order=order)
