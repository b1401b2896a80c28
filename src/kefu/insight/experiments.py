"""Experiments: variants, allocation, unit, metrics, sticky assignment and results (pure).

An experiment assigns each unit (a customer) to a variant by a SHA-256 hash of the
experiment id and the unit id, so the same customer gets the same variant on every instance
and every visit. A unit is exposed once: its first exposure fixes its variant and its
conversation, whose outcome is the unit's measurement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from kefu.domain.errors import InvalidInput
from kefu.domain.experiments import TRIAL_VARIANTS, TRIAL_WITHOUT, bucket
from kefu.insight import stats
from kefu.insight import summary as sm
from kefu.insight.summary import Summary

#: Metrics measured per unit: (kind, how to read it from the exposure conversation).
RATE_METRICS = ("self_service", "bot_resolution", "transfer", "suggestion_click")
MEAN_METRICS = ("service_time_s", "csat")
#: Guard metrics whose rise is bad (the others: a fall is bad).
WORSE_WHEN_HIGHER = frozenset({"transfer", "service_time_s"})

SUGGESTIONS_EXPERIMENT = "suggestions-dynamic-vs-static"


@dataclass(frozen=True, slots=True)
class Experiment:
    id: str
    name: str
    variants: tuple[str, ...]
    allocation: tuple[float, ...]
    control: str
    unit: str = "customer"
    primary: str = "self_service"
    guards: tuple[str, ...] = ("transfer", "csat")
    mde: float = 0.05  # absolute, in the primary metric's unit
    planned_n: int | None = None  # per variant; None = the sample size for the MDE
    source: str = "assignment"  # or "suggestions": exposures are the suggestions shown
    status: str = "running"

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["variants"], doc["allocation"] = list(self.variants), list(self.allocation)
        doc["guards"] = list(self.guards)
        return doc


def check_experiment(doc: Mapping[str, Any]) -> Experiment:
    try:
        variants = tuple(str(v) for v in doc["variants"])
        allocation = tuple(float(a) for a in doc.get("allocation") or [1.0] * len(variants))
        experiment = Experiment(
            id=str(doc["id"]),
            name=str(doc.get("name") or doc["id"]),
            variants=variants,
            allocation=allocation,
            control=str(doc.get("control") or variants[0]),
            unit=str(doc.get("unit", "customer")),
            primary=str(doc.get("primary", "self_service")),
            guards=tuple(str(g) for g in doc.get("guards", ("transfer", "csat"))),
            mde=float(doc.get("mde", 0.05)),
            planned_n=int(doc["planned_n"]) if doc.get("planned_n") else None,
            source=str(doc.get("source", "assignment")),
            status=str(doc.get("status", "running")),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InvalidInput(f"not an experiment: {exc}") from exc
    known = RATE_METRICS + MEAN_METRICS
    problems = []
    if len(variants) < 2 or len(set(variants)) != len(variants):
        problems.append("at least two distinct variants")
    if len(allocation) != len(variants) or any(a < 0 for a in allocation) or sum(allocation) <= 0:
        problems.append("one non-negative allocation per variant")
    if experiment.control not in variants:
        problems.append("the control must be one of the variants")
    if experiment.unit not in ("customer", "conversation"):
        problems.append("unit is customer or conversation")
    for metric in (experiment.primary, *experiment.guards):
        if metric not in known:
            problems.append(f"unknown metric {metric!r}; one of {', '.join(known)}")
    if experiment.mde <= 0:
        problems.append("mde must be positive")
    if problems:
        raise InvalidInput("; ".join(problems))
    return experiment


def assign(experiment: Experiment, unit_id: str) -> str:
    """The unit's variant: deterministic, the same everywhere, proportional to allocation."""
    return experiment.variants[bucket(experiment.id, unit_id, experiment.allocation)]


def measure(s: Summary, metric: str) -> float | None:
    """One unit's value of a metric from its exposure conversation; None = not yet known."""
    settled = s.outcome not in sm.UNSETTLED
    if metric == "self_service":
        return float(s.outcome in sm.SELF_SERVICE) if settled else None
    if metric == "bot_resolution":
        return float(s.outcome == sm.BOT_RESOLVED) if settled else None
    if metric == "transfer":
        return float(s.reached_human)
    if metric == "suggestion_click":
        return float(s.clicks > 0)
    if metric == "service_time_s":
        resolved = sm.resolution_at(s)
        return None if resolved is None else max(0.0, resolved - s.started_at)
    if metric == "csat":
        return s.rating
    raise InvalidInput(f"unknown metric {metric!r}")


@dataclass
class MetricResult:
    metric: str
    kind: str  # rate | mean
    by_variant: dict[str, dict[str, Any]] = field(default_factory=dict)
    comparisons: dict[str, dict[str, Any]] = field(default_factory=dict)


