"""Request an invoice for a paid, delivered order: title and e-mail, then confirm."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input, ask_confirmation
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order

_EMAIL = re.compile(r"[^@\s，,]+@[^@\s，,]+\.[A-Za-z]{2,}")


class InvoiceFlow(Flow):
    name = "invoice"
    acts = True

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        return [o for o in orders if o.paid_cents > 0]

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        if state.step == "act" and not msg.text:
            state.step = "details"
            return FlowReply(
                pick(
                    ctx.language,
                    "请发送发票抬头和接收邮箱，例如：张伟 zhang@example.com",
                    "Please send the invoice title and an e-mail, e.g. Emily Carter emily@example.com",
                ),
                done=False,
                asks="details",
            )
        email = _EMAIL.search(msg.text)
        title = _EMAIL.sub("", msg.text).strip(" ，,;；")
        if not email or not title:
            return FlowReply(
                pick(
                    ctx.language,
                    "需要抬头和邮箱两项，请再发一次。",
                    "I need both a title and an e-mail, please send them again.",
                ),
                done=False,
                asks="details",
            )
        state.slots.update(title=title, email=email.group(0))
        state.step = "confirm"
        return ask_confirmation(ctx, self.confirm_text(ctx, order, state))

    def confirm_text(self, ctx: FlowContext, order: Order, state: FlowState) -> str:
        return pick(
            ctx.language,
            f"开具发票：抬头「{state.slots['title']}」，发送到 {state.slots['email']}，确认吗？",
            f'Issue an invoice to "{state.slots["title"]}", sent to {state.slots["email"]}?',
        )

    async def commit(self, ctx: FlowContext, order: Order, state: FlowState) -> FlowReply:
        await ctx.business.request_invoice(
            order.order_id, str(state.slots["title"]), None, str(state.slots["email"])
        )
        text = pick(
            ctx.language,
            "发票已申请，开具后会发送到您的邮箱。",
            "Invoice requested; it will be e-mailed to you once issued.",
        )
        return FlowReply(
            text,
            done=True,
            promise=pick(ctx.language, "已申请发票", "invoice requested"),
            order=order,
        )
