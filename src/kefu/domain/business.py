"""The business system kefu serves: customers, orders, refunds, coupons, invoices.

``BusinessSystem`` is the port through which the bot looks up and changes orders. The rules
that every implementation must share (when an order can still be cancelled, how much can be
refunded, when a refund needs a human to review it) live here as pure ``check_*`` functions,
so the in-memory fake and a real platform's API cannot drift apart silently: the shared
contract tests hold both to them. No I/O here. Money is always integer cents (fen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol

Language = Literal["zh", "en"]

# Above this a refund waits for a human: small refunds are cheaper to grant than to review.
DEFAULT_AUTO_APPROVE_LIMIT_CENTS = 5_000  # ¥50


class CustomerTag(StrEnum):
    VIP = "vip"
    ELDERLY = "elderly"
    STUDENT = "student"


class OrderStatus(StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    PREPARING = "preparing"
    PICKED_UP = "picked_up"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class PaymentState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class RefundState(StrEnum):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"


class CouponState(StrEnum):
    USABLE = "usable"
    USED = "used"
    EXPIRED = "expired"


class InvoiceState(StrEnum):
    REQUESTED = "requested"
    ISSUED = "issued"


# Statuses in which the rider has not yet taken the food, so the destination can still change.
_BEFORE_PICKUP = frozenset({OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.PREPARING})
_FINISHED = frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED})
# Money has been captured in these states (possibly partly given back already).
_CAPTURED = frozenset({PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED})
_PHONE = re.compile(r"^(1\d{10}|\+\d{8,15})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAX_ID = re.compile(r"^[0-9A-Z]{15,20}$")


def format_yuan(cents: int) -> str:
    """``1250`` → ``"¥12.50"``; for messages only, never for arithmetic."""
    sign = "-" if cents < 0 else ""
    return f"{sign}¥{abs(cents) // 100}.{abs(cents) % 100:02d}"


@dataclass(frozen=True)
class LocalizedText:
    zh: str
    en: str

    def in_language(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class BizCustomer:
    external_id: str
    name: str
    phone: str
    language: Language = "zh"
    tags: frozenset[str] = frozenset()

    def has_tag(self, tag: str) -> bool:
        return tag in self.tags


@dataclass(frozen=True)
class Restaurant:
    restaurant_id: str
    name: LocalizedText
    location: str
    phone: str


@dataclass(frozen=True)
class OrderItem:
    name: LocalizedText
    qty: int
    unit_price_cents: int

    @property
    def line_total_cents(self) -> int:
        return self.qty * self.unit_price_cents


@dataclass(frozen=True)
class Rider:
    name: str
    # A virtual (relay) number: platforms never hand out a rider's real phone.
    phone: str
    location: str


@dataclass(frozen=True)
class CouponUse:
    """A coupon the customer chose at checkout, and whether it actually took effect."""

    code: str
    title: LocalizedText
    discount_cents: int
    applied: bool
    reason_not_applied: LocalizedText | None = None


@dataclass(frozen=True)
class Refund:
    refund_id: str
    order_id: str
    amount_cents: int
    reason: str
    state: RefundState
    requested_at: datetime


@dataclass(frozen=True)
class Order:
    order_id: str
    customer_id: str
    restaurant: Restaurant
    items: tuple[OrderItem, ...]
    status: OrderStatus
    placed_at: datetime
    address: str
    contact_phone: str
    payment_state: PaymentState
    payment_method: str
    # What the customer pays: items + delivery fee - an applied coupon.
    total_cents: int
    delivery_fee_cents: int = 0
    accepted_at: datetime | None = None
    eta: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    rider: Rider | None = None
    coupon: CouponUse | None = None
    refunds: tuple[Refund, ...] = ()
    payment_failure_reason: str | None = None

    @property
    def subtotal_cents(self) -> int:
        return sum(item.line_total_cents for item in self.items)

    @property
    def paid_cents(self) -> int:
        return self.total_cents if self.payment_state in _CAPTURED else 0

    @property
    def refunded_cents(self) -> int:
        return sum(r.amount_cents for r in self.refunds if r.state is RefundState.APPROVED)

    @property
    def pending_refund_cents(self) -> int:
        return sum(r.amount_cents for r in self.refunds if r.state is RefundState.PENDING_REVIEW)

    @property
    def refundable_cents(self) -> int:
        # Refunds under review are reserved so that asking twice cannot refund twice.
        return max(0, self.paid_cents - self.refunded_cents - self.pending_refund_cents)

    def is_late(self, now: datetime) -> bool:
        return self.status not in _FINISHED and self.eta is not None and now > self.eta

    def minutes_late(self, now: datetime) -> int:
        if not self.is_late(now) or self.eta is None:
            return 0
        return int((now - self.eta).total_seconds() // 60)


@dataclass(frozen=True)
class Coupon:
    code: str
    title: LocalizedText
    discount_cents: int
    min_spend_cents: int
    valid_until: datetime
    state: CouponState


@dataclass(frozen=True)
class Invoice:
    invoice_id: str
    order_id: str
    title: str
    tax_id: str | None
    email: str
    amount_cents: int
    state: InvoiceState
    requested_at: datetime


@dataclass(frozen=True)
class PaymentStatus:
    order_id: str
    state: PaymentState
    method: str
    paid_cents: int
    refunded_cents: int
    pending_refund_cents: int
    failure_reason: str | None = None


class BusinessError(Exception):
    """Base of every error a business system raises; ``code`` is stable, the text is not."""

    code = "business_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class OrderNotFound(BusinessError):
    code = "order_not_found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"no order {order_id!r}")
        self.order_id = order_id


class NotAllowed(BusinessError):
    """The request is understood but the business rules refuse it; ``reason`` says why."""

    code = "not_allowed"

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        super().__init__(reason, code=code)
        self.reason = reason


class BusinessSystemUnavailable(BusinessError):
    """Down, too slow or answering nonsense: the bot should apologise and offer a human."""

    code = "business_system_unavailable"


def check_can_cancel(order: Order) -> None:
    """Only an order no restaurant has accepted yet can be cancelled by the customer."""
    if order.status is OrderStatus.PLACED:
        return
    if order.status is OrderStatus.CANCELLED:
        raise NotAllowed(f"order {order.order_id} is already cancelled", code="already_cancelled")
    if order.status is OrderStatus.DELIVERED:
        raise NotAllowed(f"order {order.order_id} was already delivered", code="already_delivered")
    raise NotAllowed(
        f"the restaurant already accepted order {order.order_id} (now {order.status}); "
        "it can no longer be cancelled",
        code="already_accepted",
    )


def check_can_change_address(order: Order, address: str) -> None:
    if not address.strip():
        raise NotAllowed("the new address is empty", code="invalid_address")
    if order.status not in _BEFORE_PICKUP:
        raise NotAllowed(
            f"order {order.order_id} is {order.status}; the address can only change "
            "before the rider picks it up",
            code="already_picked_up",
        )


def check_can_change_phone(order: Order, phone: str) -> None:
    if not _PHONE.match(phone):
        raise NotAllowed(f"{phone!r} is not a mobile number", code="invalid_phone")
    if order.status in _FINISHED:
        raise NotAllowed(f"order {order.order_id} is {order.status}", code="order_closed")


def check_refund(order: Order, amount_cents: int) -> None:
    """Refunds are for paid orders that are over: delivered, or cancelled after paying."""
    if amount_cents <= 0:
        raise NotAllowed("a refund must be a positive amount", code="invalid_amount")
    if order.payment_state is PaymentState.REFUNDED:
        raise NotAllowed(f"order {order.order_id} is fully refunded", code="already_refunded")
    if order.payment_state not in _CAPTURED:
        raise NotAllowed(
            f"order {order.order_id} was never paid ({order.payment_state})", code="not_paid"
        )
    if order.status not in _FINISHED:
        raise NotAllowed(
            f"order {order.order_id} is still {order.status}; cancel it or wait for delivery",
            code="order_in_progress",
        )
    if amount_cents > order.refundable_cents:
        raise NotAllowed(
            f"at most {format_yuan(order.refundable_cents)} of order {order.order_id} "
            f"can still be refunded, not {format_yuan(amount_cents)}",
            code="amount_exceeds_refundable",
        )


def decide_refund_state(amount_cents: int, auto_approve_limit_cents: int) -> RefundState:
    if amount_cents > auto_approve_limit_cents:
        return RefundState.PENDING_REVIEW
    return RefundState.APPROVED


def payment_state_after_refunds(order: Order) -> PaymentState:
    """The payment state once ``order.refunds`` are taken into account."""
    if order.payment_state not in _CAPTURED or order.refunded_cents == 0:
        return order.payment_state
    if order.refunded_cents >= order.paid_cents:
        return PaymentState.REFUNDED
    return PaymentState.PARTIALLY_REFUNDED


def check_can_invoice(order: Order, title: str, tax_id: str | None, email: str) -> None:
    if not title.strip():
        raise NotAllowed("an invoice needs a title", code="invalid_title")
    if tax_id is not None and not _TAX_ID.match(tax_id):
        raise NotAllowed(f"{tax_id!r} is not a taxpayer id", code="invalid_tax_id")
    if not _EMAIL.match(email):
        raise NotAllowed(f"{email!r} is not an e-mail address", code="invalid_email")
    if order.status is not OrderStatus.DELIVERED:
        raise NotAllowed(
            f"order {order.order_id} is {order.status}; invoices are for delivered orders",
            code="not_delivered",
        )
    if order.paid_cents - order.refunded_cents <= 0:
        raise NotAllowed(f"nothing was paid for order {order.order_id}", code="not_paid")


def payment_status_of(order: Order) -> PaymentStatus:
    return PaymentStatus(
        order_id=order.order_id,
        state=order.payment_state,
        method=order.payment_method,
        paid_cents=order.paid_cents,
        refunded_cents=order.refunded_cents,
        pending_refund_cents=order.pending_refund_cents,
        failure_reason=order.payment_failure_reason,
    )


class BusinessSystem(Protocol):
    """What kefu needs from the platform it serves.

    Every method may raise ``BusinessSystemUnavailable``; order methods raise ``OrderNotFound``
    for unknown ids and ``NotAllowed`` when the ``check_*`` rules above refuse. An unknown
    customer has no orders and no coupons. ``recent_orders`` is newest first. Cancelling does
    not refund: that is a separate ``request_refund``, whose state is ``pending_review`` above
    the platform's auto-approve limit. ``aclose`` releases connections on shutdown.
    """

    async def get_customer(self, external_id: str) -> BizCustomer | None: ...
    async def recent_orders(self, external_id: str, limit: int = 5) -> list[Order]: ...
    async def get_order(self, order_id: str) -> Order: ...
    async def cancel_order(self, order_id: str, reason: str) -> Order: ...
    async def request_refund(self, order_id: str, amount_cents: int, reason: str) -> Refund: ...
    async def change_address(self, order_id: str, address: str) -> Order: ...
    async def change_phone(self, order_id: str, phone: str) -> Order: ...
    async def list_coupons(self, external_id: str) -> list[Coupon]: ...
    async def request_invoice(
        self, order_id: str, title: str, tax_id: str | None, email: str
    ) -> Invoice: ...
    async def payment_status(self, order_id: str) -> PaymentStatus: ...
    async def aclose(self) -> None: ...
