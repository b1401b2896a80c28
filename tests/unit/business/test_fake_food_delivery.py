"""The demo platform: its dataset tells the intended stories and its rules hold."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from kefu.adapters.business import DEMO_NOW, DemoScenario, FakeFoodDelivery
from kefu.domain.business import (
    BusinessSystemUnavailable,
    CouponState,
    CustomerTag,
    NotAllowed,
    OrderNotFound,
    OrderStatus,
    PaymentState,
    RefundState,
)


class Clock:
    def __init__(self, now: datetime = DEMO_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def demo(**options: Any) -> FakeFoodDelivery:
    return FakeFoodDelivery(now=lambda: DEMO_NOW, **options)


def test_the_demo_has_a_dozen_customers_eight_restaurants_and_forty_orders() -> None:
    fake = demo()
    customers = fake.demo_customers()
    assert len(customers) >= 12
    assert {c.language for c in customers} == {"zh", "en"}
    for tag in CustomerTag:
        assert any(c.has_tag(tag) for c in customers), tag
    assert len({o.restaurant.restaurant_id for o in fake.all_orders()}) == 8
    assert len(fake.all_orders()) == 40
    assert {o.status for o in fake.all_orders()} == set(OrderStatus)
    assert {o.payment_state for o in fake.all_orders()} == set(PaymentState)


def test_the_demo_is_the_same_every_time_for_the_same_clock() -> None:
    assert demo().all_orders() == demo().all_orders()
    assert demo().scenario_order_id(DemoScenario.JUST_PLACED) == "DD20261123011"


def test_order_ids_look_like_the_platform_s_and_addresses_are_campus_places() -> None:
    for order in demo().all_orders():
        assert order.order_id.startswith("DD") and len(order.order_id) == 13
        assert any(place in order.address for place in ("楼", "取餐", "座")), order.address


async def test_a_customer_whose_order_is_late_sees_the_rider_and_how_late_it_is() -> None:
    fake = demo()
    order = await fake.get_order(fake.scenario_order_id(DemoScenario.LATE_DELIVERY))
    assert order.status is OrderStatus.DELIVERING
    assert order.is_late(DEMO_NOW)
    assert order.minutes_late(DEMO_NOW) == 25
    assert order.rider is not None and "800 米" in order.rider.location
    assert "转" in order.rider.phone  # a relay number, not the rider's own phone


async def test_recent_orders_are_newest_first_and_limited() -> None:
    fake = demo()
    orders = await fake.recent_orders("stu-1001", limit=3)
    assert len(orders) == 3
    assert orders[0].order_id == fake.scenario_order_id(DemoScenario.LATE_DELIVERY)
    assert [o.placed_at for o in orders] == sorted((o.placed_at for o in orders), reverse=True)


async def test_a_brand_new_customer_has_no_orders_but_a_welcome_coupon() -> None:
    fake = demo()
    assert await fake.recent_orders("stu-1010") == []
    coupons = await fake.list_coupons("stu-1010")
    assert any(c.code.startswith("NEW8") and c.state is CouponState.USABLE for c in coupons)


async def test_someone_unknown_has_no_profile_orders_or_coupons() -> None:
    fake = demo()
    assert await fake.get_customer("nobody") is None
    assert await fake.recent_orders("nobody") == []
    assert await fake.list_coupons("nobody") == []


async def test_a_customer_can_cancel_an_order_nobody_has_accepted_yet() -> None:
    clock = Clock()
    fake = FakeFoodDelivery(now=clock)
    order_id = fake.scenario_order_id(DemoScenario.JUST_PLACED)
    clock.now += timedelta(minutes=1)
    cancelled = await fake.cancel_order(order_id, "ordered by mistake")
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.cancelled_at == clock.now
    assert cancelled.cancel_reason == "ordered by mistake"
    assert (await fake.get_order(order_id)).status is OrderStatus.CANCELLED
    # Cancelling does not refund by itself: the money is still there to refund.
    assert cancelled.payment_state is PaymentState.PAID


async def test_a_customer_cannot_cancel_after_the_restaurant_accepted() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.ACCEPTED)
    with pytest.raises(NotAllowed) as refused:
        await fake.cancel_order(order_id, "changed my mind")
    assert refused.value.code == "already_accepted"
    assert "accepted" in refused.value.reason
    assert (await fake.get_order(order_id)).status is OrderStatus.ACCEPTED


async def test_a_small_refund_is_approved_at_once_and_the_payment_shows_it() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.DELIVERED)
    refund = await fake.request_refund(order_id, 800, "milk tea spilled")
    assert refund.state is RefundState.APPROVED
    assert refund.requested_at == DEMO_NOW
    status = await fake.payment_status(order_id)
    assert (status.state, status.refunded_cents) == (PaymentState.PARTIALLY_REFUNDED, 800)


async def test_a_refund_over_fifty_yuan_waits_for_a_human_to_review_it() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.DELIVERED_LARGE)
    refund = await fake.request_refund(order_id, 5001, "steaks were raw")
    assert refund.state is RefundState.PENDING_REVIEW
    status = await fake.payment_status(order_id)
    assert (status.state, status.pending_refund_cents) == (PaymentState.PAID, 5001)


async def test_exactly_the_limit_is_still_approved_and_the_limit_is_configurable() -> None:
    order_id = demo().scenario_order_id(DemoScenario.DELIVERED_LARGE)
    at_limit = await demo().request_refund(order_id, 5000, "cold")
    strict = await demo(auto_approve_limit_cents=1000).request_refund(order_id, 1001, "cold")
    assert (at_limit.state, strict.state) == (RefundState.APPROVED, RefundState.PENDING_REVIEW)


async def test_a_customer_cannot_be_refunded_more_than_they_paid_or_twice() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.PARTIALLY_REFUNDED)
    with pytest.raises(NotAllowed) as refused:
        await fake.request_refund(order_id, 2801, "everything")
    assert refused.value.code == "amount_exceeds_refundable"
    assert "¥28.00" in refused.value.reason
    await fake.request_refund(order_id, 2800, "the rest")
    with pytest.raises(NotAllowed) as again:
        await fake.request_refund(order_id, 100, "once more")
    assert again.value.code == "already_refunded"


async def test_a_refund_under_review_is_reserved_so_asking_again_cannot_double_it() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.REFUND_UNDER_REVIEW)
    with pytest.raises(NotAllowed, match=r"¥2\.00"):
        await fake.request_refund(order_id, 7400, "asking again")


@pytest.mark.parametrize(
    ("scenario", "code"),
    [
        (DemoScenario.PAYMENT_FAILED, "not_paid"),
        (DemoScenario.CANCELLED_UNPAID, "not_paid"),
        (DemoScenario.LATE_DELIVERY, "order_in_progress"),
        (DemoScenario.REFUNDED, "already_refunded"),
    ],
)
async def test_refunds_are_only_for_paid_orders_that_are_over(
    scenario: DemoScenario, code: str
) -> None:
    fake = demo()
    with pytest.raises(NotAllowed) as refused:
        await fake.request_refund(fake.scenario_order_id(scenario), 100, "please")
    assert refused.value.code == code


async def test_a_customer_who_cancelled_after_paying_can_get_the_money_back() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.CANCELLED_PAID)
    refund = await fake.request_refund(order_id, 1500, "cancelled")
    assert refund.state is RefundState.APPROVED
    assert (await fake.get_order(order_id)).payment_state is PaymentState.REFUNDED


async def test_the_address_can_change_until_the_rider_picks_the_food_up() -> None:
    fake = demo()
    preparing = fake.scenario_order_id(DemoScenario.PREPARING)
    changed = await fake.change_address(preparing, " 东门取餐点 ")
    assert changed.address == "东门取餐点"
    with pytest.raises(NotAllowed) as refused:
        await fake.change_address(fake.scenario_order_id(DemoScenario.PICKED_UP), "东门取餐点")
    assert refused.value.code == "already_picked_up"


async def test_a_customer_can_give_the_rider_a_new_phone_number_but_not_gibberish() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.LATE_DELIVERY)
    assert (await fake.change_phone(order_id, "13912345678")).contact_phone == "13912345678"
    with pytest.raises(NotAllowed) as refused:
        await fake.change_phone(order_id, "12345")
    assert refused.value.code == "invalid_phone"


async def test_a_customer_whose_coupon_did_not_apply_can_see_why_and_still_has_it() -> None:
    fake = demo()
    order = await fake.get_order(fake.scenario_order_id(DemoScenario.COUPON_NOT_APPLIED))
    assert order.coupon is not None and not order.coupon.applied
    assert order.coupon.reason_not_applied is not None
    assert "配送费" in order.coupon.reason_not_applied.in_language("zh")
    assert order.total_cents == order.subtotal_cents + order.delivery_fee_cents
    wallet = {c.code: c for c in await fake.list_coupons(order.customer_id)}
    assert wallet[order.coupon.code].state is CouponState.USABLE


async def test_coupons_expire_as_the_clock_moves_on() -> None:
    clock = Clock()
    fake = FakeFoodDelivery(now=clock)
    clock.now += timedelta(days=8)
    coupons = await fake.list_coupons("stu-1001")
    assert all(c.state is not CouponState.USABLE for c in coupons)


async def test_a_customer_whose_payment_failed_learns_why() -> None:
    fake = demo()
    status = await fake.payment_status(fake.scenario_order_id(DemoScenario.PAYMENT_FAILED))
    assert status.state is PaymentState.FAILED
    assert status.paid_cents == 0
    assert status.failure_reason is not None and "余额不足" in status.failure_reason


async def test_an_invoice_is_for_what_was_kept_and_only_once() -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.PARTIALLY_REFUNDED)
    invoice = await fake.request_invoice(order_id, "清华大学", None, "zhao@example.edu.cn")
    assert invoice.amount_cents == 2800
    with pytest.raises(NotAllowed) as again:
        await fake.request_invoice(order_id, "清华大学", None, "zhao@example.edu.cn")
    assert again.value.code == "invoice_already_requested"


@pytest.mark.parametrize(
    ("title", "tax_id", "email", "code"),
    [
        ("", None, "a@b.cn", "invalid_title"),
        ("ACME", "not-a-tax-id", "a@b.cn", "invalid_tax_id"),
        ("ACME", None, "nope", "invalid_email"),
    ],
)
async def test_an_invoice_request_with_bad_details_is_refused(
    title: str, tax_id: str | None, email: str, code: str
) -> None:
    fake = demo()
    order_id = fake.scenario_order_id(DemoScenario.DELIVERED)
    with pytest.raises(NotAllowed) as refused:
        await fake.request_invoice(order_id, title, tax_id, email)
    assert refused.value.code == code


async def test_an_unknown_order_number_is_reported_as_such() -> None:
    with pytest.raises(OrderNotFound) as missing:
        await demo().get_order("DD20990101001")
    assert missing.value.order_id == "DD20990101001"


async def test_when_the_platform_is_down_every_call_says_so_until_it_recovers() -> None:
    fake = demo()
    fake.go_down("release in progress")
    with pytest.raises(BusinessSystemUnavailable, match="release in progress"):
        await fake.recent_orders("stu-1001")
    fake.recover()
    assert await fake.recent_orders("stu-1001")


async def test_a_slow_platform_answers_late_and_a_too_slow_one_times_out() -> None:
    fake = demo(timeout_s=0.05)
    fake.set_latency(0.01)
    assert await fake.get_customer("stu-1001") is not None
    fake.set_latency(1.0)
    started = asyncio.get_running_loop().time()
    with pytest.raises(BusinessSystemUnavailable, match=r"within 0\.05 s"):
        await fake.get_customer("stu-1001")
    assert asyncio.get_running_loop().time() - started < 0.5
    assert fake.calls == ["get_customer", "get_customer"]
