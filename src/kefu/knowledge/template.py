"""Answer templates: `{order.eta}` filled from what the bot knows, never shown raw.

Syntax: `{name}` or `{name|fallback text}`; `{{` and `}}` are literal braces. A variable the
caller cannot supply is replaced by the template's own fallback, else by a phrase known for
that variable (``order.eta`` → "the time shown on the order page"), else by a neutral phrase.
So a customer never sees `{order.eta}`, and rendering never raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")

#: Phrases that read naturally where a known variable would have been.
KNOWN_FALLBACKS: Mapping[str, tuple[str, str]] = {
    "order.eta": ("订单页显示的预计时间", "the time shown on the order page"),
    "order.id": ("您的订单", "your order"),
    "order.status": ("订单页显示的状态", "the status shown on the order page"),
    "order.restaurant": ("商家", "the restaurant"),
    "order.rider": ("骑手", "the rider"),
    "order.rider_phone": ("订单页上的骑手电话", "the rider's number on the order page"),
    "order.total": ("实付金额", "the amount you paid"),
    "order.minutes_late": ("一段时间", "a while"),
    "customer.name": ("您", "there"),
    "refund.amount": ("退款金额", "the refund amount"),
    "refund.eta": ("1–3 个工作日内", "within 1–3 working days"),
}
_GENERIC = ("（暂时无法查询）", "(not available right now)")


def variables_in(template: str) -> list[str]:
    """The variable names a template uses, in order of appearance."""
    names = []
    for match in _TOKEN.finditer(template):
        body = match.group(1)
        if body is not None:
            names.append(body.split("|", 1)[0].strip())
    return names


def check_template(template: str) -> list[str]:
    """Problems with a template's syntax; empty when it is fine."""
    problems = []
    for match in _TOKEN.finditer(template):
        token, body = match.group(0), match.group(1)
        if body is None:
            if token in ("{", "}"):
                problems.append(f"unbalanced {token!r} at {match.start()}; write {token * 2}")
            continue
        name = body.split("|", 1)[0].strip()
        if not _NAME.match(name):
            problems.append(f"{{{body}}} is not a variable like {{order.eta}}")
    return problems


def lookup(variables: Mapping[str, object], name: str) -> object | None:
    """`name` from flat keys ("order.eta") or nested mappings/objects ({"order": {...}})."""
    if name in variables:
        return variables[name]
    value: object | None = variables
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
        if value is None:
            return None
    return value


def format_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%H:%M")
    return str(value)


def render(template: str, language: str, variables: Mapping[str, object]) -> str:
    en = language == "en"

    def fill(match: re.Match[str]) -> str:
        token, body = match.group(0), match.group(1)
        if body is None:
            # Doubled braces are literals; a stray single one is dropped rather than shown.
            return token[0] if len(token) == 2 else ""
        name, _, fallback = body.partition("|")
        name = name.strip()
        value = lookup(variables, name) if _NAME.match(name) else None
        text = format_value(value).strip() if value is not None else ""
        if text:
            return text
        if fallback.strip():
            return fallback.strip()
        zh_phrase, en_phrase = KNOWN_FALLBACKS.get(name, _GENERIC)
        return en_phrase if en else zh_phrase

    return _TOKEN.sub(fill, template)
