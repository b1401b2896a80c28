"""Task flows that act on the business system: order status, tracking, cancel, refund,
address or phone change, coupons, failed payments and invoices.

A flow is a small state machine over `FlowState` (step + slots). It asks for the order when
it is not clear (the customer's recent orders come back as cards to pick from), asks for
confirmation before changing anything, and answers gracefully when the business system
refuses or is down. Flows reach the business system only through its port.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
    OrderStatus,
    PaymentState,
    RefundState,
    check_can_cancel,
    check_refund,
    format_yuan,
)

_YES = re.compile(
    r"^(是|是的|好|好的|对|确认|可以|嗯|行|yes|y|ok|okay|sure|confirm|go ahead)\W*$", re.I
)
_NO = re.compile(r"^(不|不是|不用|否|算了|取消|no|n|nope|cancel|leave it)\W*$", re.I)
_EMAIL = re.compile(r"[^@\s，,]+@[^@\s，,]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<!\d)(1\d{10})(?!\d)")
_ACTIVE = {OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.PREPARING}
_ACTIVE |= {OrderStatus.PICKED_UP, OrderStatus.DELIVERING}

STATUS_TEXT: dict[OrderStatus, tuple[str, str]] = {
    OrderStatus.PLACED: ("等待商家接单", "waiting for the restaurant to accept"),
    OrderStatus.ACCEPTED: ("商家已接单", "accepted by the restaurant"),
    OrderStatus.PREPARING: ("商家正在备餐", "being prepared"),
    OrderStatus.PICKED_UP: ("骑手已取餐", "picked up by the rider"),
    OrderStatus.DELIVERING: ("骑手配送中", "on its way with the rider"),
    OrderStatus.DELIVERED: ("已送达", "delivered"),
    OrderStatus.CANCELLED: ("已取消", "cancelled"),
}


@dataclass(frozen=True, slots=True)
class FlowContext:
    business: BusinessSystem
    customer_ref: str | None  # the customer's id in the business system
    language: Language
    now: datetime
    auto_refund_limit_cents: int = 5_000


@dataclass(slots=True)
class FlowReply:
    text: str
    done: bool
    payload: dict[str, Any] = field(default_factory=dict)
    failed: bool = False
    #: Something the bot told the customer it would do, for the hand-over card.
    promise: str | None = None
    #: Variables for knowledge answers ({order.eta} …) learned along the way.
    order: Order | None = None


@dataclass(frozen=True, slots=True)
class Input:
    """A customer message as a flow sees it."""

    text: str
    choice: str | None  # the value of a pressed button
    order_ids: Sequence[str] = ()


Step = Callable[[FlowContext, FlowState, Input], Awaitable[FlowReply]]


def order_card(order: Order, language: Language) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "restaurant": order.restaurant.name.in_language(language),
        "status": order.status.value,
        "status_text": pick(language, *STATUS_TEXT[order.status]),
        "eta": order.eta.isoformat() if order.eta else None,
        "total": format_yuan(order.total_cents),
    }


def order_variables(order: Order, language: Language, now: datetime) -> dict[str, object]:
    """Values for knowledge-answer templates such as `{order.eta}`."""
    eta = order.eta.strftime("%H:%M") if order.eta else pick(language, "暂无", "not set")
    return {
        "order.id": order.order_id,
        "order.status": pick(language, *STATUS_TEXT[order.status]),
        "order.eta": eta,
        "order.restaurant": order.restaurant.name.in_language(language),
        "order.total": format_yuan(order.total_cents),
        "order.minutes_late": order.minutes_late(now),
    }


class Flow:
    """One task: which orders it applies to, and what to do once the order is known."""

    name: str = ""
    needs_confirmation: bool = False

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
            if msg.choice == "yes" or _YES.match(msg.text.strip()):
                return await self.commit(ctx, order, state)
            if msg.choice == "no" or _NO.match(msg.text.strip()):
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
        wanted = msg.choice or next(iter(msg.order_ids), None)
        if wanted:
            return await ctx.business.get_order(wanted)
        if ctx.customer_ref is None:
            text = pick(ctx.language, "请告诉我您的订单号。", "Please tell me your order number.")
            state.step = "order"
            return FlowReply(text, done=False)
        orders = self.candidates(await ctx.business.recent_orders(ctx.customer_ref, limit=5))
        if not orders:
            return FlowReply(say("no_orders", ctx.language), done=True, failed=True)
        if len(orders) == 1:
            return orders[0]
        state.step = "order"
        cards = [order_card(o, ctx.language) for o in orders]
        choices = [
            {
                "label": f"{c['restaurant']} · {c['status_text']} · {c['total']}",
                "value": c["order_id"],
            }
            for c in cards
        ]
        return FlowReply(
            say("which_order", ctx.language),
            done=False,
            payload={"orders": cards, "choices": choices},
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
    return FlowReply(text, done=False, payload={"choices": choices})


_REFUSALS: dict[str, tuple[str, str]] = {
    "already_cancelled": ("这个订单已经取消了。", "That order is already cancelled."),
    "already_delivered": (
        "订单已送达，无法取消；如有问题可申请退款。",
        "It was delivered already, so it can't be cancelled; you can ask for a refund instead.",
    ),
    "already_accepted": (
        "商家已接单，无法直接取消，我可以帮您转人工协商。",
        "The restaurant has accepted it, so I can't cancel it myself; a colleague can try for you.",
    ),
    "already_refunded": ("这个订单已经全额退款了。", "That order has been fully refunded."),
    "order_closed": ("订单已完成，无法修改。", "The order is finished and can't be changed."),
    "already_picked_up": (
        "骑手已取餐，地址无法修改，可以联系骑手沟通。",
        "The rider has the food already, so the address can't change; you can contact the rider.",
    ),
}


def refusal(exc: NotAllowed, language: Language) -> str:
    known = _REFUSALS.get(exc.code or "")
    if known:
        return pick(language, *known)
    return pick(
        language,
        f"抱歉，这个操作暂时无法完成（{exc.code}）。",
        f"Sorry, I can't do that ({exc.code}).",
    )


class OrderStatusFlow(Flow):
    name = "order_status"

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        active = [o for o in orders if o.status in _ACTIVE]
        return active or list(orders[:1])

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        lang = ctx.language
        status = pick(lang, *STATUS_TEXT[order.status])
        name = order.restaurant.name.in_language(lang)
        if order.status in _ACTIVE and order.eta is not None:
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
        if order.rider is not None and order.status in _ACTIVE:
            text += pick(
                lang,
                f" 骑手{order.rider.name}当前位置：{order.rider.location}。",
                f" Rider {order.rider.name} is at {order.rider.location}.",
            )
        return about(order, ctx, text)


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


class CancelFlow(Flow):
    name = "cancel_order"

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        return [o for o in orders if o.status in _ACTIVE]

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


class RefundFlow(Flow):
    name = "refund"
    needs_confirmation = True

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


class ChangeContactFlow(Flow):
    """Change the delivery address, or the phone when the customer mentions one."""

    name = "change_address"

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        return [o for o in orders if o.status in _ACTIVE]

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
            return FlowReply(ask, done=False)
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
                )
            value = found.group(1)
        state.slots["value"] = value
        state.step = "confirm"
        return ask_confirmation(ctx, self.confirm_text(ctx, order, state))

    def confirm_text(self, ctx: FlowContext, order: Order, state: FlowState) -> str:
        value = state.slots.get("value", "")
        return pick(
            ctx.language,
            f"把订单的{'手机号' if state.slots.get('field') == 'phone' else '地址'}改为「{value}」，确认吗？",
            f'Change the order\'s {"phone" if state.slots.get("field") == "phone" else "address"} to "{value}"?',
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


class PaymentFlow(Flow):
    name = "payment_failed"

    def candidates(self, orders: Sequence[Order]) -> list[Order]:
        failed = [
            o for o in orders if o.payment_state in (PaymentState.FAILED, PaymentState.PENDING)
        ]
        return failed or list(orders[:1])

    async def act(self, ctx: FlowContext, order: Order, state: FlowState, msg: Input) -> FlowReply:
        status = await ctx.business.payment_status(order.order_id)
        text = pick(
            ctx.language,
            f"订单支付状态：{status.state.value}。",
            f"Payment status: {status.state.value}.",
        )
        if order.payment_state is PaymentState.FAILED:
            reason = order.payment_failure_reason or ""
            text = pick(
                ctx.language,
                f"这笔支付没有成功（{reason}），钱不会被扣；请检查余额或换一种支付方式重新支付。",
                f"That payment did not go through ({reason}) and nothing was charged; please check your balance or pay another way.",
            )
        return about(order, ctx, text)


class InvoiceFlow(Flow):
    name = "invoice"

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


FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (
        OrderStatusFlow(),
        RiderContactFlow(),
        CancelFlow(),
        RefundFlow(),
        ChangeContactFlow(),
        CouponFlow(),
        PaymentFlow(),
        InvoiceFlow(),
    )
}
#: Intents that start a flow (late deliveries are tracked like order status).
FLOW_FOR_INTENT = {name: name for name in FLOWS} | {"delivery_late": "order_status"}


#: Knowledge entries of the demo knowledge base that are really requests to act on an
#: order. Entries an admin writes opt in with a tag such as `flow.refund`.
FLOW_FOR_ENTRY = {
    "order-where": "order_status",
    "delivery-late": "order_status",
    "delivery-urge": "order_status",
    "order-cancel": "cancel_order",
    "order-change-address": "change_address",
    "order-change-phone": "change_phone",
    "refund-how": "refund",
    "payment-failed": "payment_failed",
    "payment-pending": "payment_failed",
    "coupon-not-applied": "coupon",
    "invoice-how": "invoice",
    "rider-contact": "rider_contact",
}
_PHONE_WORDS = ("电话", "手机", "phone", "number")


def flow_for_entry(entry_id: str, tags: Sequence[str]) -> str | None:
    for tag in tags:
        if tag.startswith("flow.") and tag[5:] in (*FLOWS, "change_phone"):
            return tag[5:]
    return FLOW_FOR_ENTRY.get(entry_id)


def start_state(name: str, text: str) -> FlowState:
    """A new flow by intent or flow name; `change_phone` is the contact flow on the phone."""
    flow = FLOW_FOR_INTENT.get(name, name)
    if flow == "change_phone":
        return FlowState(name="change_address", step="order", slots={"field": "phone"})
    state = FlowState(name=flow, step="order")
    if flow == "change_address" and any(w in text.lower() for w in _PHONE_WORDS):
        state.slots["field"] = "phone"
    return state
