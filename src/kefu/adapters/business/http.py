"""``HttpBusinessSystem``: the port over a deployment's own order API (docs/business-adapter.md).

Failures are translated into the domain's typed errors so that the bot never sees httpx:
404 → ``OrderNotFound``, 409/422 → ``NotAllowed`` with the platform's own message, anything
that leaves us without an answer → ``BusinessSystemUnavailable`` saying what went wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from kefu import __version__
from kefu.domain.business import (
    BizCustomer,
    BusinessSystemUnavailable,
    Coupon,
    Invoice,
    NotAllowed,
    Order,
    OrderNotFound,
    PaymentStatus,
    Refund,
)
from kefu.services.business_wire import from_json, list_from_json

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


class HttpBusinessSystem:
    """A ``BusinessSystem`` speaking JSON over HTTP.

    Only GETs are retried (``retries`` more times, with exponential backoff from
    ``backoff_s``), and only after a refused connection or a 5xx: repeating a POST could
    cancel or refund twice. Timeouts are not retried either — a customer is waiting, and a
    platform that took ``timeout_s`` once will probably do so again.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        api_key_header: str = "X-API-Key",
        timeout_s: float = 5.0,
        retries: int = 2,
        backoff_s: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        url = httpx.URL(base_url)
        # Named without path or credentials: this text ends up in logs and agent screens.
        self.name = f"the business system at {url.scheme}://{url.netloc.decode('ascii')}"
        headers = {"Accept": "application/json", "User-Agent": f"kefu/{__version__}"}
        if api_key:
            headers[api_key_header] = api_key
        self._client = httpx.AsyncClient(
            base_url=url, headers=headers, timeout=timeout_s, transport=transport
        )
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._sleep = sleep

    async def __aenter__(self) -> HttpBusinessSystem:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- BusinessSystem ---------------------------------------------------------------------

    async def get_customer(self, external_id: str) -> BizCustomer | None:
        response = await self._send("GET", f"/customers/{_seg(external_id)}")
        if response.status_code == 404:
            return None
        return from_json(BizCustomer, self._body(response), what="customer")

    async def recent_orders(self, external_id: str, limit: int = 5) -> list[Order]:
        path = f"/customers/{_seg(external_id)}/orders"
        response = await self._send("GET", path, params={"limit": limit})
        if response.status_code == 404:
            return []
        orders = list_from_json(Order, self._field(response, "orders"), what="order list")
        # Callers rely on newest-first whatever order the platform happens to use.
        return sorted(orders, key=lambda o: o.placed_at, reverse=True)[: max(0, limit)]

    async def get_order(self, order_id: str) -> Order:
        return await self._order_call(Order, "GET", order_id, "", what="order")

    async def cancel_order(self, order_id: str, reason: str) -> Order:
        body = {"reason": reason}
        return await self._order_call(Order, "POST", order_id, "/cancel", body, what="order")

    async def request_refund(self, order_id: str, amount_cents: int, reason: str) -> Refund:
        body = {"amount_cents": amount_cents, "reason": reason}
        return await self._order_call(Refund, "POST", order_id, "/refunds", body, what="refund")

    async def change_address(self, order_id: str, address: str) -> Order:
        body = {"address": address}
        return await self._order_call(Order, "PUT", order_id, "/address", body, what="order")

    async def change_phone(self, order_id: str, phone: str) -> Order:
        body = {"phone": phone}
        return await self._order_call(Order, "PUT", order_id, "/phone", body, what="order")

    async def list_coupons(self, external_id: str) -> list[Coupon]:
        response = await self._send("GET", f"/customers/{_seg(external_id)}/coupons")
        if response.status_code == 404:
            return []
        return list_from_json(Coupon, self._field(response, "coupons"), what="coupon list")

    async def request_invoice(
        self, order_id: str, title: str, tax_id: str | None, email: str
    ) -> Invoice:
        body = {"title": title, "tax_id": tax_id, "email": email}
        return await self._order_call(Invoice, "POST", order_id, "/invoices", body, what="invoice")

    async def payment_status(self, order_id: str) -> PaymentStatus:
        return await self._order_call(
            PaymentStatus, "GET", order_id, "/payment", what="payment status"
        )

    # -- internals --------------------------------------------------------------------------

    async def _order_call(
        self,
        kind: type[T],
        method: str,
        order_id: str,
        suffix: str,
        body: dict[str, Any] | None = None,
        *,
        what: str,
    ) -> T:
        response = await self._send(method, f"/orders/{_seg(order_id)}{suffix}", json=body)
        if response.status_code == 404:
            raise OrderNotFound(order_id)
        return from_json(kind, self._body(response), what=what)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """One logical request: retried if safe, and returned only if 2xx or 404."""
        attempts = 1 + max(0, self.retries) if method == "GET" else 1
        failure = ""
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                await self._sleep(self.backoff_s * 2 ** (attempt - 2))
            try:
                response = await self._client.request(method, path, json=json, params=params)
            except httpx.TimeoutException as exc:
                raise BusinessSystemUnavailable(
                    f"{self.name} did not answer {method} {path} within {self.timeout_s:g} s "
                    f"({type(exc).__name__})"
                ) from exc
            except httpx.TransportError as exc:
                failure = f"could not be reached ({type(exc).__name__}: {exc})"
                if attempt == attempts:
                    raise self._unavailable(method, path, failure, attempts) from exc
                continue
            if response.status_code >= 500:
                failure = f"answered HTTP {response.status_code}: {_error_of(response)[1]}"
                if attempt < attempts:
                    continue
                raise self._unavailable(method, path, failure, attempts)
            self._check_status(method, path, response)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _unavailable(
        self, method: str, path: str, failure: str, attempts: int
    ) -> BusinessSystemUnavailable:
        if method == "GET":
            tries = f"after {attempts} attempt{'s' if attempts > 1 else ''}"
        else:
            tries = "not retried: it may have taken effect"
        return BusinessSystemUnavailable(f"{self.name} {failure} on {method} {path} ({tries})")

    def _check_status(self, method: str, path: str, response: httpx.Response) -> None:
        status = response.status_code
        if response.is_success or status == 404:
            return
        code, message = _error_of(response)
        if status in (409, 422):
            raise NotAllowed(message, code=code)
        if status in (401, 403):
            raise BusinessSystemUnavailable(
                f"{self.name} refused our credentials (HTTP {status}) on {method} {path}; "
                "check the business-system API key"
            )
        raise BusinessSystemUnavailable(
            f"{self.name} answered HTTP {status} to {method} {path}: {message}"
        )

    def _body(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise BusinessSystemUnavailable(
                f"{self.name} sent a response that is not JSON "
                f"(HTTP {response.status_code}, {response.headers.get('content-type', '?')})"
            ) from exc

    def _field(self, response: httpx.Response, name: str) -> Any:
        body = self._body(response)
        if not isinstance(body, dict) or name not in body:
            raise BusinessSystemUnavailable(f"{self.name} sent a response without {name!r}")
        return body[name]


def _seg(value: str) -> str:
    # Ids come from what customers type; quoting keeps "../" or "?" out of the request path.
    return quote(value, safe="")


def _error_of(response: httpx.Response) -> tuple[str | None, str]:
    """(code, message) from ``{"error": {"code", "message"}}``, ``{"detail"}`` or plain text."""
    try:
        body = response.json()
    except ValueError:
        return None, response.text.strip()[:200] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            code = error.get("code")
            return (code if isinstance(code, str) else None), error["message"]
        for key in ("detail", "message", "error"):
            if isinstance(body.get(key), str):
                return None, body[key]
    return None, response.reason_phrase
