"""Contact volumes in and out: conversation start times bucketed into intervals, the
`ts,contacts` CSV, and a synthetic series with known seasonality for demos and checks."""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kefu.domain.errors import InvalidInput
from kefu.planning.forecast import floor_to, regularise
from kefu.planning.model import IntervalVolume


def bucket(starts: Iterable[datetime], interval_min: int, tz: ZoneInfo) -> list[IntervalVolume]:
    """Count conversation starts per local interval (the day's shape is local time)."""
    counts: dict[datetime, float] = {}
    for at in starts:
        local = at.astimezone(tz).replace(tzinfo=None) if at.tzinfo else at
        key = floor_to(local, interval_min)
        counts[key] = counts.get(key, 0.0) + 1.0
    return regularise([IntervalVolume(k, v) for k, v in counts.items()], interval_min)


def parse_volumes(text: str, interval_min: int, tz: ZoneInfo) -> list[IntervalVolume]:
    """Rows `ts,contacts` (ISO 8601 time, a number), a header line allowed. Times with an
    offset are converted to `tz`; times without are taken as local already."""
    points = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells):
            continue
        if line == 1 and cells[0].lower() in ("ts", "timestamp", "time", "start"):
            continue
        if len(cells) != 2:
            raise InvalidInput(f"volumes line {line}: expected ts,contacts")
        try:
            at = datetime.fromisoformat(cells[0].replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"volumes line {line}: {cells[0]!r} is not an ISO time") from None
        try:
            contacts = float(cells[1])
        except ValueError:
            raise InvalidInput(f"volumes line {line}: {cells[1]!r} is not a number") from None
        if not math.isfinite(contacts) or contacts < 0:
            raise InvalidInput(f"volumes line {line}: contacts must be zero or more")
        if at.tzinfo is not None:
            at = at.astimezone(tz).replace(tzinfo=None)
        points.append(IntervalVolume(at, contacts))
    if not points:
        raise InvalidInput("the volumes file has no rows")
    return regularise(points, interval_min)


def to_csv(points: Iterable[IntervalVolume]) -> str:
    lines = ["ts,contacts"]
    lines += [f"{p.start.isoformat()},{p.contacts:g}" for p in points]
    return "\n".join(lines) + "\n"


def day_shape(hour: float) -> float:
    """A typical e-commerce service day: quiet at night, an afternoon hump and an evening
    peak after work (relative rate, peak ≈ 1)."""
    afternoon = math.exp(-((hour - 14.0) ** 2) / 18.0)
    evening = 0.75 * math.exp(-((hour - 20.5) ** 2) / 4.0)
    return 0.06 + afternoon + evening


def synthetic_series(
    *,
    start: datetime,
    days: int,
    interval_min: int = 30,
    peak_per_interval: float = 80.0,
    weekend_factor: float = 1.3,
    trend_per_day: float = 0.01,
    event_days: Iterable[int] = (),
    event_uplift: float = 2.5,
    seed: int = 7,
) -> list[IntervalVolume]:
    """Poisson counts with a known day shape, weekend level, linear trend and events (whole
    days, counted from `start`, multiplied by `event_uplift`)."""
    rng = random.Random(seed)
    events = set(event_days)
    out = []
    per_day = 24 * 60 // interval_min
    for i in range(days * per_day):
        at = start + timedelta(minutes=interval_min * i)
        day = i // per_day
        rate = peak_per_interval * day_shape(at.hour + at.minute / 60)
        rate *= weekend_factor if at.weekday() >= 5 else 1.0
        rate *= 1.0 + trend_per_day * day
        rate *= event_uplift if day in events else 1.0
        out.append(IntervalVolume(at, float(_poisson(rng, rate))))
    return out


def _poisson(rng: random.Random, rate: float) -> int:
    if rate > 50:  # normal approximation: exact enough, and fast
        return max(0, round(rng.gauss(rate, math.sqrt(rate))))
    limit, k, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k
