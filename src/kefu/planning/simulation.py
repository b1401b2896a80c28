"""A discrete-event simulation of the service (SimPy): customers arrive (Poisson, at the
forecast's rate), the bot resolves its share, the rest queue for a human after the bot's
turn; agents hold `concurrency` chats each and come and go with their shifts; waiting
customers give up after an exponential patience; a full queue overflows to a call-back.

It checks a staffing figure under the same assumptions as Erlang (exponential handling) and
answers what-ifs: a better bot, an outage of the bot, a burst, a promotion day.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kefu.domain.errors import InvalidInput
from kefu.planning.model import Roster, ShiftBlock, Window, check_fraction, check_positive

if TYPE_CHECKING:
    import simpy

Progress = Callable[[float], None]
Steps = Generator["simpy.Event", object, None]  # a SimPy process: yields events
MAX_ARRIVALS = 5_000_000


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """`rates_per_hour[i]` customers per hour during step i (`step_h` long; the last rate
    holds to the end). `roster` overrides `agents` when given."""

    rates_per_hour: tuple[float, ...]
    hours: float
    agents: int = 10
    roster: Roster | None = None
    bot_containment: float = 0.0
    concurrency: int = 1
    aht_s: float = 180.0
    target_s: float = 20.0
    patience_s: float | None = None
    bot_time_s: float = 0.0
    max_queue: int | None = None
    outage: Window | None = None  # the bot is down: nobody is contained
    burst: Window | None = None  # arrivals multiplied by `factor`
    step_h: float = 1.0
    warmup_h: float = 0.0
    seed: int = 1

    def __post_init__(self) -> None:
        if not self.rates_per_hour or any(
            r < 0 or not math.isfinite(r) for r in self.rates_per_hour
        ):
            raise InvalidInput("arrival rates must be zero or more")
        check_positive("hours", self.hours)
        check_fraction("bot_containment", self.bot_containment)
        check_positive("aht_s", self.aht_s)
        check_positive("target_s", self.target_s)
        check_positive("step_h", self.step_h)
        if self.patience_s is not None:
            check_positive("patience_s", self.patience_s)
        if self.concurrency < 1:
            raise InvalidInput("concurrency must be at least 1")
        if self.roster is None and self.agents < 0:
            raise InvalidInput("agents must be zero or more")
        if not 0 <= self.warmup_h < self.hours:
            raise InvalidInput("the warm-up must be shorter than the run")
        expected = sum(self.rates_per_hour) / len(self.rates_per_hour) * self.hours
        if expected * (self.burst.factor if self.burst else 1.0) > MAX_ARRIVALS:
            raise InvalidInput(f"that run would simulate over {MAX_ARRIVALS:,} customers")

    def roster_or_flat(self) -> Roster:
        return self.roster or Roster((ShiftBlock(0.0, math.inf, self.agents),))


@dataclass(slots=True)
class SimulationResult:
    offered: int = 0
    bot_resolved: int = 0
    to_humans: int = 0
    answered: int = 0
    abandoned: int = 0
    overflowed: int = 0
    within_target: int = 0
    waits: list[float] = field(default_factory=list)
    busy_slot_s: float = 0.0
    open_slot_s: float = 0.0
    hourly: list[dict[str, float]] = field(default_factory=list)

    @property
    def service_level(self) -> float:
        """Answered within the target, over everyone who reached the human queue and was
        answered or gave up (overflowed customers were offered a call-back instead)."""
        decided = self.answered + self.abandoned
        return self.within_target / decided if decided else 1.0

    def to_dict(self) -> dict[str, object]:
        waits = sorted(self.waits)
        decided = self.answered + self.abandoned
        return {
            "offered": self.offered,
            "bot_resolved": self.bot_resolved,
            "to_humans": self.to_humans,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "overflowed": self.overflowed,
            "service_level": round(self.service_level, 4),
            "avg_wait_s": round(sum(waits) / len(waits), 2) if waits else 0.0,
            "p90_wait_s": round(_quantile(waits, 0.9), 2),
            "abandonment": round(self.abandoned / decided, 4) if decided else 0.0,
            "occupancy": round(self.busy_slot_s / self.open_slot_s, 4) if self.open_slot_s else 0.0,
            "hourly": self.hourly,
        }


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return float(sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))])


class _Floor:
    """Chat slots: who is free, who waits, and the time integrals for occupancy."""

    def __init__(self, env: simpy.Environment, concurrency: int, measure_from: float) -> None:
        self.env = env
        self.concurrency = concurrency
        self.free = 0
        self.busy = 0
        self.retiring = 0
        self.waiting: deque[simpy.Event] = deque()
        self.measure_from = measure_from
        self.last = 0.0
        self.busy_area = 0.0
        self.open_area = 0.0

    def _tick(self) -> None:
        now = float(self.env.now)
        start = max(self.last, self.measure_from)
        if now > start:
            self.busy_area += self.busy * (now - start)
            self.open_area += (self.busy + self.free) * (now - start)
        self.last = now

    def staff(self, agents_delta: int) -> None:
        self._tick()
        slots = agents_delta * self.concurrency
        if slots >= 0:
            cancel = min(self.retiring, slots)
            self.retiring -= cancel
            self.free += slots - cancel
            self._dispatch()
        else:
            leaving = -slots
            taken = min(self.free, leaving)
            self.free -= taken
            self.retiring += leaving - taken  # they finish the chats in hand first

    def _dispatch(self) -> None:
        while self.free > 0 and self.waiting:
            ticket = self.waiting.popleft()
            if ticket.triggered:
                continue
            self.free -= 1
            self.busy += 1
            ticket.succeed()

    def take_now(self) -> bool:
        self._tick()
        if self.free > 0 and not self.waiting:
            self.free -= 1
            self.busy += 1
            return True
        return False

    def release(self) -> None:
        self._tick()
        self.busy -= 1
        if self.retiring > 0:
            self.retiring -= 1
        else:
            self.free += 1
            self._dispatch()


def simulate(config: SimulationConfig, progress: Progress | None = None) -> SimulationResult:
    import simpy

    rng = random.Random(config.seed)
    env = simpy.Environment()
    end_s = config.hours * 3600.0
    warmup_s = config.warmup_h * 3600.0
    floor = _Floor(env, config.concurrency, warmup_s)
    result = SimulationResult()
    hours = math.ceil(config.hours)
    hourly = [
        {"hour": float(h), "arrivals": 0.0, "to_humans": 0.0, "within": 0.0, "decided": 0.0}
        for h in range(hours)
    ]

    def rate_at(t_s: float) -> float:
        hour = t_s / 3600.0
        step = min(int(hour / config.step_h), len(config.rates_per_hour) - 1)
        rate = config.rates_per_hour[step]
        if config.burst is not None and config.burst.covers(hour):
            rate *= config.burst.factor
        return rate / 3600.0

    peak = (
        max(config.rates_per_hour)
        * (max(1.0, config.burst.factor) if config.burst else 1.0)
        / 3600.0
    )

    def customer(counted: bool, slot: dict[str, float]) -> Steps:
        if config.bot_time_s > 0:
            yield env.timeout(config.bot_time_s)
        if (
            config.max_queue is not None
            and len(floor.waiting) >= config.max_queue
            and floor.free == 0
        ):
            if counted:
                result.overflowed += 1
            return
        queued_at = env.now
        if not floor.take_now():
            ticket = env.event()
            floor.waiting.append(ticket)
            if config.patience_s is None:
                yield ticket
            else:
                yield ticket | env.timeout(rng.expovariate(1.0 / config.patience_s))
                if not ticket.triggered:
                    ticket.fail(_GaveUp())
                    ticket.defused = True
                    if counted:
                        result.abandoned += 1
                        slot["decided"] += 1
                    return
        wait = env.now - queued_at
        if counted:
            result.answered += 1
            result.waits.append(wait)
            slot["decided"] += 1
            if wait <= config.target_s:
                result.within_target += 1
                slot["within"] += 1
        yield env.timeout(rng.expovariate(1.0 / config.aht_s))
        floor.release()

    def arrivals() -> Steps:
        # Thinning: candidate arrivals at the peak rate, each kept with rate(t)/peak.
        if peak <= 0:
            return
        while True:
            yield env.timeout(rng.expovariate(peak))
            now = env.now
            if now >= end_s:
                return
            if rng.random() * peak > rate_at(now):
                continue
            counted = now >= warmup_s
            slot = hourly[min(int(now // 3600), hours - 1)]
            slot["arrivals"] += 1
            if counted:
                result.offered += 1
            bot_up = config.outage is None or not config.outage.covers(now / 3600.0)
            if bot_up and rng.random() < config.bot_containment:
                if counted:
                    result.bot_resolved += 1
                continue
            slot["to_humans"] += 1
            if counted:
                result.to_humans += 1
            env.process(customer(counted, slot))

    def shifts() -> Steps:
        roster = config.roster_or_flat()
        changes = sorted(
            {0.0, *(s.start_h for s in roster.shifts), *(s.end_h for s in roster.shifts)}
        )
        on_shift = 0
        for hour in changes:
            if hour * 3600.0 >= end_s:
                return
            if hour * 3600.0 > env.now:
                yield env.timeout(hour * 3600.0 - env.now)
            wanted = roster.agents_at(hour)
            floor.staff(wanted - on_shift)
            on_shift = wanted

    def reporter() -> Steps:
        ticks = 100
        for i in range(1, ticks + 1):
            yield env.timeout(end_s / ticks)
            if progress is not None:
                progress(i / ticks)

    env.process(shifts())
    env.process(arrivals())
    env.process(reporter())
    env.run(until=end_s)
    if progress is not None:
        progress(1.0)
    floor._tick()
    result.busy_slot_s = floor.busy_area
    result.open_slot_s = floor.open_area
    result.hourly = [
        {
            "hour": h["hour"],
            "arrivals": h["arrivals"],
            "to_humans": h["to_humans"],
            "service_level": round(h["within"] / h["decided"], 4) if h["decided"] else 1.0,
        }
        for h in hourly
    ]
    return result


class _GaveUp(Exception):
    """A waiting customer's ticket, cancelled when their patience ran out."""
