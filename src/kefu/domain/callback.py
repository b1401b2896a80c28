"""A customer's request to be called back instead of waiting in a queue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from kefu.domain.errors import InvalidInput

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,30}$")


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    id: str
    account_id: str
    conversation_id: str
    customer_id: str
    phone: str
    created_at: datetime
    preferred_time: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if not _PHONE.match(self.phone):
            raise InvalidInput(f"not a phone number: {self.phone!r}")
        if self.preferred_time is not None and len(self.preferred_time) > 100:
            raise InvalidInput("preferred_time must be at most 100 characters")
