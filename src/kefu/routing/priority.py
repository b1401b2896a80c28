"""Who is served first: protected customers, then VIPs, then upset customers, then SLA and time.

The order is lexicographic, so a protected VIP goes before a protected customer who is not
a VIP, and within the same group the first-response SLA due soonest goes first, then the
customer who has waited longest, and finally the conversation id so that two runs over the
same queue always agree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from kefu.routing.model import WaitingItem

PriorityKey = tuple[int, int, int, float, float, str]


class Tier(IntEnum):
    """The group a customer belongs to, most urgent first; SLA policies are chosen by tier."""

    PROTECTED = 0
    VIP = 1
    UPSET = 2
    STANDARD = 3


@dataclass(frozen=True, slots=True)
class PriorityRules:
    """Which tags make a customer protected or VIP, and which emotions count as upset.

    A customer is upset when their emotion category is one of `upset_emotions` or their
    emotion index (1 very negative … 5 very positive) is at most `upset_max_index`.
    """

    protected_tags: frozenset[str] = frozenset({"elderly", "disabled", "minor", "pregnant"})
    vip_tags: frozenset[str] = frozenset({"vip"})
    upset_emotions: frozenset[str] = frozenset({"anger", "anxiety"})
    upset_max_index: int = 1

    def is_protected(self, item: WaitingItem) -> bool:
        return not self.protected_tags.isdisjoint(item.tags)

    def is_vip(self, item: WaitingItem) -> bool:
        return not self.vip_tags.isdisjoint(item.tags)

    def is_upset(self, item: WaitingItem) -> bool:
        return item.emotion in self.upset_emotions or item.emotion_index <= self.upset_max_index


DEFAULT_RULES = PriorityRules()


def tier_of(item: WaitingItem, rules: PriorityRules = DEFAULT_RULES) -> Tier:
    if rules.is_protected(item):
        return Tier.PROTECTED
    if rules.is_vip(item):
        return Tier.VIP
    if rules.is_upset(item):
        return Tier.UPSET
    return Tier.STANDARD


def priority_key(item: WaitingItem, rules: PriorityRules = DEFAULT_RULES) -> PriorityKey:
    """Smaller sorts first. Total: no two different conversations compare equal."""
    return (
        0 if rules.is_protected(item) else 1,
        0 if rules.is_vip(item) else 1,
        0 if rules.is_upset(item) else 1,
        item.sla_due.timestamp() if item.sla_due is not None else math.inf,
        item.queued_at.timestamp(),
        item.conversation_id,
    )


def in_priority_order(
    waiting: Iterable[WaitingItem], rules: PriorityRules = DEFAULT_RULES
) -> list[WaitingItem]:
    return sorted(waiting, key=lambda item: priority_key(item, rules))


def queue_positions(
    waiting: Iterable[WaitingItem], rules: PriorityRules = DEFAULT_RULES
) -> dict[str, int]:
    """Each waiting conversation's 1-based position within its own queue."""
    positions: dict[str, int] = {}
    seen: defaultdict[str, int] = defaultdict(int)
    for item in in_priority_order(waiting, rules):
        seen[item.queue] += 1
        positions[item.conversation_id] = seen[item.queue]
    return positions
