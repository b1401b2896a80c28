"""The abuse limits configured in `Settings`, and the request dependencies that apply them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from kefu.settings import Settings
from kefu.web.abuse import Limit, Limiter

MINUTE = 60.0


@dataclass(frozen=True, slots=True)
class Limits:
    login_account: Limit
    login_address: Limit
    starts_address: Limit
    messages_customer: Limit
    messages_address: Limit

    @classmethod
    def of(cls, s: Settings) -> Limits:
        return cls(
            login_account=Limit("login:account", s.login_failures_per_account, s.login_window_s),
            login_address=Limit("login:address", s.login_failures_per_address, s.login_window_s),
            starts_address=Limit("start:address", s.starts_per_address, MINUTE),
            messages_customer=Limit("message:conversation", s.messages_per_customer, MINUTE),
            messages_address=Limit("message:address", s.messages_per_address, MINUTE),
        )


@dataclass(frozen=True, slots=True)
class Guard:
    """The limiter, the limits and the caller's address, for one request."""

    limiter: Limiter
    limits: Limits
    address: str


async def get_guard(request: Request) -> Guard:
    # The peer address; behind a proxy run uvicorn with --proxy-headers so it is the client's.
    address = request.client.host if request.client else "unknown"
    return Guard(request.app.state.limiter, request.app.state.limits, address)


GuardDep = Annotated[Guard, Depends(get_guard)]
