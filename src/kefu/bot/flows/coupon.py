"""Why a coupon was or was not applied to an order."""

from __future__ import annotations

from collections.abc import Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input, about
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order, format_yuan


class CouponFlow(Flow):
    name = "coupon"

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        with_coupon = [o for o in orders if o.coupon is not None]
        return with_coupon or list(orders[:1])

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        coupon = order.coupon
        if coupon is None:
            text = pick(
                ctx.language,
                "这个订单没有使用优惠券。下单时在“优惠券”一栏选择即可。",
                "No coupon was used on that order; choose one under 'Coupons' at checkout.",
            )
        elif coupon.applied:
            text = pick(
                ctx.language,
                f"优惠券「{coupon.title.zh}」已生效，抵扣 {format_yuan(coupon.discount_cents)}。",
                f"The coupon '{coupon.title.en}' was applied: {format_yuan(coupon.discount_cents)} off.",
            )
        else:
            why = (
                coupon.reason_not_applied.in_language(ctx.language)
                if coupon.reason_not_applied
                else ""
            )
            text = pick(
                ctx.language,
                f"优惠券「{coupon.title.zh}」没有生效：{why}",
                f"The coupon '{coupon.title.en}' was not applied: {why}",
            )
        return about(order, ctx, text)
