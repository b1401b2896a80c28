"""Insight report latency after 1 M and 10 M journey events, on SQLite and PostgreSQL.

    nice -n 10 .venv/bin/python benchmarks/bench_insight.py [--sizes 1000000 10000000]
        [--postgres postgresql://postgres@127.0.0.1:5432/kefu_bench] [--raw]

Journey events are generated in bulk (about 10 per conversation, over 30 days, 4 entry
points, 3 channels, menus 1–3 levels deep, bot answers, hand-overs, suggestions) and folded by
the same pure code the live tracker runs (`summary.fold`, `settle`, `rollup.contributions`);
their rollup rows are written in bulk. A report (`GET /api/v1/insight/journeys`: indicators
and funnel, plus one heat-map) then reads only the rollups, so its latency depends on the
number of rollup rows, not of events. `--raw` also stores every raw journey event (10 M rows
is several GB on SQLite, so it is off by default). Measures wall and CPU time; writes
benchmarks/results/insight.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import delete, func, select

from kefu.adapters.db import tables_insight as ti
from kefu.adapters.db.engine import create_engine
from kefu.adapters.db.insight_store import SqlInsightStore
from kefu.adapters.db.tables import metadata
from kefu.insight import rollup
from kefu.insight import summary as sm
from kefu.insight.handlers import JourneyTracker
from kefu.insight.model import JourneyEvent, Step
from kefu.insight.ports import Filters

RESULTS = Path(__file__).parent / "results" / "insight.json"
ACCOUNT = "bench"
START = datetime(2026, 11, 1, tzinfo=UTC)
ENTRIES = ("order_page", "home", "app_menu", "direct")
CHANNELS = ("web_widget", "app", "api")
NODES = {1: ("orders", "refunds", "payments", "delivery", "account"),
         2: ("order-status", "refund-rules", "pay-failed", "dorm", "coupons", "invoice"),
         3: ("order-where", "refund-how", "locker-how", "coupon-how")}  # fmt: skip
INTENTS = ("order_status", "delivery_late", "refund", "payment_failed", "coupon", "invoice")


def conversation(rng: random.Random, n: int) -> list[JourneyEvent]:
    cid = f"c{n}"
    start = START + timedelta(seconds=rng.randrange(30 * 86400))
    t = 0.0

    def ev(step: Step, **fields: Any) -> JourneyEvent:
        return JourneyEvent(cid, start + timedelta(seconds=t), step, **fields)

    out = [ev(Step.ENTRY, customer_id=f"u{rng.randrange(n // 3 + 1)}",
              entry_point=rng.choice(ENTRIES), channel=rng.choice(CHANNELS))]  # fmt: skip
    out.append(ev(Step.SUGGESTIONS_SHOWN, action=rng.choice(("static", "contextual")),
                  items=("order-where", "refund-how", "coupon-how")))  # fmt: skip
    if rng.random() < 0.45:
        depth = rng.choice((1, 2, 2, 3))
        out.append(ev(Step.MENU, action="open", node="root", level=0))
        for level in range(1, depth + 1):
            t += rng.uniform(2, 9)
            node = rng.choice(NODES[level])
            out.append(ev(Step.MENU, action="click", node=node, level=level,
                          knowledge_id=node if level == 3 else None))  # fmt: skip
        if depth < 3 and rng.random() < 0.5:
            t += 3
            out.append(ev(Step.MENU, action="exit", node=out[-1].node, level=depth))
    if rng.random() < 0.7:
        t += rng.uniform(3, 30)
        out.append(ev(Step.QUESTION, node="1"))
        out.append(ev(Step.INTENT, intent=rng.choice(INTENTS), confidence=0.8))
        t += 1
        decision = rng.choices(("answer", "clarify", "unknown", "flow"), (6, 1, 1, 2))[0]
        out.append(ev(Step.BOT_REPLY, decision=decision,
                      knowledge_id="order-where" if decision == "answer" else None))  # fmt: skip
        if rng.random() < 0.15:
            out.append(ev(Step.SUGGESTION_CLICK, action="static", node="refund-how",
                          knowledge_id="refund-how", value=1.0))  # fmt: skip
    if rng.random() < 0.25:
        t += rng.uniform(5, 60)
        out.append(ev(Step.HANDOVER, action="explicit_request"))
        t += rng.uniform(10, 300)
        out.append(ev(Step.AGENT_REPLY))
        t += rng.uniform(60, 900)
        out.append(ev(Step.RESOLVED, action="agent"))
        if rng.random() < 0.4:
            out.append(ev(Step.RATED, value=float(rng.choice((2, 4, 5, 5)))))
    else:
        t += rng.uniform(20, 300)
        out.append(ev(Step.LEFT, action="bot"))
    return out


def generate(
    n_events: int, seed: int = 7
) -> tuple[dict[Any, dict[Any, list[float]]], int, int, float]:
    """Folds conversations until `n_events` journey events; returns rollups by dims."""
    rng = random.Random(seed)
    rolled: dict[Any, dict[Any, list[float]]] = {}
    events = conversations = 0
    now = (START + timedelta(days=40)).timestamp()
    cpu = time.process_time()
    while events < n_events:
        steps = conversation(rng, conversations)
        s = sm.new_summary(steps[0])
        for step in steps:
            sm.fold(s, step)
        sm.settle(s, now)
        row = rolled.setdefault((s.day, s.entry_point, s.channel), {})
        for key, (n, total) in rollup.contributions(s).items():
            acc = row.get(key)
            if acc is None:
                row[key] = [n, total]
            else:
                acc[0] += n
                acc[1] += total
        events += len(steps)
        conversations += 1
    return rolled, events, conversations, time.process_time() - cpu


async def write(url: str, rolled: dict[Any, dict[Any, list[float]]]) -> int:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(
            delete(ti.insight_rollups).where(ti.insight_rollups.c.account_id == ACCOUNT)
        )
        rows = [
            {"account_id": ACCOUNT, "day": d, "entry_point": e, "channel": c, "metric": m,
             "key": k[:200], "n": n, "total": t}
            for (d, e, c), keys in rolled.items() for (m, k), (n, t) in keys.items()
        ]  # fmt: skip
        for start in range(0, len(rows), 20_000):
            await conn.execute(ti.insight_rollups.insert(), rows[start : start + 20_000])
        count = (await conn.execute(select(func.count()).select_from(ti.insight_rollups))).scalar()
    await engine.dispose()
    return int(count or 0)


async def time_reports(url: str, repeats: int = 7) -> dict[str, Any]:
    engine = create_engine(url)
    store = SqlInsightStore(engine)
    results: dict[str, Any] = {}
    cases = {
        "all_30_days": Filters(),
        "one_week_one_entry_point": Filters("2026-11-08", "2026-11-14", "order_page"),
        "one_channel": Filters(channel="app"),
    }
    for name, filters in cases.items():
        walls, cpus = [], []
        for _ in range(repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            report = rollup.Report(await store.rollup(ACCOUNT, filters))
            indicators = report.indicators()
            report.funnel()
            report.heatmap("hour_weekday")
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        results[name] = {
            "wall_ms_median": round(statistics.median(walls) * 1000, 1),
            "wall_ms_max": round(max(walls) * 1000, 1),
            "cpu_ms_median": round(statistics.median(cpus) * 1000, 1),
            "conversations": indicators["conversations"],
            "self_service_rate": indicators["self_service_rate"],
        }
    await engine.dispose()
    return results


async def incremental(url: str, n_events: int) -> dict[str, Any]:
    """The live path: events through `JourneyTracker` (fold, settle, deltas, one SQL
    transaction per batch of 500) into a database that already holds the rollups."""
    engine = create_engine(url)
    store = SqlInsightStore(engine)
    now = START + timedelta(days=40)
    tracker = JourneyTracker(store, _NoKnowledge(), lambda: now, account_id=ACCOUNT, batch=500)
    rng = random.Random(11)
    steps: list[JourneyEvent] = []
    n = 10_000_000
    while len(steps) < n_events:
        steps.extend(conversation(rng, n))
        n += 1
    wall, cpu = time.perf_counter(), time.process_time()
    for batch_start in range(0, len(steps), 500):
        await tracker._apply(steps[batch_start : batch_start + 500])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await engine.dispose()
    return {
        "events": len(steps),
        "events_per_s": round(len(steps) / wall),
        "cpu_ms_per_event": round(cpu * 1000 / len(steps), 3),
    }


class _NoKnowledge:
    def is_entry(self, node: str) -> bool:
        return False

    def question(self, entry_id: str, language: str) -> str | None:
        return None

    def menu_level(self, entry_id: str) -> int | None:
        return None


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure as well")
    parser.add_argument(
        "--incremental", type=int, default=0,
        help="only measure N events through the live tracker and add them to the results",
    )  # fmt: skip
    args = parser.parse_args()
    if args.incremental:
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": []}
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/incremental.db"
            await write(url, {})
            targets = {"sqlite": url}
            if args.postgres:
                targets["postgresql"] = args.postgres
            previous["incremental"] = {
                backend: await incremental(target, args.incremental)
                for backend, target in targets.items()
            }
        print(json.dumps(previous["incremental"]))
        RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
        return
    out: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(), "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            rolled, events, conversations, fold_cpu = generate(size)
            targets = {"sqlite": f"sqlite:///{tmp}/bench-{size}.db"}
            if args.postgres:
                targets["postgresql"] = args.postgres
            for backend, url in targets.items():
                rows = await write(url, rolled)
                run = {
                    "backend": backend,
                    "journey_events": events,
                    "conversations": conversations,
                    "fold_cpu_s": round(fold_cpu, 1),
                    "fold_events_per_cpu_s": round(events / fold_cpu),
                    "rollup_rows": rows,
                    "report": await time_reports(url),
                }
                print(json.dumps(run), flush=True)
                out["runs"].append(run)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
