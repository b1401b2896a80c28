"""``FakeFoodDelivery``: the demo platform, in memory, obeying the same rules as a real one.

It serves two purposes: ``kefu serve --demo`` talks to it, and every unit test above the
adapter layer uses it instead of patching. It can also misbehave on purpose (``go_down``,
``set_latency``) so that graceful failure can be tested without a network.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import datetime

from kefu.adapters.business.demo_data import CHINA_TZ, DemoDataset, DemoScenario, build_demo_dataset
from kefu.domain.business import (
    DEFAULT_AUTO_APPROVE_LIMIT_CENTS,
    BizCustomer,
    BusinessSystemUnavailable,
    Coupon,
    CouponState,
    Invoice,
    InvoiceState,
    NotAllowed,
    Order,
    OrderNotFound,
    OrderStatus,
    PaymentStatus,
    Refund,
    check_can_cancel,
    check_can_change_address,
    check_can_change_phone,
    check_can_invoice,
    check_refund,
    decide_refund_state,
    payment_state_after_refunds,
    payment_status_of,
)


def china_now() -> datetime:
    return datetime.now(CHINA_TZ)


class FakeFoodDelivery:
    """An in-memory ``BusinessSystem`` built from the demo dataset.

    ``now`` is the clock: the dataset is laid out around its first reading, and later readings
    stamp cancellations, refunds and invoices. Pass a fixed clock in tests.
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = china_now,
        dataset: DemoDataset | None = None,
        auto_approve_limit_cents: int = DEFAULT_AUTO_APPROVE_LIMIT_CENTS,
        timeout_s: float | None = None,
    ) -> None:
        self._now = now
        data = dataset if dataset is not None else build_demo_dataset(now())
        self._customers = {c.external_id: c for c in data.customers}
        self._orders = {o.order_id: o for o in data.orders}
        self._coupons = dict(data.coupons)
        self._scenarios = dict(data.scenarios)
        self._invoices: dict[str, Invoice] = {}
        self.auto_approve_limit_cents = auto_approve_limit_cents
        self.timeout_s = timeout_s
        self._down_reason: str | None = None
        self._latency_s = 0.0
        # Names of the methods called, in order: lets a test say "the bot never cancelled".
        self.calls: list[str] = []

    # -- misbehaving on purpose -------------------------------------------------------------

    def go_down(self, reason: str = "maintenance") -> None:
        """Every call raises ``BusinessSystemUnavailable`` until ``recover()``."""
        self._down_reason = reason

    def recover(self) -> None:
        self._down_reason = None

    def set_latency(self, seconds: float) -> None:
        """Delay every call; at or beyond ``timeout_s`` calls fail the way a real timeout does."""
        if seconds < 0:
            raise ValueError(f"latency must be >= 0, got {seconds}")
        self._latency_s = seconds

    async def _enter(self, method: str) -> None:
        self.calls.append(method)
        if self._latency_s:
            if self.timeout_s is not None and self._latency_s >= self.timeout_s:
                await asyncio.sleep(self.timeout_s)
                raise BusinessSystemUnavailable(
                    f"the demo business system did not answer {method} within {self.timeout_s:g} s"
                )
            await asyncio.sleep(self._latency_s)
        if self._down_reason is not None:
            raise BusinessSystemUnavailable(
                f"the demo business system is down ({self._down_reason})"
            )

    # -- demo helpers -----------------------------------------------------------------------

    def demo_customers(self) -> list[BizCustomer]:
        return list(self._customers.values())

    def scenario_order_id(self, scenario: DemoScenario) -> str:
        """The id of the demo order playing ``scenario`` (ids depend on the clock's date)."""
        return self._scenarios[scenario]

    def all_orders(self) -> list[Order]:
        return sorted(self._orders.values(), key=lambda o: o.placed_at, reverse=True)

    # -- BusinessSystem ---------------------------------------------------------------------
    # No await separates a read of the state from its write below, so concurrent calls on
    # one event loop cannot interleave inside a rule check.

    async def get_customer(self, external_id: str) -> BizCustomer | None:
        await self._enter("get_customer")
        return self._customers.get(external_id)

    async def recent_orders(self, external_id: str, limit: int = 5) -> list[Order]:
        await self._enter("recent_orders")
        mine = [o for o in self.all_orders() if o.customer_id == external_id]
        return mine[: max(0, limit)]

    async def get_order(self, order_id: str) -> Order:
        await self._enter("get_order")
        return self._order(order_id)

    async def cancel_order(self, order_id: str, reason: str) -> Order:
        await self._enter("cancel_order")
        order = self._order(order_id)
        check_can_cancel(order)
        return self._save(
            dataclasses.replace(
                order, status=OrderStatus.CANCELLED, cancelled_at=self._now(), cancel_reason=reason
            )
        )

    async def request_refund(self, order_id: str, amount_cents: int, reason: str) -> Refund:
        await self._enter("request_refund")
        order = self._order(order_id)
        check_refund(order, amount_cents)
        refund = Refund(
            refund_id=f"RF{order_id[2:]}{len(order.refunds) + 1:02d}",
            order_id=order_id,
            amount_cents=amount_cents,
            reason=reason,
            state=decide_refund_state(amount_cents, self.auto_approve_limit_cents),
            requested_at=self._now(),
        )
        with_refund = dataclasses.replace(order, refunds=(*order.refunds, refund))
        self._save(
            dataclasses.replace(with_refund, payment_state=payment_state_after_refunds(with_refund))
        )
        return refund

    async def change_address(self, order_id: str, address: str) -> Order:
        await self._enter("change_address")
        order = self._order(order_id)
        check_can_change_address(order, address)
        return self._save(dataclasses.replace(order, address=address.strip()))

    async def change_phone(self, order_id: str, phone: str) -> Order:
        await self._enter("change_phone")
        order = self._order(order_id)
        check_can_change_phone(order, phone)
        return self._save(dataclasses.replace(order, contact_phone=phone))

    async def list_coupons(self, external_id: str) -> list[Coupon]:
        await self._enter("list_coupons")
        now = self._now()
        # The wallet was laid out at start-up; a clock that moved on must see coupons expire.
        return [
            dataclasses.replace(c, state=CouponState.EXPIRED)
            if c.state is CouponState.USABLE and c.valid_until < now
            else c
            for c in self._coupons.get(external_id, ())
        ]

    async def request_invoice(
        self, order_id: str, title: str, tax_id: str | None, email: str
    ) -> Invoice:
        await self._enter("request_invoice")
        order = self._order(order_id)
        check_can_invoice(order, title, tax_id, email)
        if order_id in self._invoices:
            raise NotAllowed(
                f"an invoice for order {order_id} was already requested "
                f"({self._invoices[order_id].invoice_id})",
                code="invoice_already_requested",
            )
        invoice = Invoice(
            invoice_id=f"INV{order_id[2:]}",
            order_id=order_id,
            title=title.strip(),
            tax_id=tax_id,
            email=email,
            amount_cents=order.paid_cents - order.refunded_cents,
            state=InvoiceState.REQUESTED,
            requested_at=self._now(),
        )
        self._invoices[order_id] = invoice
        return invoice

    async def payment_status(self, order_id: str) -> PaymentStatus:
        await self._enter("payment_status")
        return payment_status_of(self._order(order_id))

    async def aclose(self) -> None:
        """Nothing to release; present so callers can treat every adapter alike."""

    # -- internals --------------------------------------------------------------------------

    def _order(self, order_id: str) -> Order:
        try:
            return self._orders[order_id]
        except KeyError:
            raise OrderNotFound(order_id) from None

    def _save(self, order: Order) -> Order:
        self._orders[order.order_id] = order
        return order
