"""Accounts and inboxes exist before anything arrives through them."""

from __future__ import annotations

import contextlib

from kefu.domain.errors import InvalidInput
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID, Account, ChannelKind, Inbox
from kefu.services.ports import DuplicateKey, UnitOfWork


async def ensure_account(uow: UnitOfWork, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    if await uow.tenancy.get_account(account_id) is None:
        # Another request or instance may create it at the same moment.
        with contextlib.suppress(DuplicateKey):
            await uow.tenancy.add_account(Account(id=account_id, name=account_id))


async def inbox_for(uow: UnitOfWork, account_id: str, channel: str) -> Inbox:
    try:
        kind = ChannelKind(channel)
    except ValueError as exc:
        allowed = ", ".join(k.value for k in ChannelKind)
        raise InvalidInput(f"channel must be one of {allowed}, got {channel!r}") from exc
    # Found, its account exists too (foreign key): one query on every conversation's start.
    inbox = await uow.tenancy.find_inbox(account_id, kind.value)
    if inbox is not None:
        return inbox
    await ensure_account(uow, account_id)
    inbox = Inbox(
        id=f"{account_id}-{kind.value}", account_id=account_id, name=kind.value, channel=kind
    )
    with contextlib.suppress(DuplicateKey):
        await uow.tenancy.add_inbox(inbox)
    return inbox
