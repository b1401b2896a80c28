"""A payment that failed or is still pending: what happened, in words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input, about
from kefu.bot.flows.cards import payment_text
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order, PaymentState

_CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


class PaymentFlow(Flow):
    name = "payment_failed"

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        failed = [
            o for o in orders if o.payment_state in (PaymentState.FAILED, PaymentState.PENDING)
        ]
        return failed or list(orders[:1])

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        status = await ctx.business.payment_status(order.order_id)
        text = payment_text(status.state, ctx.language)
        if order.payment_state is PaymentState.FAILED and order.payment_failure_reason:
            # The platform's reason is free text for people, shown as said, never a code.
            reason = order.payment_failure_reason
            if not _CODE.match(reason):
                text += pick(ctx.language, f"（原因：{reason}）", f" (reason: {reason})")
        return about(order, ctx, text)
