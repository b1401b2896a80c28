"""Burst detection: one intent (or category) suddenly much more frequent than usual.

For each key the detector keeps the count of the last five minutes (ten 30-second buckets)
and a baseline rate per minute: an exponentially weighted moving average of past minutes,
and, once a key has been seen on a few days at the same hour, the average of that hour
(seasonal), whichever is higher. A burst is raised when

    count(5 min) ≥ min_count   and   rate ≥ factor × max(baseline, floor)

and cleared when the rate falls below `clear_factor × baseline` (hysteresis, so a burst
hovering at the threshold does not flap). The baseline does not learn while its key is
bursting — otherwise a long burst would become the new normal and clear itself — and
nothing is raised during the warm-up after the detector starts, when no baseline exists.
Every update is O(1) per event; closing the minutes a key skipped is a single power.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.ops.windows import Rolling

WINDOW_S = 300


@dataclass(frozen=True, slots=True)
class BurstConfig:
    factor: float = 3.0
    clear_factor: float = 1.5
    min_count: int = 10
    floor_per_min: float = 0.5
    half_life_min: float = 30.0
    warmup_s: float = 600.0
    cooldown_s: float = 900.0
    seasonal_min_days: int = 3


@dataclass(frozen=True, slots=True)
class BurstSignal:
    key: str
    raised: bool  # False: cleared
    count: int
    rate_per_min: float
    baseline_per_min: float


@dataclass(slots=True)
class _KeyState:
    recent: Rolling = field(default_factory=lambda: Rolling(WINDOW_S, 30))
    minute: int = -1
    minute_count: int = 0
    ewma: float = 0.0
    active: bool = False
    cleared_at: float = float("-inf")
    hourly: list[float] = field(default_factory=lambda: [0.0] * 24)
    hourly_days: list[int] = field(default_factory=lambda: [0] * 24)
    hourly_day: list[int] = field(default_factory=lambda: [-1] * 24)


class BurstDetector:
    def __init__(self, config: BurstConfig | None = None) -> None:
        self.config = config or BurstConfig()
        self.keys: dict[str, _KeyState] = {}
        self.started_at: float | None = None
        self._decay = 0.5 ** (1.0 / self.config.half_life_min)

    def observe(self, key: str, at: float) -> BurstSignal | None:
        """Counts one message of `key`; returns a signal when this raises a burst."""
        if self.started_at is None:
            self.started_at = at
        state = self.keys.get(key)
        if state is None:
            state = self.keys[key] = _KeyState(minute=int(at // 60))
        self._roll(state, at)
        state.minute_count += 1
        state.recent.add(at)
        if state.active:
            return None
        return self._check_raise(key, state, at)

    def sweep(self, now: float) -> list[BurstSignal]:
        """Clears bursts that have calmed down; called about once a second."""
        signals = []
        for key, state in self.keys.items():
            if state.active:
                self._roll(state, now)
                count, rate, baseline = self._measure(state, now)
                if rate < self.config.clear_factor * baseline or count < self.config.min_count / 2:
                    state.active = False
                    state.cleared_at = now
                    signals.append(BurstSignal(key, False, count, rate, baseline))
        return signals

    def rising(
        self, now: float, *, limit: int = 5, min_count: int = 3
    ) -> list[dict[str, float | str]]:
        """Keys whose last-five-minute rate is furthest above their baseline."""
        ranked = []
        for key, state in self.keys.items():
            count, rate, baseline = self._measure(state, now)
            if count >= min_count:
                ranked.append((rate / baseline, key, count, rate, baseline))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        return [
            {
                "key": key,
                "count": count,
                "rate_per_min": round(rate, 2),
                "baseline_per_min": round(baseline, 2),
                "ratio": round(ratio, 2),
            }
            for ratio, key, count, rate, baseline in ranked[:limit]
        ]

    def active(self) -> list[str]:
        return sorted(key for key, state in self.keys.items() if state.active)

    def baseline(self, key: str, at: float) -> float:
        state = self.keys.get(key)
        if state is None or self.started_at is None:
            return self.config.floor_per_min
        return self._baseline(state, at)

    # ---- internals ----------------------------------------------------------------------

    def _check_raise(self, key: str, state: _KeyState, at: float) -> BurstSignal | None:
        config = self.config
        assert self.started_at is not None
        if at - self.started_at < config.warmup_s or at - state.cleared_at < config.cooldown_s:
            return None
        count, rate, baseline = self._measure(state, at)
        if count >= config.min_count and rate >= config.factor * baseline:
            state.active = True
            return BurstSignal(key, True, count, rate, baseline)
        return None

    def _measure(self, state: _KeyState, now: float) -> tuple[int, float, float]:
        count = state.recent.read(now).count
        return count, count / (WINDOW_S / 60), self._baseline(state, now)

    def _baseline(self, state: _KeyState, at: float) -> float:
        # Every key's average is taken as if it had been watched (at zero) since the detector
        # started, and corrected for starting at zero (as in Adam's bias correction): a busy
        # intent is not a "burst" just because its average is still filling up.
        assert self.started_at is not None
        watched = state.minute - int(self.started_at // 60)
        base = state.ewma / (1 - self._decay**watched) if watched > 0 else 0.0
        hour = int(at // 3600) % 24
        if state.hourly_days[hour] >= self.config.seasonal_min_days:
            base = max(base, state.hourly[hour])
        return max(base, self.config.floor_per_min)

    def _roll(self, state: _KeyState, at: float) -> None:
        """Closes the minutes that ended before `at` into the baselines."""
        minute = int(at // 60)
        if minute <= state.minute:
            return
        if not state.active:
            # The finished minute, then (minute - state.minute - 1) empty ones.
            decay = self._decay
            state.ewma = state.ewma * decay + state.minute_count * (1 - decay)
            state.ewma *= decay ** (minute - state.minute - 1)
            self._season(state, state.minute, state.minute_count)
        state.minute = minute
        state.minute_count = 0

    def _season(self, state: _KeyState, minute: int, count: int) -> None:
        """A slow average per hour of the day, counted once per day the hour was seen."""
        hour = (minute // 60) % 24
        day = minute // 1440
        if state.hourly_day[hour] != day:
            state.hourly_day[hour] = day
            state.hourly_days[hour] += 1
        state.hourly[hour] += (count - state.hourly[hour]) * 0.02
