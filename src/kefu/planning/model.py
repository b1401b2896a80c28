"""The data planning works on: volumes per interval, staffing questions and answers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from kefu.domain.errors import InvalidInput


def check_positive(name: str, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput(f"{name} must be a positive number, got {value}")
    return value


def check_non_negative(name: str, value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(f"{name} must be zero or more, got {value}")
    return value


def check_fraction(
    name: str, value: float, *, low_open: bool = False, high_open: bool = False
) -> float:
    """A share between 0 and 1; `low_open`/`high_open` exclude the ends."""
    too_low = value <= 0 if low_open else value < 0
    too_high = value >= 1 if high_open else value > 1
    if not math.isfinite(value) or too_low or too_high:
        low, high = ("(" if low_open else "["), (")" if high_open else "]")
        raise InvalidInput(f"{name} must be in {low}0, 1{high}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class IntervalVolume:
    """Contacts that started in [start, start + interval)."""

    start: datetime
    contacts: float


@dataclass(frozen=True, slots=True)
class StaffingRequest:
    """One interval's question. `concurrency` is how many chats an agent holds at once (its
    AHT is the handling time of one chat at that concurrency); `patience_s` switches from
    Erlang C to Erlang A (customers give up after that long on average)."""

    contacts: float
    interval_min: float = 30
    aht_s: float = 180
    target_s: float = 20
    service_level: float = 0.8
    max_occupancy: float = 0.85
    shrinkage: float = 0.0
    concurrency: int = 1
    patience_s: float | None = None

    def __post_init__(self) -> None:
        check_non_negative("contacts", self.contacts)
        check_positive("interval_min", self.interval_min)
        check_positive("aht_s", self.aht_s)
        check_positive("target_s", self.target_s)
        check_fraction("service_level", self.service_level, high_open=True)
        check_fraction("max_occupancy", self.max_occupancy, low_open=True)
        check_fraction("shrinkage", self.shrinkage, high_open=True)
        if self.concurrency < 1:
            raise InvalidInput(f"concurrency must be at least 1, got {self.concurrency}")
        if self.patience_s is not None:
            check_positive("patience_s", self.patience_s)


@dataclass(frozen=True, slots=True)
class StaffingResult:
    """`agents_raw` people on the floor handling contacts, `agents` to roster once
    shrinkage (breaks, training, absence) is added. Service level, occupancy and the average
    speed of answer are those `agents_raw` achieve; occupancy is per chat slot."""

    agents_raw: int
    agents: int
    service_level: float
    occupancy: float
    asa_s: float
    wait_probability: float
    load_erlangs: float
    model: str
    abandonment: float | None = None

    def to_dict(self) -> dict[str, float | int | str | None]:
        return {
            "agents_raw": self.agents_raw,
            "agents": self.agents,
            "service_level": round(self.service_level, 4),
            "occupancy": round(self.occupancy, 4),
            "asa_s": round(self.asa_s, 2),
            "wait_probability": round(self.wait_probability, 4),
            "load_erlangs": round(self.load_erlangs, 3),
            "model": self.model,
            "abandonment": None if self.abandonment is None else round(self.abandonment, 4),
        }


@dataclass(frozen=True, slots=True)
class IntervalStaffing:
    start: datetime
    contacts: float
    result: StaffingResult
    rostered: int | None = None

    def to_dict(self) -> dict[str, object]:
        gap = None if self.rostered is None else self.rostered - self.result.agents
        return {
            "start": self.start.isoformat(),
            "contacts": round(self.contacts, 2),
            **self.result.to_dict(),
            "rostered": self.rostered,
            "gap": gap,
        }


@dataclass(frozen=True, slots=True)
class ShiftBlock:
    """`agents` people on shift from `start_h` to `end_h` (hours since the run started)."""

    start_h: float
    end_h: float
    agents: int


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of a simulated day, in hours since the start, where something differs."""

    start_h: float
    end_h: float
    factor: float = 1.0

    def covers(self, hour: float) -> bool:
        return self.start_h <= hour < self.end_h


@dataclass(frozen=True, slots=True)
class Roster:
    shifts: tuple[ShiftBlock, ...] = field(default_factory=tuple)

    def agents_at(self, hour: float) -> int:
        return sum(s.agents for s in self.shifts if s.start_h <= hour < s.end_h)
