"""Events of the privacy feature; other features subscribe to them (CSAT/NPS cancel their
scheduled surveys on `customer.erased`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kefu.domain.events import DomainEvent, register_event


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerErased(DomainEvent):
    """A customer's personal data and message text were erased; ids and counts remain."""

    name: ClassVar[str] = "customer.erased"
    account_id: str
    customer_id: str
    conversation_ids: list[str]
