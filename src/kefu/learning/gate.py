"""The evaluation gate: a candidate model replaces the current one only if no frozen metric
gets worse by more than the tolerance. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metric:
    value: float
    higher_is_better: bool = True
    label: str = ""  # what a person reads in a verdict ("CLINC150 dev in-scope accuracy")


@dataclass(frozen=True, slots=True)
class Regression:
    metric: str
    current: float
    candidate: float
    label: str = ""

    @property
    def change(self) -> float:
        return self.candidate - self.current


@dataclass(frozen=True, slots=True)
class Verdict:
    promote: bool
    regressions: tuple[Regression, ...]
    missing: tuple[str, ...]
    tolerance: float = 0.0

    def reason(self) -> str:
        """One sentence per problem, for the person who asked for the retraining."""
        if self.promote:
            return f"no metric fell by more than {_points(self.tolerance)} points"
        parts = [f"{m} could not be measured on the candidate" for m in self.missing]
        for r in self.regressions:
            what = f"{r.label} ({r.metric})" if r.label else r.metric
            parts.append(
                f"{what} fell from {_pct(r.current)} to {_pct(r.candidate)} "
                f"({_points(abs(r.change))} points; at most {_points(self.tolerance)} allowed)"
            )
        return "refused: " + "; ".join(parts)


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _points(x: float) -> str:
    return f"{100 * x:.1f}"


def judge(
    current: Mapping[str, Metric], candidate: Mapping[str, Metric], tolerance: float
) -> Verdict:
    """`tolerance` is in the metric's own units (0.01 = one point of accuracy). A metric the
    current model has and the candidate lacks refuses the candidate; a first model (nothing
    current) is always promoted."""
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    missing = tuple(sorted(set(current) - set(candidate)))
    regressions = []
    for name, now in sorted(current.items()):
        new = candidate.get(name)
        if new is None:
            continue
        worse = now.value - new.value if now.higher_is_better else new.value - now.value
        if worse > tolerance:
            regressions.append(Regression(name, now.value, new.value, new.label or now.label))
    return Verdict(not missing and not regressions, tuple(regressions), missing, tolerance)
