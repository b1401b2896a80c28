"""The rules per account, read through a short cache so a turn never waits on the database
for them; an admin's change takes effect at once on this instance, within seconds on others."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kefu.bot.ports import BotStore
from kefu.bot.rules import DEFAULT_RULES, BotRules, parse_rules
from kefu.domain.clock import Clock

log = logging.getLogger(__name__)
RULES_TTL_S = 5.0


class RulesCache:
    def __init__(self, store: BotStore, clock: Clock, ttl_s: float = RULES_TTL_S) -> None:
        self.store = store
        self.clock = clock
        self.ttl_s = ttl_s
        self._rules: dict[str, tuple[float, BotRules]] = {}

    async def get(self, account_id: str) -> BotRules:
        cached = self._rules.get(account_id)
        if cached and time.monotonic() - cached[0] < self.ttl_s:
            return cached[1]
        stored = await self.store.get_rules(account_id)
        try:
            rules = parse_rules(stored) if stored else DEFAULT_RULES
        except Exception:
            log.exception("stored bot rules are invalid; using the defaults")
            rules = DEFAULT_RULES
        self._rules[account_id] = (time.monotonic(), rules)
        return rules

    async def put(self, account_id: str, data: Mapping[str, Any], by: str) -> BotRules:
        rules = parse_rules(data)
        now: datetime = self.clock()
        await self.store.put_rules(account_id, rules.to_dict(), by, now)
        self._rules[account_id] = (time.monotonic(), rules)
        return rules
