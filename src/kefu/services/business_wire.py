"""The JSON shape of business data on the wire (see docs/business-adapter.md).

Field names are the domain dataclasses' own, so the documented contract and the domain model
cannot drift apart; pydantic validates what a platform sends us against them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from kefu.domain.business import (
    BizCustomer,
    BusinessSystemUnavailable,
    Coupon,
    Invoice,
    Order,
    PaymentStatus,
    Refund,
)

T = TypeVar("T")

# Building a TypeAdapter compiles a validator, so each type gets one for the process.
_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {
    kind: TypeAdapter(kind) for kind in (BizCustomer, Order, Refund, Coupon, Invoice, PaymentStatus)
}


def _adapter(kind: type[T]) -> TypeAdapter[T]:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def to_json(value: object) -> Any:
    """A JSON-ready structure (dicts, lists, ISO 8601 strings) for one business value."""
    return _adapter(type(value)).dump_python(value, mode="json")


def from_json(kind: type[T], data: Any, *, what: str) -> T:
    """Parse ``data`` as ``kind``; a payload that breaks the contract makes the system unusable."""
    try:
        return _adapter(kind).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise BusinessSystemUnavailable(
            f"the business system sent a malformed {what}: {where}: {first['msg']} "
            f"({exc.error_count()} problem(s)); see docs/business-adapter.md"
        ) from exc


def list_from_json(kind: type[T], data: Any, *, what: str) -> list[T]:
    if not isinstance(data, list):
        raise BusinessSystemUnavailable(f"the business system sent a malformed {what}: not a list")
    return [from_json(kind, item, what=what) for item in data]
