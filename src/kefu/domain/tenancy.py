"""Accounts (tenants) and inboxes (the channels conversations arrive through)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_ACCOUNT_ID = "default"


class ChannelKind(StrEnum):
    WEB_WIDGET = "web_widget"
    APP = "app"
    API = "api"


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Inbox:
    id: str
    account_id: str
    name: str
    channel: ChannelKind
