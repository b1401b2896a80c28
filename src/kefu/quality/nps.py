"""NPS 48 hours after a resolution: who is asked, when, and how the answers add up."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kefu.quality.model import NpsJob

DELAY = timedelta(hours=48)
#: A customer is asked at most once in this long, however many conversations they have.
QUIET_PERIOD = timedelta(days=30)
#: A claim older than this is taken to belong to an instance that died while sending.
STALE_CLAIM = timedelta(minutes=5)


def due_at(resolved_at: datetime) -> datetime:
    return resolved_at + DELAY


def should_schedule(
    *, opted_out: bool, last_survey_at: datetime | None, now: datetime
) -> tuple[bool, str]:
    if opted_out:
        return False, "opted_out"
    if last_survey_at is not None and now - last_survey_at < QUIET_PERIOD:
        return False, "asked_recently"
    return True, "scheduled"


def category(score: int) -> str:
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS answer is 0 to 10, got {score}")
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


@dataclass(frozen=True, slots=True)
class NpsSummary:
    sent: int
    answered: int
    promoters: int
    passives: int
    detractors: int

    @property
    def nps(self) -> float | None:
        if not self.answered:
            return None
        return round(100.0 * (self.promoters - self.detractors) / self.answered, 1)

    @property
    def response_rate(self) -> float | None:
        return round(self.answered / self.sent, 3) if self.sent else None

    def interval(self) -> tuple[float, float] | None:
        """95 % normal interval of NPS (the variance of a difference of two shares)."""
        n = self.answered
        if n < 2:
            return None
        p, d = self.promoters / n, self.detractors / n
        var = (p + d - (p - d) ** 2) / n
        half = 196.0 * math.sqrt(var)
        score = 100.0 * (p - d)
        return round(max(-100.0, score - half), 1), round(min(100.0, score + half), 1)

    def to_dict(self) -> dict[str, object]:
        ci = self.interval()
        return {
            "sent": self.sent,
            "answered": self.answered,
            "response_rate": self.response_rate,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "nps": self.nps,
            "ci95": list(ci) if ci else None,
        }


def summarise(jobs: Iterable[NpsJob]) -> NpsSummary:
    sent = answered = promoters = passives = detractors = 0
    for job in jobs:
        if job.status not in ("sent", "answered"):
            continue
        sent += 1
        if job.score is None:
            continue
        answered += 1
        kind = category(job.score)
        promoters += kind == "promoter"
        passives += kind == "passive"
        detractors += kind == "detractor"
    return NpsSummary(sent, answered, promoters, passives, detractors)


def by_segment(jobs: Iterable[NpsJob], keys: Iterable[str]) -> dict[str, object]:
    """NPS and response rate overall and per value of each segment key (tier, channel,
    queue, language)."""
    items = list(jobs)
    out: dict[str, object] = {"all": summarise(items).to_dict()}
    for key in keys:
        values = sorted({j.segment.get(key, "") for j in items})
        out[key] = {
            v: summarise(j for j in items if j.segment.get(key, "") == v).to_dict() for v in values
        }
    return out
