"""The HTTP adapter against a platform played by ``httpx.MockTransport``, JSON as documented."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from kefu.adapters.business import HttpBusinessSystem
from kefu.domain.business import (
    BusinessSystemUnavailable,
    NotAllowed,
    OrderNotFound,
    OrderStatus,
    PaymentState,
    RefundState,
)

Handler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
BASE = "https://orders.example.edu/api/v1"

# The example order of docs/business-adapter.md, trimmed to what is required.
ORDER: dict[str, Any] = {
    "order_id": "DD20261123004",
    "customer_id": "stu-1001",
    "restaurant": {
        "restaurant_id": "r-01",
        "name": {"zh": "北区一食堂", "en": "North Canteen No. 1"},
        "location": "北区一食堂 1 楼",
        "phone": "010-62780001",
    },
    "items": [
        {
            "name": {"zh": "黄焖鸡米饭", "en": "Braised chicken with rice"},
            "qty": 1,
            "unit_price_cents": 1800,
        }
    ],
    "status": "delivering",
    "placed_at": "2026-11-23T11:10:00+08:00",
    "address": "紫荆公寓 3 号楼",
    "contact_phone": "13800001001",
    "payment_state": "paid",
    "payment_method": "wechat_pay",
    "total_cents": 2000,
    "eta": "2026-11-23T12:05:00+08:00",
    "rider": {"name": "王师傅", "phone": "171 0000 1006 转 8806", "location": "东门外路口"},
}


class Platform:
    """Plays the order API: answers from a script and remembers what it was asked."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def adapter(platform: Handler, sleeps: Sleeps | None = None, **options: Any) -> HttpBusinessSystem:
    return HttpBusinessSystem(
        BASE,
        api_key="s3cret",
        timeout_s=2.0,
        transport=httpx.MockTransport(platform),
        sleep=sleeps or Sleeps(),
        **options,
    )


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


async def test_an_order_is_fetched_with_the_api_key_and_parsed_into_the_domain() -> None:
    platform = Platform(httpx.Response(200, json=ORDER))
    async with adapter(platform) as system:
        order = await system.get_order("DD20261123004")
    assert order.status is OrderStatus.DELIVERING
    assert order.rider is not None and order.rider.name == "王师傅"
    assert order.items[0].name.in_language("en") == "Braised chicken with rice"
    assert order.refunds == () and order.coupon is None
    (request,) = platform.requests
    assert str(request.url) == f"{BASE}/orders/DD20261123004"
    assert request.headers["X-API-Key"] == "s3cret"
    assert request.headers["Accept"] == "application/json"


async def test_an_order_number_typed_by_a_customer_cannot_escape_the_orders_path() -> None:
    platform = Platform(httpx.Response(404))
    async with adapter(platform) as system:
        with pytest.raises(OrderNotFound):
            await system.get_order("../admin?x=1")
    assert platform.requests[0].url.raw_path == b"/api/v1/orders/..%2Fadmin%3Fx%3D1"


async def test_an_unknown_order_is_order_not_found_and_an_unknown_customer_is_none() -> None:
    platform = Platform(httpx.Response(404, json={"error": {"code": "x", "message": "no"}}))
    async with adapter(platform) as system:
        with pytest.raises(OrderNotFound) as missing:
            await system.get_order("DD20990101001")
        assert await system.get_customer("nobody") is None
        assert await system.recent_orders("nobody") == []
        assert await system.list_coupons("nobody") == []
    assert missing.value.order_id == "DD20990101001"


async def test_recent_orders_ask_for_a_limit_and_come_back_newest_first() -> None:
    older = {**ORDER, "order_id": "DD20261122001", "placed_at": "2026-11-22T12:00:00+08:00"}
    platform = Platform(httpx.Response(200, json={"orders": [older, ORDER]}))
    async with adapter(platform) as system:
        orders = await system.recent_orders("stu-1001", limit=2)
    assert [o.order_id for o in orders] == ["DD20261123004", "DD20261122001"]
    assert platform.requests[0].url.params["limit"] == "2"


async def test_a_refused_cancellation_carries_the_platform_s_reason() -> None:
    platform = Platform(error(409, "already_accepted", "商家已接单，无法取消"))
    async with adapter(platform) as system:
        with pytest.raises(NotAllowed) as refused:
            await system.cancel_order("DD20261123009", "changed my mind")
    assert (refused.value.code, refused.value.reason) == (
        "already_accepted",
        "商家已接单，无法取消",
    )
    request = platform.requests[0]
    assert (request.method, request.url.path) == ("POST", "/api/v1/orders/DD20261123009/cancel")
    assert json.loads(request.content) == {"reason": "changed my mind"}