def _values(
    units: Sequence[tuple[str, Summary]], metric: str, variants: Sequence[str]
) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {v: [] for v in variants}
    for variant, s in units:
        value = measure(s, metric)
        if value is not None and variant in out:
            out[variant].append(value)
    return out


def _metric(
    experiment: Experiment, units: Sequence[tuple[str, Summary]], metric: str
) -> MetricResult:
    kind = "rate" if metric in RATE_METRICS else "mean"
    values = _values(units, metric, experiment.variants)
    result = MetricResult(metric, kind)
    for variant, xs in values.items():
        mean = round(sum(xs) / len(xs), 4) if xs else None
        result.by_variant[variant] = {"n": len(xs), kind: mean}
    control = values[experiment.control]
    for variant in experiment.variants:
        if variant == experiment.control:
            continue
        xs = values[variant]
        if kind == "rate":
            cmp = stats.two_proportions(int(sum(control)), len(control), int(sum(xs)), len(xs))
        else:
            cmp = stats.welch(control, xs)
        result.comparisons[variant] = (
            {"diff": None, "ci_low": None, "ci_high": None, "p_value": None}
            if cmp is None
            else {
                "diff": cmp.diff,
                "ci_low": cmp.ci_low,
                "ci_high": cmp.ci_high,
                "p_value": cmp.p_value,
            }
        )
    return result


def _needed(experiment: Experiment, primary: MetricResult, control: Sequence[float]) -> int | None:
    if experiment.planned_n is not None:
        return experiment.planned_n
    if primary.kind == "rate":
        base = sum(control) / len(control) if control else None
        return (
            None
            if base in (None, 0.0, 1.0)
            else stats.sample_size_rate(float(base or 0), experiment.mde)
        )
    if len(control) < 2:
        return None
    mean = sum(control) / len(control)
    sd = math.sqrt(sum((x - mean) ** 2 for x in control) / (len(control) - 1))
    return stats.sample_size_mean(sd, experiment.mde)


def results(experiment: Experiment, units: Sequence[tuple[str, Summary]]) -> dict[str, Any]:
    """Per variant n and rate or mean, each treatment against the control with a 95 % CI and
    a p-value, the sample size still needed, a peeking warning and a verdict."""
    primary = _metric(experiment, units, experiment.primary)
    control_values = _values(units, experiment.primary, experiment.variants)[experiment.control]
    per_variant = _needed(experiment, primary, control_values)
    smallest = min(v["n"] for v in primary.by_variant.values())
    still_needed = None if per_variant is None else max(0, per_variant - smallest)
    early = per_variant is None or smallest < per_variant
    verdicts: dict[str, str] = {}
    guards = [_metric(experiment, units, g) for g in experiment.guards]
    for variant, cmp in primary.comparisons.items():
        p, diff = cmp["p_value"], cmp["diff"]
        breached = [
            g.metric
            for g in guards
            if (gc := g.comparisons.get(variant))
            and gc["p_value"] is not None
            and gc["p_value"] < stats.ALPHA
            and (gc["diff"] > 0) == (g.metric in WORSE_WHEN_HIGHER)
        ]
        if breached:
            verdicts[variant] = "guard_breached"
        elif early:
            verdicts[variant] = "too_early"
        elif p is not None and p < stats.ALPHA:
            better = (diff > 0) != (experiment.primary in WORSE_WHEN_HIGHER)
            verdicts[variant] = "treatment_better" if better else "control_better"
        else:
            verdicts[variant] = "no_difference"
    return {
        "experiment": experiment.to_doc(),
        "units": len(units),
        "primary": asdict(primary),
        "guards": [asdict(g) for g in guards],
        "sample_size_per_variant": per_variant,
        "sample_size_still_needed": still_needed,
        "peeking_warning": early,
        "verdicts": verdicts,
    }


def trial_experiment(experiment_id: str, name: str, share: float) -> Experiment:
    """The experiment of a knowledge entry on trial (`kefu.knowledge.model.Trial`): customers
    "with" it against those "without", on bot resolution, guarded by transfers and CSAT."""
    return Experiment(
        id=experiment_id,
        name=name,
        variants=TRIAL_VARIANTS,
        allocation=(1.0 - share, share),
        control=TRIAL_WITHOUT,
        primary="bot_resolution",
        guards=("transfer", "csat"),
        mde=0.05,
        source="trial",
    )


def demo_experiment() -> Experiment:
    """Dynamic (contextual) against static suggested questions: the first experiment."""
    return Experiment(
        id=SUGGESTIONS_EXPERIMENT,
        name="动态推荐 vs 固定问题 · Dynamic vs static suggestions",
        variants=("static", "contextual"),
        allocation=(0.5, 0.5),
        control="static",
        primary="self_service",
        guards=("transfer", "csat", "service_time_s"),
        mde=0.05,
        source="suggestions",
    )
