"""Change the delivery address, or the phone when the customer mentions one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kefu.bot.flows.base import Flow, FlowContext, FlowReply, Input, ask_confirmation
from kefu.bot.flows.cards import ACTIVE
from kefu.bot.memory import FlowState
from kefu.bot.texts import pick
from kefu.domain.business import Order

_PHONE = re.compile(r"(?<!\d)(1\d{10})(?!\d)")


class ChangeContactFlow(Flow):
    name = "change_address"
    acts = True

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        return [o for o in orders if o.status in ACTIVE]

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        wants_phone = state.slots.get("field") == "phone"
        if state.step == "act" and not msg.text:
            state.step = "value"
            ask = (
                pick(ctx.language, "请发给我新的手机号。", "Please send me the new phone number.")
                if wants_phone
                else pick(
                    ctx.language,
                    "请发给我新的送餐地址。",
                    "Please send me the new delivery address.",
                )
            )
            return FlowReply(ask, done=False, asks="value")
        value = msg.text.strip()
        if wants_phone:
            found = _PHONE.search(value)
            if not found:
                return FlowReply(
                    pick(
                        ctx.language,
                        "这不像是手机号，请再发一次。",
                        "That doesn't look like a mobile number, please try again.",
                    ),
                    done=False,
                    asks="value",
                )
            value = found.group(1)
        state.slots["value"] = value
        state.step = "confirm"
        return ask_confirmation(ctx, self.confirm_text(ctx, order, state))

    def confirm_text(self, ctx: FlowContext, order: Order, state: FlowState) -> str:
        value = state.slots.get("value", "")
        phone = state.slots.get("field") == "phone"
        return pick(
            ctx.language,
            f"把订单的{'手机号' if phone else '地址'}改为「{value}」，确认吗？",
            f'Change the order\'s {"phone" if phone else "address"} to "{value}"?',
        )

    async def commit(self, ctx: FlowContext, order: Order, state: FlowState) -> FlowReply:
        value = str(state.slots["value"])
        if state.slots.get("field") == "phone":
            await ctx.business.change_phone(order.order_id, value)
        else:
            await ctx.business.change_address(order.order_id, value)
        text = pick(
            ctx.language,
            "已修改成功，骑手会按新的信息配送。",
            "Done: the rider will use the new details.",
        )
        return FlowReply(
            text,
            done=True,
            promise=pick(ctx.language, f"已修改为 {value}", f"changed to {value}"),
            order=order,
        )
