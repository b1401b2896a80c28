"""Scorecards per agent per day or week, the team view, and the human-machine
collaboration coefficient (defined in docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from kefu.quality.model import DIMENSIONS, ServiceRecord


def period_start(at: datetime, period: str, tz: tzinfo) -> str:
    local = at.astimezone(tz).date()
    if period == "week":
        local -= timedelta(days=local.weekday())
    elif period != "day":
        raise ValueError(f"period must be day or week, got {period!r}")
    return local.isoformat()


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


@dataclass(slots=True)
class _Card:
    records: list[ServiceRecord] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        rows = self.records
        qa = [r.qa_total for r in rows if r.qa_total is not None]
        csat = [float(r.csat) for r in rows if r.csat is not None]
        return {
            "conversations": len(rows),
            "handling_s": _mean([r.handling_s for r in rows if r.handling_s is not None]),
            "first_response_s": _mean(
                [r.first_response_s for r in rows if r.first_response_s is not None]
            ),
            "csat": _mean(csat),
            "csat_ratings": len(csat),
            "qa_total": _mean(qa),
            "qa": {
                d: _mean([r.qa_scores[d] for r in rows if d in r.qa_scores]) for d in DIMENSIONS
            },
            "end_emotion_index": _mean([float(r.end_emotion) for r in rows if r.end_emotion]),
            "empathy_per_conversation": _mean([float(r.empathy_expressions) for r in rows]),
            "resolution_rate": round(sum(r.resolved for r in rows) / len(rows), 3)
            if rows
            else None,
        }


def scorecards(
    records: Iterable[ServiceRecord], *, period: str, tz: tzinfo, agent_id: str | None = None
) -> list[dict[str, object]]:
    """Rows `{agent_id, period, ...figures}`, newest period first; only conversations a
    person handled count for an agent."""
    cards: dict[tuple[str, str], _Card] = {}
    for record in records:
        if record.agent_id is None or (agent_id is not None and record.agent_id != agent_id):
            continue
        key = (record.agent_id, period_start(record.closed_at, period, tz))
        cards.setdefault(key, _Card()).records.append(record)
    rows = [{"agent_id": a, "period": p, **c.to_dict()} for (a, p), c in cards.items()]
    return sorted(rows, key=lambda r: (str(r["period"]), str(r["agent_id"])), reverse=True)


def team(records: Iterable[ServiceRecord]) -> dict[str, object]:
    card = _Card([r for r in records if r.agent_id is not None])
    return card.to_dict()


@dataclass(frozen=True, slots=True)
class Collaboration:
    closed: int
    bot_resolved_share: float | None
    bot_quality: float | None
    bot_rated: int
    handling_with_assist_s: float | None
    handling_without_assist_s: float | None
    assisted: int
    unassisted: int

    @property
    def assist_gain(self) -> float | None:
        if not self.handling_with_assist_s or not self.handling_without_assist_s:
            return None
        return round(1.0 - self.handling_with_assist_s / self.handling_without_assist_s, 4)

    @property
    def coefficient(self) -> float | None:
        if self.bot_resolved_share is None or self.bot_quality is None:
            return None
        gain = self.assist_gain or 0.0
        share = self.bot_resolved_share
        return round(share * self.bot_quality + (1.0 - share) * gain, 4)

    def to_dict(self) -> dict[str, object]:
        return {
            "coefficient": self.coefficient,
            "closed": self.closed,
            "bot_resolved_share": self.bot_resolved_share,
            "bot_quality": self.bot_quality,
            "bot_rated": self.bot_rated,
            "assist_gain": self.assist_gain,
            "handling_with_assist_s": self.handling_with_assist_s,
            "handling_without_assist_s": self.handling_without_assist_s,
            "assisted": self.assisted,
            "unassisted": self.unassisted,
        }


def collaboration(records: Iterable[ServiceRecord]) -> Collaboration:
    rows = list(records)
    bot = [r for r in rows if r.tier == "bot" and r.resolved]
    rated = [r for r in bot if r.csat is not None]
    human = [r for r in rows if r.tier != "bot" and r.handling_s is not None]
    with_assist = [r.handling_s for r in human if r.assisted and r.handling_s is not None]
    without = [r.handling_s for r in human if not r.assisted and r.handling_s is not None]
    return Collaboration(
        closed=len(rows),
        bot_resolved_share=round(len(bot) / len(rows), 4) if rows else None,
        bot_quality=(
            round(sum(1 for r in rated if (r.csat or 0) >= 4) / len(rated), 4) if rated else None
        ),
        bot_rated=len(rated),
        handling_with_assist_s=_mean(with_assist),
        handling_without_assist_s=_mean(without),
        assisted=len(with_assist),
        unassisted=len(without),
    )
