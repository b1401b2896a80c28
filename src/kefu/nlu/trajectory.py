"""The emotion of a conversation over time: series, trend, peak, current."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kefu.nlu.types import EmotionReading

Trend = Literal["improving", "worsening", "stable"]

#: Slope (index levels per message) beyond which a conversation counts as moving.
TREND_SLOPE = 0.15


@dataclass(frozen=True, slots=True)
class EmotionTrajectory:
    """How a customer's emotion moved across their messages.

    `series` is the 1–5 index per message and `valence` the same as numbers in [-1, 1].
    `smoothed` is an exponential moving average of the index (so one outburst does not
    flip the reading). `slope` is the least-squares slope of the index over the last
    `window` messages; `trend` names it. `peak` is the position of the most negative
    message (lowest valence, ties to the latest), `peak_category` its category, and
    `current` the smoothed index now. An empty conversation is neutral (3) and stable.
    """

    series: tuple[int, ...]
    valence: tuple[float, ...]
    smoothed: tuple[float, ...]
    slope: float
    trend: Trend
    peak: int | None
    peak_category: str | None
    current: float

    @classmethod
    def of(
        cls, readings: Sequence[EmotionReading], *, window: int = 5, alpha: float = 0.5
    ) -> EmotionTrajectory:
        if not readings:
            return cls((), (), (), 0.0, "stable", None, None, 3.0)
        series = tuple(r.index for r in readings)
        valence = tuple(r.valence for r in readings)
        smoothed: list[float] = []
        level = float(series[0])
        for value in series:
            level = alpha * value + (1 - alpha) * level
            smoothed.append(round(level, 6))
        recent = np.asarray(series[-window:], dtype=float)
        slope = 0.0
        if recent.size >= 2:
            slope = float(np.polyfit(np.arange(recent.size), recent, 1)[0])
        trend: Trend = "stable"
        if slope >= TREND_SLOPE:
            trend = "improving"
        elif slope <= -TREND_SLOPE:
            trend = "worsening"
        low = min(valence)
        peak = max(i for i, v in enumerate(valence) if v == low)
        return cls(
            series=series,
            valence=valence,
            smoothed=tuple(smoothed),
            slope=round(slope, 6),
            trend=trend,
            peak=peak,
            peak_category=readings[peak].category,
            current=smoothed[-1],
        )
