"""Business outcomes crossed with service history, with confidence intervals.

Outcomes arrive per customer (`customer_external_id, date, kind, value`) from a CSV upload
or the API; each customer's closed conversations give their service figures. Rates come
with 95 % Wilson intervals; effects come from least squares with heteroscedasticity-robust
(HC1) standard errors (statsmodels), stated in the units a reader asks about: "10 s faster
first response → +x percentage points of renewals", "1 minute faster resolution → +y % order
value".
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from kefu.domain.errors import InvalidInput
from kefu.quality.model import OUTCOME_KINDS, Outcome, ServiceRecord

MAX_ROWS = 200_000
COLUMNS = ("customer_external_id", "date", "kind", "value")
FRT_BUCKETS: tuple[tuple[float, float, str], ...] = (
    (0, 15, "<15s"),
    (15, 30, "15-30s"),
    (30, 60, "30-60s"),
    (60, 120, "1-2min"),
    (120, math.inf, ">2min"),
)
RESOLUTION_BUCKETS: tuple[tuple[float, float, str], ...] = (
    (0, 5, "<5min"),
    (5, 15, "5-15min"),
    (15, 30, "15-30min"),
    (30, math.inf, ">30min"),
)


def check_outcome(row: dict[str, object], line: int) -> Outcome:
    try:
        external = str(row["customer_external_id"]).strip()
        day = date.fromisoformat(str(row["date"]).strip())
        kind = str(row["kind"]).strip()
        value = float(str(row["value"]).strip())
    except (KeyError, ValueError) as exc:
        raise InvalidInput(
            f"row {line}: expected {', '.join(COLUMNS)} with an ISO date and a number ({exc})"
        ) from exc
    if not external or len(external) > 128:
        raise InvalidInput(f"row {line}: customer_external_id must be 1 to 128 characters")
    if kind not in OUTCOME_KINDS:
        raise InvalidInput(f"row {line}: kind must be one of {', '.join(OUTCOME_KINDS)}")
    if not math.isfinite(value):
        raise InvalidInput(f"row {line}: value must be a finite number")
    return Outcome(external, day, kind, value)


def parse_csv(text: str) -> list[Outcome]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput(f"the CSV needs the columns {', '.join(COLUMNS)}; missing {missing}")
    out = []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise InvalidInput(f"at most {MAX_ROWS} rows per upload")
        out.append(check_outcome({k.strip(): v for k, v in row.items() if k}, line))
    return out


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    external_id: str
    first_response_s: float | None
    resolution_min: float
    csat: float | None
    tier: str
    renewed: float | None
    order_value: float | None


def customer_facts(
    records: Iterable[ServiceRecord], outcomes: Iterable[Outcome]
) -> list[CustomerFacts]:
    """One row per customer who has both service history and at least one outcome."""
    history: dict[str, list[ServiceRecord]] = {}
    for record in records:
        if record.customer_external_id:
            history.setdefault(record.customer_external_id, []).append(record)
    renewals: dict[str, float] = {}
    values: dict[str, float] = {}
    for outcome in outcomes:
        if outcome.kind == "renewal":
            renewals[outcome.customer_external_id] = max(
                renewals.get(outcome.customer_external_id, 0.0), 1.0 if outcome.value > 0 else 0.0
            )
        elif outcome.kind == "order_value":
            key = outcome.customer_external_id
            values[key] = values.get(key, 0.0) + outcome.value
    out = []
    for external, rows in sorted(history.items()):
        if external not in renewals and external not in values:
            continue
        frts = [r.first_response_s for r in rows if r.first_response_s is not None]
        csats = [r.csat for r in rows if r.csat is not None]
        out.append(
            CustomerFacts(
                external_id=external,
                first_response_s=sum(frts) / len(frts) if frts else None,
                resolution_min=sum(r.resolution_s for r in rows) / len(rows) / 60.0,
                csat=sum(csats) / len(csats) if csats else None,
                tier=Counter(r.tier for r in rows).most_common(1)[0][0],
                renewed=renewals.get(external),
                order_value=values.get(external),
            )
        )
    return out


def wilson(successes: int, n: int) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return round(float(low), 4), round(float(high), 4)


def _rate_rows(groups: dict[str, list[float]], order: Sequence[str]) -> list[dict[str, object]]:
    rows = []
    for label in order:
        values = groups.get(label, [])
        if not values:
            continue
        hits = int(sum(values))
        low, high = wilson(hits, len(values))
        rows.append(
            {
                "group": label,
                "n": len(values),
                "rate": round(hits / len(values), 4),
                "ci95": [low, high],
            }
        )
    return rows


def _bucket(value: float, buckets: Sequence[tuple[float, float, str]]) -> str:
    return next(label for low, high, label in buckets if low <= value < high)


def renewal_rates(facts: Sequence[CustomerFacts]) -> dict[str, list[dict[str, object]]]:
    rows = [f for f in facts if f.renewed is not None]
    by_frt: dict[str, list[float]] = {}
    by_res: dict[str, list[float]] = {}
    by_csat: dict[str, list[float]] = {}
    by_tier: dict[str, list[float]] = {}
    for f in rows:
        renewed = float(f.renewed or 0.0)
        if f.first_response_s is not None:
            by_frt.setdefault(_bucket(f.first_response_s, FRT_BUCKETS), []).append(renewed)
        by_res.setdefault(_bucket(f.resolution_min, RESOLUTION_BUCKETS), []).append(renewed)
        if f.csat is not None:
            by_csat.setdefault(str(round(f.csat)), []).append(renewed)
        by_tier.setdefault(f.tier, []).append(renewed)
    return {
        "first_response": _rate_rows(by_frt, [b[2] for b in FRT_BUCKETS]),
        "resolution": _rate_rows(by_res, [b[2] for b in RESOLUTION_BUCKETS]),
        "csat": _rate_rows(by_csat, ["1", "2", "3", "4", "5"]),
        "tier": _rate_rows(by_tier, ["bot", "bot_human", "human"]),
    }


@dataclass(frozen=True, slots=True)
class Effect:
    """`estimate` and its 95 % interval, in `unit`, for the change named by `statement`."""

    statement: str
    estimate: float
    ci95: tuple[float, float]
    unit: str
    n: int
    p_value: float

    def to_dict(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "estimate": round(self.estimate, 4),
            "ci95": [round(self.ci95[0], 4), round(self.ci95[1], 4)],
            "unit": self.unit,
            "n": self.n,
            "p_value": round(self.p_value, 6),
        }


def renewal_effect_of_faster_response(
    facts: Sequence[CustomerFacts], seconds: float = 10.0
) -> Effect | None:
    """Linear probability model renewed ~ first_response_s + resolution_min (HC1)."""
    import statsmodels.api as sm

    rows = [f for f in facts if f.renewed is not None and f.first_response_s is not None]
    if len(rows) < 30:
        return None
    y = np.array([f.renewed for f in rows], dtype=float)
    x = np.array([[f.first_response_s or 0.0, f.resolution_min] for f in rows], dtype=float)
    fit = sm.OLS(y, sm.add_constant(x)).fit(cov_type="HC1")
    coef = float(fit.params[1])
    low, high = (float(v) for v in fit.conf_int(alpha=0.05)[1])
    # Faster by `seconds` is a change of -seconds: the effect flips sign, in points.
    return Effect(
        statement=f"{seconds:g} s faster first response → change in renewal rate",
        estimate=-seconds * coef * 100.0,
        ci95=(-seconds * high * 100.0, -seconds * low * 100.0),
        unit="percentage points",
        n=len(rows),
        p_value=float(fit.pvalues[1]),
    )


def value_effect_of_faster_resolution(
    facts: Sequence[CustomerFacts], minutes: float = 1.0
) -> Effect | None:
    """log(order value) ~ resolution_min + first_response_s (HC1), as a % change."""
    import statsmodels.api as sm

    rows = [f for f in facts if f.order_value is not None and f.order_value > 0]
    if len(rows) < 30:
        return None
    y = np.log(np.array([f.order_value for f in rows], dtype=float))
    x = np.array([[f.resolution_min, f.first_response_s or 0.0] for f in rows], dtype=float)
    fit = sm.OLS(y, sm.add_constant(x)).fit(cov_type="HC1")
    coef = float(fit.params[1])
    low, high = (float(v) for v in fit.conf_int(alpha=0.05)[1])

    def pct(c: float) -> float:
        return (math.exp(-minutes * c) - 1.0) * 100.0

    return Effect(
        statement=f"{minutes:g} min faster resolution → change in order value",
        estimate=pct(coef),
        ci95=(pct(high), pct(low)),
        unit="percent",
        n=len(rows),
        p_value=float(fit.pvalues[1]),
    )


def analyse(records: Iterable[ServiceRecord], outcomes: Iterable[Outcome]) -> dict[str, object]:
    facts = customer_facts(records, outcomes)
    renewal = renewal_effect_of_faster_response(facts)
    value = value_effect_of_faster_resolution(facts)
    return {
        "customers": len(facts),
        "renewal_rate_by": renewal_rates(facts),
        "effects": {
            "renewal_per_10s_faster_first_response": renewal.to_dict() if renewal else None,
            "order_value_per_minute_faster_resolution": value.to_dict() if value else None,
        },
    }
