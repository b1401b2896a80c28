"""The planning use cases with the in-memory history: who may plan, and a forecast built
from conversation start times."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.domain.clock import FrozenClock
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.planning.actions import ForecastRequest
from kefu.planning.model import StaffingRequest
from kefu.planning.ports import HandlingSample, MemoryHistory
from kefu.planning.simulation import SimulationConfig
from kefu.planning.volumes import day_shape
from kefu.planning.wiring import build_planning

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # midnight in Shanghai


@dataclass(frozen=True)
class Member:
    account_id: str = "default"
    sees_everything: bool = True


def conversation_starts(days: int) -> list[datetime]:
    """A month of conversations whose day follows the e-commerce shape, in Shanghai time."""
    rng = random.Random(3)
    starts = []
    first = NOW - timedelta(days=days)
    for minute in range(days * 24 * 60):
        at = first + timedelta(minutes=minute)
        local = at.astimezone(SHANGHAI)
        if rng.random() < 1.2 * day_shape(local.hour + local.minute / 60):
            starts.append(at)
    return starts


def test_an_agent_may_not_plan():
    planning = build_planning(MemoryHistory(), FrozenClock(NOW), "Asia/Shanghai")
    with pytest.raises(PermissionDenied):
        planning.check_staffing(Member(sees_everything=False), StaffingRequest(contacts=10))


def test_a_forecast_from_conversation_starts_peaks_in_the_local_afternoon():
    history = MemoryHistory(starts={"default": conversation_starts(28)})
    planning = build_planning(history, FrozenClock(NOW), "Asia/Shanghai")
    payload = asyncio.run(
        planning.forecast(Member(), ForecastRequest(horizon_days=1, history_days=28))
    )
    points = payload["forecast"]
    assert isinstance(points, list) and len(points) == 48
    busiest = max(points, key=lambda p: p["yhat"])
    assert 12 <= int(busiest["start"][11:13]) <= 22  # local time, not UTC
    assert 0 < float(payload["wape"]) < 0.3  # type: ignore[arg-type]


def test_another_accounts_history_is_not_read():
    history = MemoryHistory(starts={"other": conversation_starts(7)})
    planning = build_planning(history, FrozenClock(NOW), "Asia/Shanghai")
    with pytest.raises(InvalidInput, match="no history"):
        asyncio.run(planning.forecast(Member(), ForecastRequest()))


def test_measured_handling_gives_the_containment():
    sample = HandlingSample(conversations=100, with_human=30, aht_s=400.0)
    planning = build_planning(MemoryHistory(samples={"default": sample}), FrozenClock(NOW), "UTC")
    assert asyncio.run(planning.measured(Member())).containment == pytest.approx(0.7)


def test_at_most_two_simulations_run_at_once():
    planning = build_planning(MemoryHistory(), FrozenClock(NOW), "UTC")
    config = SimulationConfig(rates_per_hour=(20_000,), hours=2, agents=100)

    async def start_three() -> None:
        planning.start_simulation(Member(), config)
        planning.start_simulation(Member(), config)
        with pytest.raises(InvalidInput, match="already running"):
            planning.start_simulation(Member(), config)
        while planning.simulation(Member(), "sim0")["status"] == "running":
            await asyncio.sleep(0.05)
        while planning.simulation(Member(), "sim1")["status"] == "running":
            await asyncio.sleep(0.05)
        with pytest.raises(NotFound):
            planning.simulation(Member(account_id="other"), "sim0")

    asyncio.run(start_three())
