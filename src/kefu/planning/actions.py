"""The planning use cases, the only thing routes and the CLI call. Each checks that the
caller may plan (supervisors and admins) before it reads anything."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from kefu.domain.clock import Clock
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.planning import calendar, forecast, staffing
from kefu.planning.cost import AutomationCurve, Rates, ValueLoss, automation_curve
from kefu.planning.model import IntervalVolume, StaffingRequest, StaffingResult, check_fraction
from kefu.planning.peak import PeakQuestion, answer
from kefu.planning.ports import ContactHistory, HandlingSample
from kefu.planning.simulation import SimulationConfig, SimulationResult, simulate
from kefu.planning.volumes import bucket, parse_volumes, synthetic_series

MAX_JOBS = 2
KEPT_JOBS = 20


class Planner(Protocol):
    @property
    def account_id(self) -> str: ...

    @property
    def sees_everything(self) -> bool: ...


def access_planning(actor: Planner) -> None:
    if not actor.sees_everything:
        raise PermissionDenied("planning is for supervisors and admins")


@dataclass(frozen=True, slots=True)
class ForecastRequest:
    interval_min: int = 30
    horizon_days: float = 7
    history_days: int = 56
    source: str = "history"  # history | csv | demo
    volumes_csv: str | None = None
    events_csv: str | None = None
    level: float = 0.8
    folds: int = 3
    # With `staffing` (its `contacts` ignored), the agents each interval needs for the
    # forecast volume left after the bot's share, beside `rostered` agents.
    staffing: StaffingRequest | None = None
    bot_containment: float = 0.0
    rostered: int | None = None


@dataclass
class _Job:
    id: str
    account_id: str
    started: float
    progress: float = 0.0
    result: dict[str, object] | None = None
    error: str | None = None


@dataclass
class PlanningActions:
    history: ContactHistory
    clock: Clock
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    _jobs: dict[str, _Job] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    # --- staffing -----------------------------------------------------------------------
    def check_staffing(self, actor: Planner, request: StaffingRequest) -> StaffingResult:
        access_planning(actor)
        return staffing.staff(request)

    def peak(self, actor: Planner, question: PeakQuestion, rates: Rates) -> dict[str, object]:
        access_planning(actor)
        return answer(question, rates)

    # --- forecast -----------------------------------------------------------------------
    async def volumes(
        self, actor: Planner, request: ForecastRequest
    ) -> tuple[list[IntervalVolume], list[calendar.Event]]:
        """The history to forecast from and the events known beyond the built-in calendar."""
        access_planning(actor)
        extra = calendar.parse_events(request.events_csv) if request.events_csv else []
        if request.source == "csv":
            if not request.volumes_csv:
                raise InvalidInput("paste or upload a ts,contacts file")
            return parse_volumes(request.volumes_csv, request.interval_min, self.tz), extra
        if request.source == "demo":
            history, promos = demo_series(self.clock().astimezone(self.tz), request.interval_min)
            return history, promos + extra
        if request.source != "history":
            raise InvalidInput("the source must be history, csv or demo")
        until = self.clock()
        since = until - timedelta(days=request.history_days)
        starts = await self.history.conversation_starts(actor.account_id, since, until)
        return bucket(starts, request.interval_min, self.tz), extra

    async def forecast(self, actor: Planner, request: ForecastRequest) -> dict[str, object]:
        history, events = await self.volumes(actor, request)
        return await asyncio.to_thread(forecast_payload, history, events, request)

    async def measured(self, actor: Planner, days: int = 28) -> HandlingSample:
        access_planning(actor)
        until = self.clock()
        return await self.history.handling(actor.account_id, until - timedelta(days=days), until)

    # --- cost -----------------------------------------------------------------------------
    def cost_curve(
        self,
        actor: Planner,
        *,
        contacts_per_hour: float,
        rates: Rates,
        loss: ValueLoss,
        protected_share: float,
    ) -> AutomationCurve:
        access_planning(actor)
        return automation_curve(
            contacts_per_hour=contacts_per_hour,
            rates=rates,
            loss=loss,
            protected_share=protected_share,
        )

    # --- simulation (a background job with progress) ------------------------------------
    def start_simulation(self, actor: Planner, config: SimulationConfig) -> str:
        access_planning(actor)
        running = [j for j in self._jobs.values() if j.result is None and j.error is None]
        if len(running) >= MAX_JOBS:
            raise InvalidInput("two simulations are already running; wait for one to finish")
        job = _Job(
            id=f"sim{next(self._ids)}", account_id=actor.account_id, started=time.monotonic()
        )
        self._jobs[job.id] = job
        for old in list(self._jobs)[:-KEPT_JOBS]:
            del self._jobs[old]

        def progress(done: float) -> None:
            job.progress = done

        async def run() -> None:
            try:
                outcome: SimulationResult = await asyncio.to_thread(simulate, config, progress)
                job.result = outcome.to_dict()
                job.progress = 1.0
            except Exception as exc:  # shown to the supervisor, never a traceback
                job.error = str(exc) or type(exc).__name__

        job_task = asyncio.get_running_loop().create_task(run())
        _TASKS.add(job_task)
        job_task.add_done_callback(_TASKS.discard)
        return job.id

    def simulation(self, actor: Planner, job_id: str) -> dict[str, object]:
        access_planning(actor)
        job = self._jobs.get(job_id)
        if job is None or job.account_id != actor.account_id:  # another account's is not shown
            raise NotFound(f"no simulation {job_id!r}")
        status = "failed" if job.error else ("done" if job.result is not None else "running")
        return {
            "id": job.id,
            "status": status,
            "progress": round(job.progress, 3),
            "result": job.result,
            "error": job.error,
        }


_TASKS: set[asyncio.Task[None]] = set()


def demo_series(
    now: datetime, interval_min: int
) -> tuple[list[IntervalVolume], list[calendar.Event]]:
    """Eight weeks ending today with a promotion (kind "promo") on three days and one more
    in the coming week, for a kefu without history yet."""
    start = (now - timedelta(days=56)).replace(hour=0, minute=0, second=0, microsecond=0)
    start = start.replace(tzinfo=None)
    days = (12, 33, 47)
    history = synthetic_series(start=start, days=56, interval_min=interval_min, event_days=days)
    promos = [start.date() + timedelta(days=d) for d in (*days, 59)]
    return history, [calendar.Event("promo", d, d) for d in promos]


def forecast_payload(
    history: Sequence[IntervalVolume], extra: Sequence[calendar.Event], request: ForecastRequest
) -> dict[str, object]:
    """Forecast, backtest and the event uplifts, as the CLI and the page show them."""
    if not history:
        raise InvalidInput("there is no history to forecast from")
    per_day = 24 * 60 // request.interval_min
    horizon = max(1, round(request.horizon_days * per_day))
    years = range(history[0].start.year - 1, history[-1].start.year + 2)
    events = [*calendar.builtin_events(years), *extra]
    result = forecast.fit_forecast(
        history,
        interval_min=request.interval_min,
        horizon=horizon,
        events=events,
        level=request.level,
    )
    check = forecast.backtest(
        history,
        interval_min=request.interval_min,
        horizon=min(horizon, per_day),
        events=events,
        folds=request.folds,
        level=request.level,
    )
    payload: dict[str, object] = {
        "interval_min": request.interval_min,
        "level": request.level,
        "history": [
            {"start": p.start.isoformat(), "contacts": p.contacts} for p in history[-7 * per_day :]
        ],
        "forecast": [p.to_dict() for p in result.points],
        "uplifts": {k: round(v, 3) for k, v in result.uplifts.items()},
        "unlearnt_events": result.unlearnt,
        "wape": round(check.wape, 4),
        "coverage": round(check.coverage, 4),
        "backtest": check.folds,
    }
    if request.staffing is not None:
        payload["staffing"] = _staffing_per_interval(result.points, request)
    return payload


def _staffing_per_interval(
    points: Sequence[forecast.ForecastPoint], request: ForecastRequest
) -> list[dict[str, object]]:
    assert request.staffing is not None
    check_fraction("bot_containment", request.bot_containment)
    template = dataclasses.replace(request.staffing, interval_min=request.interval_min)
    volumes = [IntervalVolume(p.start, p.yhat * (1.0 - request.bot_containment)) for p in points]
    rostered = None if request.rostered is None else [request.rostered] * len(volumes)
    return [
        {
            "start": s.start.isoformat(),
            "agents": s.result.agents,
            "agents_raw": s.result.agents_raw,
            "rostered": s.rostered,
        }
        for s in staffing.plan(volumes, template, rostered)
    ]
