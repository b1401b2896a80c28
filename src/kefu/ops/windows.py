"""Rolling windows made of fixed time buckets, so adding and reading cost the same whatever
the history: adding touches one bucket, reading sums a fixed number of them.

Times are POSIX seconds (floats). An event older than a window's span is ignored by that
window; one that arrives slightly out of order (another instance's event, say) still lands
in its own bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

FIVE_MINUTES = "5m"
ONE_HOUR = "1h"
TODAY = "today"
WINDOW_NAMES = (FIVE_MINUTES, ONE_HOUR, TODAY)


@dataclass(frozen=True, slots=True)
class Stat:
    total: float = 0.0
    count: int = 0

    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


class Rolling:
    """Sum and count of values over the last `span_s` seconds, in `span_s / bucket_s` buckets."""

    __slots__ = ("bucket_s", "counts", "ids", "n", "sums")

    def __init__(self, span_s: int, bucket_s: int) -> None:
        if span_s % bucket_s:
            raise ValueError("span_s must be a multiple of bucket_s")
        self.bucket_s = bucket_s
        self.n = span_s // bucket_s
        self.ids = [-1] * self.n
        self.sums = [0.0] * self.n
        self.counts = [0] * self.n

    def add(self, at: float, value: float = 1.0) -> None:
        bucket = int(at // self.bucket_s)
        slot = bucket % self.n
        held = self.ids[slot]
        if held != bucket:
            if held > bucket:
                return  # older than the window
            self.ids[slot] = bucket
            self.sums[slot] = 0.0
            self.counts[slot] = 0
        self.sums[slot] += value
        self.counts[slot] += 1

    def read(self, now: float) -> Stat:
        newest = int(now // self.bucket_s)
        oldest = newest - self.n + 1
        total, count = 0.0, 0
        for slot in range(self.n):
            if oldest <= self.ids[slot] <= newest:
                total += self.sums[slot]
                count += self.counts[slot]
        return Stat(total, count)

    def series(self, now: float) -> list[float]:
        """The sum of each bucket, oldest first (empty buckets are 0)."""
        newest = int(now // self.bucket_s)
        out = []
        for bucket in range(newest - self.n + 1, newest + 1):
            slot = bucket % self.n
            out.append(self.sums[slot] if self.ids[slot] == bucket else 0.0)
        return out


class KeyedRolling:
    """Counts per key (intent, reason, action…) over a rolling span."""

    __slots__ = ("bucket_s", "ids", "n", "tallies")

    def __init__(self, span_s: int, bucket_s: int) -> None:
        self.bucket_s = bucket_s
        self.n = span_s // bucket_s
        self.ids = [-1] * self.n
        self.tallies: list[dict[str, int]] = [{} for _ in range(self.n)]

    def add(self, at: float, key: str, amount: int = 1) -> None:
        bucket = int(at // self.bucket_s)
        slot = bucket % self.n
        held = self.ids[slot]
        if held != bucket:
            if held > bucket:
                return
            self.ids[slot] = bucket
            self.tallies[slot] = {}
        tally = self.tallies[slot]
        tally[key] = tally.get(key, 0) + amount

    def read(self, now: float) -> dict[str, int]:
        newest = int(now // self.bucket_s)
        oldest = newest - self.n + 1
        out: dict[str, int] = {}
        for slot in range(self.n):
            if oldest <= self.ids[slot] <= newest:
                for key, amount in self.tallies[slot].items():
                    out[key] = out.get(key, 0) + amount
        return out


class LocalDay:
    """Where the current local day starts and ends; recomputed only when a day is over."""

    __slots__ = ("end", "start", "tz")

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.start = 0.0
        self.end = -1.0

    def day_of(self, at: float) -> float:
        """The start of the local day holding `at` (moves forward only)."""
        if at >= self.end:
            local = datetime.fromtimestamp(at, self.tz)
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            following = (midnight + timedelta(days=1, hours=2)).replace(hour=0)
            self.start = midnight.timestamp()
            self.end = following.timestamp()
        return self.start


class Daily:
    """Sum and count since local midnight (a day accumulator)."""

    __slots__ = ("count", "day", "started", "total")

    def __init__(self, day: LocalDay) -> None:
        self.day = day
        self.started = -1.0
        self.total = 0.0
        self.count = 0

    def add(self, at: float, value: float = 1.0) -> None:
        start = self.day.day_of(at)
        if start != self.started:
            if start < self.started:
                return  # yesterday's event, late
            self.started = start
            self.total = 0.0
            self.count = 0
        self.total += value
        self.count += 1

    def read(self, now: float) -> Stat:
        if self.day.day_of(now) != self.started:
            return Stat()
        return Stat(self.total, self.count)


class KeyedDaily:
    __slots__ = ("day", "started", "tally")

    def __init__(self, day: LocalDay) -> None:
        self.day = day
        self.started = -1.0
        self.tally: dict[str, int] = {}

    def add(self, at: float, key: str, amount: int = 1) -> None:
        start = self.day.day_of(at)
        if start != self.started:
            if start < self.started:
                return
            self.started = start
            self.tally = {}
        self.tally[key] = self.tally.get(key, 0) + amount

    def read(self, now: float) -> dict[str, int]:
        if self.day.day_of(now) != self.started:
            return {}
        return dict(self.tally)


class Windowed:
    """One measure over the board's three windows: 5 minutes, 1 hour and today."""

    __slots__ = ("five", "hour", "today")

    def __init__(self, day: LocalDay) -> None:
        self.five = Rolling(300, 30)
        self.hour = Rolling(3600, 60)
        self.today = Daily(day)

    def add(self, at: float, value: float = 1.0) -> None:
        self.five.add(at, value)
        self.hour.add(at, value)
        self.today.add(at, value)

    def read(self, now: float) -> dict[str, Stat]:
        return {
            FIVE_MINUTES: self.five.read(now),
            ONE_HOUR: self.hour.read(now),
            TODAY: self.today.read(now),
        }


class KeyedWindowed:
    __slots__ = ("five", "hour", "today")

    def __init__(self, day: LocalDay) -> None:
        self.five = KeyedRolling(300, 30)
        self.hour = KeyedRolling(3600, 60)
        self.today = KeyedDaily(day)

    def add(self, at: float, key: str, amount: int = 1) -> None:
        self.five.add(at, key, amount)
        self.hour.add(at, key, amount)
        self.today.add(at, key, amount)

    def read(self, now: float) -> dict[str, dict[str, int]]:
        return {
            FIVE_MINUTES: self.five.read(now),
            ONE_HOUR: self.hour.read(now),
            TODAY: self.today.read(now),
        }


class MinuteGauge:
    """The last value of a gauge in each minute of the last hour, for trend lines."""

    __slots__ = ("ids", "values")

    def __init__(self) -> None:
        self.ids = [-1] * 60
        self.values = [0.0] * 60

    def set(self, at: float, value: float) -> None:
        minute = int(at // 60)
        slot = minute % 60
        if self.ids[slot] <= minute:
            self.ids[slot] = minute
            self.values[slot] = value

    def series(self, now: float) -> list[float | None]:
        newest = int(now // 60)
        out: list[float | None] = []
        for minute in range(newest - 59, newest + 1):
            slot = minute % 60
            out.append(self.values[slot] if self.ids[slot] == minute else None)
        return out
