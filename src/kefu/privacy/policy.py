"""Pure rules: what an agent is shown of personal data, and what is old enough to delete."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def mask_phone(phone: str | None) -> str | None:
    """`13812341234` → `138****1234`: enough to recognise, not enough to call. Only the
    digits count (`+86 138-1234-1234` → `861****1234`), and the stars never tell the length."""
    if not phone:
        return phone
    digits = [ch for ch in phone if ch.isdigit()]
    if len(digits) < 7:
        return "*" * len(digits)
    return "".join(digits[:3]) + "****" + "".join(digits[-4:])


def mask_name(name: str | None) -> str | None:
    """`陈晓明` → `陈**`, `Emma Clark` → `E*** C***`: the agent can address the customer
    without the full name leaving kefu; at most three stars a word, so long names do not
    tell their length."""
    if not name:
        return name
    return " ".join(part[:1] + "*" * min(max(len(part) - 1, 1), 3) for part in name.split())


def shown_name(name: str | None, *, handling: bool) -> str | None:
    """The one rule for a customer's name in front of the team: in full to the agent
    handling the conversation (its assignee, who talks with the customer and addresses
    them), masked for everyone else — agents looking into a queue, supervisors watching,
    lists of other people's conversations — and always in exports and reports."""
    return name if handling else mask_name(name)


def shown_phone(phone: str | None, *, calling_back: bool) -> str | None:
    """A phone number in full only to whoever calls it back (the assignee of a conversation
    whose callback is listed); masked everywhere else, the handling agent's chat included."""
    return phone if calling_back else mask_phone(phone)


def shown_profile(profile: dict[str, Any] | None, *, handling: bool) -> dict[str, Any] | None:
    """The business system's profile of the customer under the same rule: the name as
    `shown_name`, the phone masked (a chat needs no number; callbacks show theirs to whoever
    calls back)."""
    if profile is None:
        return None
    shown = dict(profile)
    if "name" in shown:
        shown["name"] = shown_name(shown["name"], handling=handling)
    if "phone" in shown:
        shown["phone"] = mask_phone(shown["phone"])
    return shown


def emotion_cutoff(now: datetime, ttl_s: float) -> datetime:
    """Emotion readings taken before this are deleted."""
    return now - timedelta(seconds=ttl_s)


def transcript_cutoff(now: datetime, retention: dict[str, object] | None) -> datetime | None:
    """Message text older than the admin's `transcript_days` is deleted; None: keep all."""
    days = (retention or {}).get("transcript_days")
    if not isinstance(days, int) or days < 1:
        return None
    return now - timedelta(days=days)


def customer_data_cutoff(now: datetime, retention: dict[str, object] | None) -> datetime | None:
    """A customer with no conversation active since this (and known since before it) has
    their profile's personal data erased, per the admin's `customer_data_days`; None: keep."""
    days = (retention or {}).get("customer_data_days")
    if not isinstance(days, int) or days < 1:
        return None
    return now - timedelta(days=days)
