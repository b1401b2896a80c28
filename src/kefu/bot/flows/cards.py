"""How an order is shown in a bot reply: its card, its status in words, template values.

Every status and payment state has a sentence in zh and en: no enum value reaches a customer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kefu.bot.texts import pick
from kefu.domain.business import Language, Order, OrderStatus, PaymentState, format_yuan

ACTIVE = frozenset(
    {
        OrderStatus.PLACED,
        OrderStatus.ACCEPTED,
        OrderStatus.PREPARING,
        OrderStatus.PICKED_UP,
        OrderStatus.DELIVERING,
    }
)

STATUS_TEXT: dict[OrderStatus, tuple[str, str]] = {
    OrderStatus.PLACED: ("等待商家接单", "waiting for the restaurant to accept"),
    OrderStatus.ACCEPTED: ("商家已接单", "accepted by the restaurant"),
    OrderStatus.PREPARING: ("商家正在备餐", "being prepared"),
    OrderStatus.PICKED_UP: ("骑手已取餐", "picked up by the rider"),
    OrderStatus.DELIVERING: ("骑手配送中", "on its way with the rider"),
    OrderStatus.DELIVERED: ("已送达", "delivered"),
    OrderStatus.CANCELLED: ("已取消", "cancelled"),
}

PAYMENT_TEXT: dict[PaymentState, tuple[str, str]] = {
    PaymentState.PENDING: (
        "这笔订单还在等待支付确认，通常几分钟内会更新；如果已扣款，请稍后刷新订单。",
        "That order is still waiting for the payment to be confirmed; this usually takes a "
        "few minutes. If you were charged, please refresh the order shortly.",
    ),
    PaymentState.PAID: (
        "这笔订单已经支付成功，无需再付款。",
        "That order is paid; there is nothing more to pay.",
    ),
    PaymentState.FAILED: (
        "这笔支付没有成功，钱不会被扣；请检查余额或换一种支付方式重新支付。",
        "That payment did not go through and nothing was charged; please check your "
        "balance or pay another way.",
    ),
    PaymentState.REFUNDED: (
        "这笔订单的款项已全额退回。",
        "The payment for that order has been refunded in full.",
    ),
    PaymentState.PARTIALLY_REFUNDED: (
        "这笔订单已部分退款，其余款项已支付。",
        "Part of the payment for that order has been refunded; the rest is paid.",
    ),
}


def status_text(order: Order, language: Language) -> str:
    return pick(language, *STATUS_TEXT[order.status])


def payment_text(state: PaymentState, language: Language) -> str:
    return pick(language, *PAYMENT_TEXT[state])


def order_card(order: Order, language: Language) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "restaurant": order.restaurant.name.in_language(language),
        "status": order.status.value,
        "status_text": status_text(order, language),
        "eta": order.eta.isoformat() if order.eta else None,
        "total": format_yuan(order.total_cents),
    }


def order_choice(order: Order, language: Language) -> dict[str, str]:
    card = order_card(order, language)
    return {
        "label": f"{card['restaurant']} · {card['status_text']} · {card['total']}",
        "value": order.order_id,
    }


def order_variables(order: Order, language: Language, now: datetime) -> dict[str, object]:
    """Values for knowledge-answer templates such as `{order.eta}`."""
    eta = order.eta.strftime("%H:%M") if order.eta else pick(language, "暂无", "not set")
    return {
        "order.id": order.order_id,
        "order.status": status_text(order, language),
        "order.eta": eta,
        "order.restaurant": order.restaurant.name.in_language(language),
        "order.total": format_yuan(order.total_cents),
        "order.minutes_late": order.minutes_late(now),
    }
