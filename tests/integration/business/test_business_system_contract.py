"""What every ``BusinessSystem`` must do, run against the fake and the HTTP adapter alike.

The HTTP adapter is run against ``reference_platform``: an ``httpx.MockTransport`` handler that
implements docs/business-adapter.md on top of the demo platform. Expected values come from the
demo platform's own view (``subject.demo``), so the HTTP runs prove that nothing is lost or
bent on the wire, and the fake runs prove the rules.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from kefu.adapters.business import DEMO_NOW, DemoScenario, FakeFoodDelivery, HttpBusinessSystem
from kefu.domain.business import (
    BusinessError,
    BusinessSystem,
    BusinessSystemUnavailable,
    CustomerTag,
    InvoiceState,
    NotAllowed,
    OrderNotFound,
    OrderStatus,
    PaymentState,
    RefundState,
)
from kefu.services.business_wire import to_json

API_KEY = "contract-key"
PREFIX = ["api", "v1"]
Handler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]


def _error(status: int, exc: BusinessError) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": exc.code, "message": exc.message}})


def reference_platform(demo: FakeFoodDelivery) -> Handler:
    """The documented order API, served from ``demo``."""

    async def route(request: httpx.Request, parts: list[str], body: dict[str, Any]) -> Any:
        method = request.method
        match parts:
            case ["customers", cid] if method == "GET":
                customer = await demo.get_customer(cid)
                if customer is None:
                    raise OrderNotFound(cid)  # any 404 means "no such customer" here
                return to_json(customer)
            case ["customers", cid, "orders"] if method == "GET":
                limit = int(request.url.params.get("limit", "5"))
                return {"orders": [to_json(o) for o in await demo.recent_orders(cid, limit)]}
            case ["customers", cid, "coupons"] if method == "GET":
                return {"coupons": [to_json(c) for c in await demo.list_coupons(cid)]}
            case ["orders", oid] if method == "GET":
                return to_json(await demo.get_order(oid))
            case ["orders", oid, "payment"] if method == "GET":
                return to_json(await demo.payment_status(oid))
            case ["orders", oid, "cancel"] if method == "POST":
                return to_json(await demo.cancel_order(oid, body["reason"]))
            case ["orders", oid, "refunds"] if method == "POST":
                refund = await demo.request_refund(oid, body["amount_cents"], body["reason"])
                return to_json(refund)
            case ["orders", oid, "address"] if method == "PUT":
                return to_json(await demo.change_address(oid, body["address"]))
            case ["orders", oid, "phone"] if method == "PUT":
                return to_json(await demo.change_phone(oid, body["phone"]))
            case ["orders", oid, "invoices"] if method == "POST":
                invoice = await demo.request_invoice(
                    oid, body["title"], body["tax_id"], body["email"]
                )
                return to_json(invoice)
        raise LookupError(f"no route for {method} {request.url.path}")

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.headers.get("X-API-Key") != API_KEY:
            return httpx.Response(401, json={"detail": "missing or wrong API key"})
        # Split the raw path so that an id containing an escaped "/" stays one segment.
        parts = [unquote(p) for p in request.url.raw_path.decode().split("?")[0].split("/") if p]
        if parts[: len(PREFIX)] != PREFIX:
            return httpx.Response(404, json={"detail": "not under /api/v1"})
        body = json.loads(request.content) if request.content else {}
        try:
            result = await route(request, parts[len(PREFIX) :], body)
        except OrderNotFound as exc:
            return _error(404, exc)
        except NotAllowed as exc:
            return _error(409, exc)
        except BusinessSystemUnavailable as exc:
            return _error(503, exc)
        except LookupError as exc:
            return httpx.Response(405, json={"detail": str(exc)})
        return httpx.Response(201 if request.method == "POST" else 200, json=result)

    return handle


async def _no_wait(_seconds: float) -> None:
    return None


@dataclass
class Subject:
    """The adapter under test, and the demo platform behind it (to find orders, break it)."""

    system: BusinessSystem
    demo: FakeFoodDelivery
    platform_requests: list[httpx.Request]


@pytest.fixture(params=["fake", "http"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    demo = FakeFoodDelivery(now=lambda: DEMO_NOW)
    if request.param == "fake":
        yield Subject(demo, demo, [])
        return
    seen: list[httpx.Request] = []
    serve = reference_platform(demo)

    async def recording(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return await serve(req)

    system = HttpBusinessSystem(
        "https://platform.test/api/v1",
        api_key=API_KEY,
        transport=httpx.MockTransport(recording),
        sleep=_no_wait,
    )
    yield Subject(system, demo, seen)
    await system.aclose()


async def test_a_known_customer_is_found_with_language_and_tags(subject: Subject) -> None:
    customer = await subject.system.get_customer("stf-2002")
    assert customer is not None
    assert (customer.name, customer.language) == ("赵秀英", "zh")
    assert customer.has_tag(CustomerTag.ELDERLY) and customer.has_tag(CustomerTag.VIP)
    assert await subject.system.get_customer("nobody") is None


async def test_recent_orders_are_the_newest_few(subject: Subject) -> None:
    orders = await subject.system.recent_orders("stu-1001", limit=2)
    assert orders == (await subject.demo.recent_orders("stu-1001"))[:2]
    assert orders[0].status is OrderStatus.DELIVERING
    assert await subject.system.recent_orders("nobody") == []


@pytest.mark.parametrize("scenario", list(DemoScenario))
async def test_every_demo_order_reads_back_exactly(
    subject: Subject, scenario: DemoScenario
) -> None:
    order_id = subject.demo.scenario_order_id(scenario)
    assert await subject.system.get_order(order_id) == await subject.demo.get_order(order_id)


async def test_an_unknown_order_number_is_order_not_found(subject: Subject) -> None:
    with pytest.raises(OrderNotFound) as missing:
        await subject.system.get_order("DD20990101001")
    assert missing.value.order_id == "DD20990101001"
    with pytest.raises(OrderNotFound):
        await subject.system.cancel_order("DD20990101001", "?")


async def test_a_customer_can_cancel_before_but_not_after_the_restaurant_accepted(
    subject: Subject,
) -> None:
    just_placed = subject.demo.scenario_order_id(DemoScenario.JUST_PLACED)
    cancelled = await subject.system.cancel_order(just_placed, "ordered twice")
    assert (cancelled.status, cancelled.cancel_reason) == (OrderStatus.CANCELLED, "ordered twice")
    with pytest.raises(NotAllowed) as refused:
        await subject.system.cancel_order(
            subject.demo.scenario_order_id(DemoScenario.ACCEPTED), "too slow"
        )
    assert refused.value.code == "already_accepted"
    assert "accepted" in refused.value.reason


async def test_refunds_are_approved_or_sent_for_review_by_amount(subject: Subject) -> None:
    large = subject.demo.scenario_order_id(DemoScenario.DELIVERED_LARGE)
    small = await subject.system.request_refund(large, 1200, "missing salad")
    big = await subject.system.request_refund(large, 6000, "steak raw")
    assert (small.state, big.state) == (RefundState.APPROVED, RefundState.PENDING_REVIEW)
    assert (small.order_id, small.amount_cents) == (large, 1200)
    status = await subject.system.payment_status(large)
    assert (status.state, status.refunded_cents, status.pending_refund_cents) == (
        PaymentState.PARTIALLY_REFUNDED,
        1200,
        6000,
    )
    with pytest.raises(NotAllowed) as too_much:
        await subject.system.request_refund(large, 14200, "everything")
    assert too_much.value.code == "amount_exceeds_refundable"


async def test_the_address_changes_before_pickup_only(subject: Subject) -> None:
    preparing = subject.demo.scenario_order_id(DemoScenario.PREPARING)
    assert (await subject.system.change_address(preparing, "东门取餐点")).address == "东门取餐点"
    with pytest.raises(NotAllowed) as refused:
        await subject.system.change_address(
            subject.demo.scenario_order_id(DemoScenario.LATE_DELIVERY), "东门取餐点"
        )
    assert refused.value.code == "already_picked_up"


async def test_the_contact_phone_can_be_changed(subject: Subject) -> None:
    late = subject.demo.scenario_order_id(DemoScenario.LATE_DELIVERY)
    assert (await subject.system.change_phone(late, "13912345678")).contact_phone == "13912345678"
    with pytest.raises(NotAllowed):
        await subject.system.change_phone(late, "call me")


async def test_the_coupon_wallet_reads_back_exactly(subject: Subject) -> None:
    wallet = await subject.system.list_coupons("stu-1006")
    assert wallet == await subject.demo.list_coupons("stu-1006")
    assert wallet[0].code == "MJ2010-1006"
    assert await subject.system.list_coupons("nobody") == []


async def test_an_invoice_is_requested_once_for_a_delivered_order(subject: Subject) -> None:
    delivered = subject.demo.scenario_order_id(DemoScenario.DELIVERED)
    invoice = await subject.system.request_invoice(
        delivered, "北京某某科技有限公司", "91110108MA01ABCD2X", "finance@example.cn"
    )
    assert (invoice.state, invoice.amount_cents) == (InvoiceState.REQUESTED, 1800)
    assert invoice.tax_id == "91110108MA01ABCD2X"
    with pytest.raises(NotAllowed):
        await subject.system.request_invoice(delivered, "x", None, "finance@example.cn")
    with pytest.raises(NotAllowed) as in_progress:
        await subject.system.request_invoice(
            subject.demo.scenario_order_id(DemoScenario.LATE_DELIVERY), "x", None, "a@b.cn"
        )
    assert in_progress.value.code == "not_delivered"


async def test_a_failed_payment_is_reported_with_its_reason(subject: Subject) -> None:
    status = await subject.system.payment_status(
        subject.demo.scenario_order_id(DemoScenario.PAYMENT_FAILED)
    )
    assert status.state is PaymentState.FAILED
    assert status.failure_reason == "校园卡余额不足 (card balance too low)"


async def test_a_platform_that_is_down_is_unavailable_and_then_recovers(
    subject: Subject,
) -> None:
    subject.demo.go_down("database failover")
    with pytest.raises(BusinessSystemUnavailable, match="database failover"):
        await subject.system.recent_orders("stu-1001")
    subject.demo.recover()
    assert await subject.system.recent_orders("stu-1001")