async def test_a_422_in_fastapi_style_is_also_not_allowed() -> None:
    platform = Platform(httpx.Response(422, json={"detail": "amount too large"}))
    async with adapter(platform) as system:
        with pytest.raises(NotAllowed, match="amount too large") as refused:
            await system.request_refund("DD20261123004", 99_999, "all")
    assert refused.value.code == "not_allowed"


async def test_a_refund_request_sends_cents_and_returns_the_platform_s_decision() -> None:
    refund = {
        "refund_id": "RF2026112300401",
        "order_id": "DD20261123004",
        "amount_cents": 6000,
        "reason": "cold",
        "state": "pending_review",
        "requested_at": "2026-11-23T12:31:00+08:00",
    }
    platform = Platform(httpx.Response(201, json=refund))
    async with adapter(platform) as system:
        result = await system.request_refund("DD20261123004", 6000, "cold")
    assert result.state is RefundState.PENDING_REVIEW
    assert json.loads(platform.requests[0].content) == {"amount_cents": 6000, "reason": "cold"}


async def test_a_lookup_that_hits_a_500_is_retried_with_backoff_and_succeeds() -> None:
    platform = Platform(
        httpx.Response(500, text="boom"),
        httpx.Response(502, text="bad gateway"),
        httpx.Response(200, json={"state": "paid", "order_id": "DD1", "method": "alipay",
                                  "paid_cents": 100, "refunded_cents": 0,
                                  "pending_refund_cents": 0}),
    )  # fmt: skip
    sleeps = Sleeps()
    async with adapter(platform, sleeps, backoff_s=0.1) as system:
        status = await system.payment_status("DD1")
    assert status.state is PaymentState.PAID
    assert len(platform.requests) == 3
    assert sleeps.delays == [0.1, 0.2]


async def test_a_lookup_that_keeps_failing_gives_up_with_a_clear_message() -> None:
    platform = Platform(httpx.Response(503, json={"detail": "maintenance until 13:00"}))
    async with adapter(platform) as system:
        with pytest.raises(BusinessSystemUnavailable) as down:
            await system.get_order("DD20261123004")
    assert len(platform.requests) == 3
    message = str(down.value)
    assert "orders.example.edu" in message and "HTTP 503" in message
    assert "maintenance until 13:00" in message and "after 3 attempts" in message


async def test_a_cancellation_that_hits_a_500_is_not_repeated() -> None:
    platform = Platform(httpx.Response(500))
    async with adapter(platform) as system:
        with pytest.raises(BusinessSystemUnavailable, match="not retried"):
            await system.cancel_order("DD20261123011", "mistake")
    assert len(platform.requests) == 1


async def test_a_refused_connection_is_retried_then_reported() -> None:
    refused = httpx.ConnectError("connection refused")
    async with adapter(Platform(refused, httpx.Response(200, json=ORDER))) as system:
        assert (await system.get_order("DD20261123004")).order_id == "DD20261123004"
    platform = Platform(refused)
    async with adapter(platform) as system:
        with pytest.raises(BusinessSystemUnavailable, match="could not be reached") as down:
            await system.get_order("DD20261123004")
    assert len(platform.requests) == 3
    assert "connection refused" in str(down.value)


async def test_a_platform_that_does_not_answer_in_time_is_unavailable_without_retry() -> None:
    platform = Platform(httpx.ReadTimeout("read timed out"))
    async with adapter(platform) as system:
        with pytest.raises(BusinessSystemUnavailable) as down:
            await system.get_order("DD20261123004")
    assert len(platform.requests) == 1
    assert str(down.value) == (
        "the business system at https://orders.example.edu did not answer "
        "GET /orders/DD20261123004 within 2 s (ReadTimeout)"
    )


async def test_a_wrong_api_key_says_so_without_revealing_it() -> None:
    platform = Platform(httpx.Response(401, json={"detail": "bad key"}))
    async with adapter(platform) as system:
        with pytest.raises(BusinessSystemUnavailable, match="API key") as down:
            await system.get_customer("stu-1001")
    assert "s3cret" not in str(down.value)
    assert len(platform.requests) == 1


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(200, text="<html>login</html>"), "not JSON"),
        (httpx.Response(200, json={**ORDER, "status": "teleported"}), "malformed order: status"),
        (httpx.Response(200, json={"order_id": "DD1"}), "malformed order"),
    ],
)
async def test_an_answer_that_breaks_the_contract_is_unavailable(
    response: httpx.Response, expected: str
) -> None:
    async with adapter(Platform(response)) as system:
        with pytest.raises(BusinessSystemUnavailable, match=expected):
            await system.get_order("DD20261123004")


async def test_no_api_key_means_no_api_key_header() -> None:
    platform = Platform(httpx.Response(404))
    system = HttpBusinessSystem(BASE, transport=httpx.MockTransport(platform))
    assert await system.get_customer("stu-1001") is None
    await system.aclose()
    assert "X-API-Key" not in platform.requests[0].headers
