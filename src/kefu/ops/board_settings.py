"""The board's settings document checked: alert rules and webhook URLs, as a supervisor
sends them."""

from __future__ import annotations

from typing import Any

from kefu.domain.errors import InvalidInput
from kefu.ops.alerts import AlertRule
from kefu.services import outbound


def parse_rules(raw: Any) -> list[AlertRule]:
    if not isinstance(raw, list) or len(raw) > 100:
        raise InvalidInput("rules must be a list of at most 100 alert rules")
    rules = [AlertRule.from_dict(r) if isinstance(r, dict) else _bad_rule() for r in raw]
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise InvalidInput("alert rule ids must be unique")
    return rules


def _bad_rule() -> AlertRule:
    raise InvalidInput("each alert rule must be an object")


def parse_webhooks(raw: Any) -> list[str]:
    if not isinstance(raw, list) or len(raw) > 20:
        raise InvalidInput("webhooks must be a list of at most 20 URLs")
    for url in raw:
        if (
            not isinstance(url, str)
            or not url.startswith(("http://", "https://"))
            or len(url) > 500
        ):
            raise InvalidInput(f"not an http(s) URL: {url!r}")
        outbound.check_url(url)
    return list(raw)
