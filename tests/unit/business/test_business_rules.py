"""The shared business rules, on hand-built orders (no adapter involved)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from kefu.domain.business import (
    LocalizedText,
    NotAllowed,
    Order,
    OrderItem,
    OrderStatus,
    PaymentState,
    Refund,
    RefundState,
    Restaurant,
    check_can_cancel,
    check_refund,
    decide_refund_state,
    format_yuan,
    payment_state_after_refunds,
)

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=8)))
ORDER = Order(
    order_id="DD20261123001",
    customer_id="stu-1001",
    restaurant=Restaurant("r-01", LocalizedText("北区一食堂", "North Canteen"), "北区", "010"),
    items=(OrderItem(LocalizedText("黄焖鸡米饭", "Braised chicken"), 2, 1800),),
    status=OrderStatus.DELIVERED,
    placed_at=NOON,
    address="紫荆公寓 3 号楼",
    contact_phone="13800001001",
    payment_state=PaymentState.PAID,
    payment_method="wechat_pay",
    total_cents=3800,
    delivery_fee_cents=200,
    eta=NOON + timedelta(minutes=30),
)


def refund(amount: int, state: RefundState) -> Refund:
    return Refund("RF1", ORDER.order_id, amount, "why", state, NOON)


def test_money_is_shown_in_yuan_but_kept_in_cents() -> None:
    assert (format_yuan(1250), format_yuan(5), format_yuan(-300)) == ("¥12.50", "¥0.05", "-¥3.00")
    assert ORDER.subtotal_cents == 3600


def test_an_order_is_late_only_while_it_is_still_on_its_way() -> None:
    on_the_way = dataclasses.replace(ORDER, status=OrderStatus.DELIVERING)
    later = NOON + timedelta(minutes=41)
    assert on_the_way.is_late(later) and on_the_way.minutes_late(later) == 11
    assert not on_the_way.is_late(NOON + timedelta(minutes=29))
    assert not ORDER.is_late(later) and ORDER.minutes_late(later) == 0


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (OrderStatus.ACCEPTED, "already_accepted"),
        (OrderStatus.PREPARING, "already_accepted"),
        (OrderStatus.DELIVERING, "already_accepted"),
        (OrderStatus.DELIVERED, "already_delivered"),
        (OrderStatus.CANCELLED, "already_cancelled"),
    ],
)
def test_only_an_order_nobody_accepted_can_be_cancelled(status: OrderStatus, code: str) -> None:
    check_can_cancel(dataclasses.replace(ORDER, status=OrderStatus.PLACED))
    with pytest.raises(NotAllowed) as refused:
        check_can_cancel(dataclasses.replace(ORDER, status=status))
    assert refused.value.code == code


def test_approved_and_pending_refunds_both_count_against_what_is_left() -> None:
    order = dataclasses.replace(
        ORDER, refunds=(refund(1000, RefundState.APPROVED), refund(800, RefundState.PENDING_REVIEW))
    )
    assert (order.refunded_cents, order.pending_refund_cents, order.refundable_cents) == (
        1000,
        800,
        2000,
    )
    check_refund(order, 2000)
    with pytest.raises(NotAllowed):
        check_refund(order, 2001)
    with pytest.raises(NotAllowed) as zero:
        check_refund(order, 0)
    assert zero.value.code == "invalid_amount"


def test_a_rejected_refund_gives_nothing_back_and_frees_the_amount_again() -> None:
    order = dataclasses.replace(ORDER, refunds=(refund(3800, RefundState.REJECTED),))
    assert order.refundable_cents == 3800
    assert payment_state_after_refunds(order) is PaymentState.PAID


def test_the_payment_state_follows_approved_refunds() -> None:
    part = dataclasses.replace(ORDER, refunds=(refund(1000, RefundState.APPROVED),))
    full = dataclasses.replace(ORDER, refunds=(refund(3800, RefundState.APPROVED),))
    assert payment_state_after_refunds(part) is PaymentState.PARTIALLY_REFUNDED
    assert payment_state_after_refunds(full) is PaymentState.REFUNDED


def test_refunds_above_the_limit_wait_for_review() -> None:
    assert decide_refund_state(5000, 5000) is RefundState.APPROVED
    assert decide_refund_state(5001, 5000) is RefundState.PENDING_REVIEW
