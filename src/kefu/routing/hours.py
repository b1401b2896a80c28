"""Business hours per queue: opening intervals per weekday, holidays, special days, a timezone.

Intervals are wall-clock minutes in the queue's timezone (e.g. Asia/Shanghai), so "09:00" is
nine in the morning there whatever timezone the server or the `now` argument uses. A
special day replaces the weekly pattern for one date: that is how a make-up working Sunday
(调休) or a short day before a holiday is written. A holiday closes the whole date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kefu.domain.errors import InvalidInput

MINUTES_PER_DAY = 24 * 60
#: `next_open` looks this far ahead before deciding a queue never opens.
HORIZON_DAYS = 400


@dataclass(frozen=True, slots=True)
class Interval:
    """Open from `start` to `end` minutes after local midnight; `end` may be 1440 (24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise InvalidInput(f"an opening interval must run forward within a day: {self}")

    @classmethod
    def parse(cls, text: str) -> Interval:
        """ "09:00-18:00" → Interval(540, 1080); "00:00-24:00" is the whole day."""
        try:
            start, end = (_minutes(part) for part in text.split("-"))
        except ValueError as exc:
            raise InvalidInput(f"expected HH:MM-HH:MM, got {text!r}") from exc
        return cls(start, end)

    def __contains__(self, minute: int) -> bool:
        return self.start <= minute < self.end


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= int(minutes) < 60 or not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(text)
    return value


Day = tuple[Interval, ...]


def _day(spec: str | Iterable[str]) -> Day:
    parts = [spec] if isinstance(spec, str) else list(spec)
    intervals = tuple(sorted((Interval.parse(p) for p in parts if p), key=lambda i: i.start))
    for a, b in pairwise(intervals):
        if b.start < a.end:
            raise InvalidInput(f"opening intervals overlap: {a} and {b}")
    return intervals


@dataclass(frozen=True, slots=True)
class BusinessHours:
    timezone: str
    week: tuple[Day, ...]  # seven days, Monday first
    holidays: frozenset[date] = frozenset()
    special_days: tuple[tuple[date, Day], ...] = ()

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise InvalidInput(f"business hours need 7 weekdays, got {len(self.week)}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput(f"unknown timezone {self.timezone!r}") from exc

    @classmethod
    def build(
        cls,
        timezone: str,
        weekly: Mapping[int, str | Iterable[str]],
        *,
        holidays: Iterable[date] = (),
        special_days: Mapping[date, str | Iterable[str]] | None = None,
    ) -> BusinessHours:
        """`weekly` maps weekday (0 = Monday) to "09:00-18:00" or several such intervals."""
        if any(not 0 <= day <= 6 for day in weekly):
            raise InvalidInput("weekdays run from 0 (Monday) to 6 (Sunday)")
        week = tuple(_day(weekly.get(day, ())) for day in range(7))
        special = tuple(sorted((d, _day(s)) for d, s in (special_days or {}).items()))
        return cls(timezone, week, frozenset(holidays), special)

    @classmethod
    def always(cls, timezone: str = "UTC") -> BusinessHours:
        return cls.build(timezone, dict.fromkeys(range(7), "00:00-24:00"))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances by key

    def intervals_on(self, day: date) -> Day:
        if day in self.holidays:
            return ()
        for special_date, intervals in self.special_days:
            if special_date == day:
                return intervals
        return self.week[day.weekday()]

    def is_open(self, now: datetime) -> bool:
        local = self._local(now)
        minute = local.hour * 60 + local.minute
        return any(minute in interval for interval in self.intervals_on(local.date()))

    def next_open(self, now: datetime) -> datetime | None:
        """`now` when open, else the next opening moment (in the queue's timezone).

        None when the queue does not open within `HORIZON_DAYS` (no hours configured).
        """
        if self.is_open(now):
            return now
        local = self._local(now)
        minute = local.hour * 60 + local.minute
        for offset in range(HORIZON_DAYS):
            day = local.date() + timedelta(days=offset)
            for interval in self.intervals_on(day):
                if offset > 0 or interval.start > minute:
                    return self._at(day, interval.start)
        return None

    def next_close(self, now: datetime) -> datetime | None:
        """When the current opening ends (None when closed now). Adjacent intervals join."""
        if not self.is_open(now):
            return None
        local = self._local(now)
        minute = local.hour * 60 + local.minute
        day = local.date()
        end = next(i.end for i in self.intervals_on(day) if minute in i)
        for _ in range(HORIZON_DAYS):
            following = self.intervals_on(day + timedelta(days=1))
            if end < MINUTES_PER_DAY:
                joined = next((i.end for i in self.intervals_on(day) if i.start == end), None)
                if joined is None:
                    return self._at(day, end)
                end = joined
            elif following and following[0].start == 0:
                day, end = day + timedelta(days=1), following[0].end
            else:
                return self._at(day + timedelta(days=1), 0)
        return None

    def _local(self, now: datetime) -> datetime:
        if now.tzinfo is None:
            raise InvalidInput(f"now must be timezone-aware, got naive {now.isoformat()}")
        return now.astimezone(self.zone)

    def _at(self, day: date, minute: int) -> datetime:
        if minute == MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), 0
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
