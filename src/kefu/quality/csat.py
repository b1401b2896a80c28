"""CSAT: when to invite a rating, and results per agent, queue, intent and tier."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kefu.quality.model import CsatRating

DEFAULT_CHANNELS: tuple[str, ...] = ("web_widget", "app", "wechat")


@dataclass(frozen=True, slots=True)
class CsatRules:
    """Invite on these channels, after a resolution only (never after an abandoned chat),
    and not when the customer never said anything (nobody to ask)."""

    channels: tuple[str, ...] = DEFAULT_CHANNELS
    require_customer_message: bool = True


@dataclass(frozen=True, slots=True)
class CsatInvite:
    invite: bool
    reason: str


def should_invite(
    *, status: str, channel: str, customer_messages: int, rules: CsatRules | None = None
) -> CsatInvite:
    rules = rules or CsatRules()
    if status != "resolved":
        return CsatInvite(False, "not_resolved")
    if channel not in rules.channels:
        return CsatInvite(False, "channel")
    if rules.require_customer_message and customer_messages == 0:
        return CsatInvite(False, "silent")
    return CsatInvite(True, "resolved")


@dataclass(slots=True)
class CsatSummary:
    ratings: int = 0
    total: int = 0
    satisfied: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    def add(self, score: int) -> None:
        self.ratings += 1
        self.total += score
        self.satisfied += score >= 4
        self.distribution[score] += 1

    def to_dict(self) -> dict[str, object]:
        return {
            "ratings": self.ratings,
            "average": round(self.total / self.ratings, 2) if self.ratings else None,
            "satisfied_rate": round(self.satisfied / self.ratings, 3) if self.ratings else None,
            "distribution": {str(k): v for k, v in self.distribution.items()},
        }


def summarise(ratings: Iterable[CsatRating], by: Sequence[str]) -> dict[str, object]:
    """`{"all": {...}, "<dimension>": {"<value>": {...}}}` for dimensions in
    agent, queue, intent, tier."""
    overall = CsatSummary()
    groups: dict[str, dict[str, CsatSummary]] = {d: {} for d in by}
    for rating in ratings:
        overall.add(rating.score)
        for dimension in by:
            key = str(getattr(rating, f"{dimension}_id" if dimension == "agent" else dimension))
            groups[dimension].setdefault(key, CsatSummary()).add(rating.score)
    out: dict[str, object] = {"all": overall.to_dict()}
    for dimension, values in groups.items():
        out[dimension] = {k: v.to_dict() for k, v in sorted(values.items())}
    return out
