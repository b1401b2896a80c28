"""Cost per contact by tier, and the automation threshold.

A contact is served by the bot only, by the bot then a person (hand-over), or by a person
only. A person's cost per contact is the loaded hourly cost (wage plus overhead) times the
handling time, spread over the chats held at once and divided by occupancy (paid time that
is not handling). The bot's is the language engine per message plus infrastructure.

The automation curve: automating a further share of the contacts saves the human part of
their cost but loses customer value (complaints, and the churn that follows them), and the
contacts automated last are the ones the bot handles worst, so the marginal complaint rate
rises with the level. The threshold is where the marginal saving equals the marginal value
lost. Protected groups (the elderly and others who must always reach a person) are served
by people at every level and stay outside the optimisation.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from kefu.domain.errors import InvalidInput
from kefu.planning.model import check_fraction, check_non_negative, check_positive

DEFAULT_PROTECTED = ("elderly", "disabled", "minor", "bereaved", "vulnerable_finance")


@dataclass(frozen=True, slots=True)
class Rates:
    agent_cost_per_hour: float = 45.0  # ¥ wage and social insurance
    overhead: float = 0.4  # supervision, seat, tools: a share on top of the wage
    infrastructure_per_contact: float = 0.05  # ¥ hosting and storage
    engine_cost_per_message: float = 0.05  # ¥ language engine
    bot_messages_per_contact: float = 5.0
    human_aht_s: float = 420.0  # a chat handled by a person (kefu's measured handling time)
    handover_aht_s: float = 380.0  # a chat a person takes over with the bot's summary
    concurrency: float = 1.0
    occupancy: float = 0.9

    def __post_init__(self) -> None:
        check_non_negative("agent_cost_per_hour", self.agent_cost_per_hour)
        check_non_negative("overhead", self.overhead)
        check_non_negative("infrastructure_per_contact", self.infrastructure_per_contact)
        check_non_negative("engine_cost_per_message", self.engine_cost_per_message)
        check_non_negative("bot_messages_per_contact", self.bot_messages_per_contact)
        check_positive("human_aht_s", self.human_aht_s)
        check_positive("handover_aht_s", self.handover_aht_s)
        check_positive("concurrency", self.concurrency)
        check_fraction("occupancy", self.occupancy, low_open=True)


@dataclass(frozen=True, slots=True)
class ValueLoss:
    """What a complaint costs, and how the marginal complaint rate of automated contacts
    grows: `base` for the first contacts automated, `base + rise` at `reference_level`,
    convex in between and beyond (exponent `curvature`). `points` (level, marginal complaint
    rate) measured from outcomes replace the assumed curve when given."""

    complaint_cost: float = 60.0  # ¥ handling a complaint and goodwill
    churn_per_complaint: float = 0.15
    customer_value: float = 1200.0  # ¥ margin a customer brings while they stay
    base: float = 0.005
    rise: float = 0.024
    reference_level: float = 0.7
    curvature: float = 3.0
    points: tuple[tuple[float, float], ...] = ()

    def per_complaint(self) -> float:
        return self.complaint_cost + self.churn_per_complaint * self.customer_value

    def marginal_rate(self, level: float) -> float:
        if self.points:
            return _interpolate(self.points, level)
        return float(self.base + self.rise * (level / self.reference_level) ** self.curvature)


@dataclass(frozen=True, slots=True)
class TierCosts:
    bot_only: float
    bot_then_human: float
    human_only: float

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in asdict(self).items()}


def _interpolate(points: Sequence[tuple[float, float]], level: float) -> float:
    ordered = sorted(points)
    if level <= ordered[0][0]:
        return ordered[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(ordered):
        if level <= x1:
            return y0 + (y1 - y0) * (level - x0) / (x1 - x0) if x1 > x0 else y1
    return ordered[-1][1]


def person_cost(rates: Rates, aht_s: float) -> float:
    loaded = rates.agent_cost_per_hour * (1.0 + rates.overhead)
    return loaded * aht_s / 3600.0 / (rates.concurrency * rates.occupancy)


def tier_costs(rates: Rates) -> TierCosts:
    bot = rates.engine_cost_per_message * rates.bot_messages_per_contact
    infra = rates.infrastructure_per_contact
    return TierCosts(
        bot_only=bot + infra,
        bot_then_human=bot + infra + person_cost(rates, rates.handover_aht_s),
        human_only=infra + person_cost(rates, rates.human_aht_s),
    )


@dataclass(frozen=True, slots=True)
class CurvePoint:
    level: float  # share of the unprotected contacts the bot closes alone
    cost: float  # ¥ per hour for the service
    value_lost: float  # ¥ per hour of complaints and churn caused by automation
    total: float
    marginal_saving: float  # ¥ saved per further contact automated
    marginal_loss: float  # ¥ lost per further contact automated


@dataclass(frozen=True, slots=True)
class AutomationCurve:
    contacts_per_hour: float
    protected_share: float
    tiers: TierCosts
    points: list[CurvePoint]
    threshold: float  # the level where marginal saving = marginal loss
    best: CurvePoint  # the point of the curve nearest the threshold (lowest total)
    protected_groups: tuple[str, ...] = DEFAULT_PROTECTED

    def to_dict(self) -> dict[str, object]:
        return {
            "contacts_per_hour": self.contacts_per_hour,
            "protected_share": self.protected_share,
            "protected_groups": list(self.protected_groups),
            "tiers": self.tiers.to_dict(),
            "threshold": round(self.threshold, 4),
            "best": _point(self.best),
            "points": [_point(p) for p in self.points],
        }


def _point(p: CurvePoint) -> dict[str, float]:
    return {k: round(v, 4) for k, v in asdict(p).items()}


def automation_curve(
    *,
    contacts_per_hour: float,
    rates: Rates,
    loss: ValueLoss,
    protected_share: float = 0.05,
    protected_groups: Sequence[str] = DEFAULT_PROTECTED,
    max_level: float = 1.0,
    steps: int = 50,
) -> AutomationCurve:
    """Cost and value lost per hour from no automation to `max_level`. Contacts not closed
    by the bot alone go through the bot to a person (bot + human); protected customers
    reach a person directly at every level."""
    check_positive("contacts_per_hour", contacts_per_hour)
    check_fraction("protected_share", protected_share, high_open=True)
    check_fraction("max_level", max_level, low_open=True)
    if steps < 2:
        raise InvalidInput("the curve needs at least two steps")
    tiers = tier_costs(rates)
    open_contacts = contacts_per_hour * (1.0 - protected_share)
    protected_cost = contacts_per_hour * protected_share * tiers.human_only
    saving = tiers.bot_then_human - tiers.bot_only  # the person's part of a hand-over
    per_complaint = loss.per_complaint()
    points = []
    lost = 0.0
    previous = 0.0
    for i in range(steps + 1):
        level = max_level * i / steps
        # value lost is the integral of the marginal complaint rate up to `level`
        lost += _integral(loss, previous, level) * open_contacts * per_complaint
        previous = level
        cost = protected_cost + open_contacts * (
            level * tiers.bot_only + (1.0 - level) * tiers.bot_then_human
        )
        points.append(
            CurvePoint(
                level=level,
                cost=cost,
                value_lost=lost,
                total=cost + lost,
                marginal_saving=saving,
                marginal_loss=loss.marginal_rate(level) * per_complaint,
            )
        )
    threshold = _threshold(loss, saving / per_complaint, max_level)
    best = min(points, key=lambda p: p.total)
    return AutomationCurve(
        contacts_per_hour, protected_share, tiers, points, threshold, best, tuple(protected_groups)
    )


def _integral(loss: ValueLoss, low: float, high: float, parts: int = 20) -> float:
    if high <= low:
        return 0.0
    width = (high - low) / parts
    return sum(loss.marginal_rate(low + width * (k + 0.5)) for k in range(parts)) * width


def _threshold(loss: ValueLoss, rate: float, max_level: float) -> float:
    """The level where the marginal complaint rate reaches `rate` (saving per complaint
    cost); bisection, as the rate only rises. 0 or `max_level` when it never crosses."""
    if loss.marginal_rate(0.0) >= rate:
        return 0.0
    if loss.marginal_rate(max_level) <= rate:
        return max_level
    low, high = 0.0, max_level
    for _ in range(60):
        middle = (low + high) / 2
        if loss.marginal_rate(middle) < rate:
            low = middle
        else:
            high = middle
    return (low + high) / 2
