"""Planning: how long staffing, forecasting and simulation take, and how good they are.

1. Staffing — Erlang C on the pyworkforce example (100 contacts / 30 min, AHT 180 s, 80/20,
   occupancy ≤ 85 %, shrinkage 30 %) and on the brief's peak (65,000 contacts an hour, 70 %
   contained by the bot, chats at concurrency 3); Erlang A with 3-minute patience on both.
2. Forecast — a synthetic series with known day shape, weekend level, trend and promotion
   days (`kefu.planning.volumes.synthetic_series`), 56 days of 30-minute and 15-minute
   intervals: one fit with a 7-day horizon, and a 3-fold rolling-origin backtest (1-day
   folds) with WAPE and the share of actual values inside the 80 % band.
3. Simulation — the steady load of the Erlang C check (200 contacts/h, 14 agents, 300 h),
   with its agreement with Erlang C, and one peak hour of 65,000 contacts.

Wall and CPU (process) time for each. Writes benchmarks/results/planning.json.

    nice -n 10 python benchmarks/bench_planning.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import machine, write_result
from kefu.planning import erlang
from kefu.planning.calendar import Event
from kefu.planning.forecast import backtest, fit_forecast
from kefu.planning.model import StaffingRequest
from kefu.planning.simulation import SimulationConfig, simulate
from kefu.planning.staffing import staff
from kefu.planning.volumes import synthetic_series


def timed(run: Callable[[], Any], repeat: int = 1) -> tuple[Any, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        value = run()
    return value, {
        "wall_ms": round((time.perf_counter() - wall) * 1000 / repeat, 3),
        "cpu_ms": round((time.process_time() - cpu) * 1000 / repeat, 3),
        "repeat": repeat,
    }


def bench_staffing(quick: bool) -> dict[str, Any]:
    example = StaffingRequest(
        contacts=100,
        interval_min=30,
        aht_s=180,
        target_s=20,
        service_level=0.8,
        max_occupancy=0.85,
        shrinkage=0.3,
    )
    peak = StaffingRequest(
        contacts=65_000 / 2 * 0.3,
        interval_min=30,
        aht_s=420,
        target_s=20,
        service_level=0.8,
        max_occupancy=0.85,
        shrinkage=0.3,
        concurrency=3,
    )
    out: dict[str, Any] = {}
    for name, request in (("pyworkforce_example", example), ("peak_65000_per_hour", peak)):
        result, timing = timed(lambda r=request: staff(r), repeat=20 if quick else 200)
        out[f"erlang_c_{name}"] = {**result.to_dict(), **timing}
    for name, request in (("pyworkforce_example", example), ("peak_65000_per_hour", peak)):
        with_patience = StaffingRequest(
            contacts=request.contacts,
            interval_min=request.interval_min,
            aht_s=request.aht_s,
            target_s=request.target_s,
            service_level=request.service_level,
            max_occupancy=request.max_occupancy,
            shrinkage=request.shrinkage,
            concurrency=request.concurrency,
            patience_s=180,
        )
        result, timing = timed(lambda r=with_patience: staff(r), repeat=1 if quick else 3)
        out[f"erlang_a_{name}"] = {**result.to_dict(), **timing}
    return out


def bench_forecast(quick: bool) -> dict[str, Any]:
    start = datetime(2026, 9, 7)
    promo_days = (12, 33, 47)
    events = [
        Event("promo", (start + timedelta(days=d)).date(), (start + timedelta(days=d)).date())
        for d in promo_days
    ]
    out: dict[str, Any] = {
        "series": {"days": 56, "promotion_days": list(promo_days), "uplift": 2.5}
    }

    def load_libraries() -> None:
        import statsmodels.api  # noqa: F401
        from scipy.stats import norm  # noqa: F401
        from statsmodels.tsa.statespace.sarimax import SARIMAX  # noqa: F401

    out["first_import_statsmodels"] = timed(load_libraries)[1]
    for interval in (30,) if quick else (30, 15):
        per_day = 24 * 60 // interval
        series = synthetic_series(
            start=start,
            days=56,
            interval_min=interval,
            event_days=promo_days,
            peak_per_interval=80 * interval / 30,
        )
        fit, fit_time = timed(
            lambda s=series, i=interval, p=per_day: fit_forecast(
                s, interval_min=i, horizon=7 * p, events=events
            )
        )
        check, check_time = timed(
            lambda s=series, i=interval, p=per_day: backtest(
                s, interval_min=i, horizon=p, events=events, folds=3
            )
        )
        held = series[: 47 * per_day]
        promo_fit = fit_forecast(held, interval_min=interval, horizon=per_day * 2, events=events)
        out[f"interval_{interval}_min"] = {
            "fit_7_days": fit_time,
            "learnt_uplift_promo": round(fit.uplifts["promo"], 3),
            "backtest_3_folds": {
                **check_time,
                "wape": round(check.wape, 4),
                "coverage_80": round(check.coverage, 4),
                "folds": check.folds,
            },
            "promotion_day_wape": round(
                sum(
                    abs(a.contacts - p.yhat)
                    for a, p in zip(
                        series[47 * per_day : 48 * per_day], promo_fit.points, strict=False
                    )
                )
                / sum(a.contacts for a in series[47 * per_day : 48 * per_day]),
                4,
            ),
        }
    return out


def bench_simulation(quick: bool) -> dict[str, Any]:
    hours = 60 if quick else 300
    steady = SimulationConfig(
        rates_per_hour=(200,), hours=hours, agents=14, aht_s=180, target_s=20, warmup_h=2, seed=11
    )
    result, timing = timed(lambda: simulate(steady))
    figures = result.to_dict()
    figures.pop("hourly")
    expected = erlang.erlang_c_figures(erlang.intensity(200, 3600, 180), 14, 20, 180)
    peak = SimulationConfig(
        rates_per_hour=(65_000,),
        hours=1,
        agents=893,
        concurrency=3,
        bot_containment=0.7,
        aht_s=420,
        target_s=20,
        warmup_h=0.25,
    )
    peak_result, peak_time = timed(lambda: simulate(peak))
    peak_figures = peak_result.to_dict()
    peak_figures.pop("hourly")
    return {
        "steady_vs_erlang_c": {
            **timing,
            "hours": hours,
            "simulated": figures,
            "erlang_c": {
                "service_level": round(expected.service_level, 4),
                "occupancy": round(expected.occupancy, 4),
                "asa_s": round(expected.asa_s, 2),
            },
            "customers_per_cpu_second": round(figures["offered"] / (timing["cpu_ms"] / 1000)),
        },
        "peak_hour_65000": {**peak_time, "simulated": peak_figures},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and shorter runs")
    args = parser.parse_args()
    result = {
        "benchmark": "planning",
        "quick": args.quick,
        "machine": machine(),
        "staffing": bench_staffing(args.quick),
        "forecast": bench_forecast(args.quick),
        "simulation": bench_simulation(args.quick),
    }
    path = write_result("planning.json", result)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
