"""CPU per bot turn, in process, and where it goes (cProfile).

Builds the app's container on a fresh SQLite file (bot on, demo business system), starts N
conversations and sends each two customer messages, one at a time, waiting after each until
both lanes are idle (the bot's turn runs on the queued lane). Reports process CPU
(`time.process_time`, every thread):

* `cpu_ms_per_message_and_turn`: storing the customer message, its realtime deliveries and
  the bot's whole turn (understanding, decision, reply, turn record, their events);
* `cpu_ms_per_turn`: inside `BotActions.take_turn` (the reply's own writes and deliveries
  included, since the benchmark is sequential);
* with `--fresh`, messages are held-out paraphrases of the demo knowledge base, each sent
  once, so the encoder runs for every turn (the default repeats six load questions, which
  the encoder's cache serves after the warm-up: the turn without the encoder).

With `--profile`, the functions that take the most cumulative time.

    python benchmarks/profile_bot_turn.py [--turns 300] [--fresh] [--profile] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bot import CUSTOMERS, LOAD_QUESTIONS


def _questions(fresh: bool, turns: int) -> list[str]:
    if not fresh:
        # conversation j asks load questions j and j + 3, as before
        return [LOAD_QUESTIONS[(i // 2 + 3 * (i % 2)) % 6] for i in range(turns)]
    from kefu.knowledge.demo import heldout_questions

    pool = [q for qs in heldout_questions().values() for q in qs]
    pool += [f"{q}？" for q in pool] + [f"请问{q}" for q in pool]
    return [pool[i % len(pool)] for i in range(turns)]


async def _run(url: str, turns: int, fresh: bool, profile: bool) -> dict[str, Any]:
    from kefu import bootstrap
    from kefu.services import conversations as conv
    from kefu.settings import Settings

    settings = Settings(
        env="test",
        secret_key="benchmark-secret-0123456789abcdef0123456789abcdef",  # type: ignore[arg-type]
        database_url=url,
        log_json=False,
        log_level="WARNING",
        auto_assign=False,
        bot_enabled=True,
    )
    container = bootstrap.build(settings)
    await container.start()
    bot = container.bot
    ctx = container.ctx
    actions = bot.actions
    spent = {"turn": 0.0, "turns": 0}
    original = actions.take_turn

    async def timed_turn(event: Any) -> None:
        at = time.process_time()
        try:
            await original(event)
        finally:
            spent["turn"] += time.process_time() - at
            spent["turns"] += 1

    actions.take_turn = timed_turn  # type: ignore[method-assign]

    async def one_round(questions: list[str]) -> tuple[int, float]:
        done, cpu = 0, 0.0
        for i in range(0, len(questions), 2):
            started = await conv.start_conversation(
                ctx, conv.CustomerInfo(external_id=CUSTOMERS[(i // 2) % len(CUSTOMERS)])
            )
            cid = started.conversation.id
            await container.settle()
            for question in questions[i : i + 2]:
                at = time.process_time()
                await conv.post_customer_message(ctx, cid, question, None)
                await container.settle()
                cpu += time.process_time() - at
                done += 1
        return done, cpu

    await one_round(_questions(False, 20))  # warm-up: caches, the matcher's index
    spent.update(turn=0.0, turns=0)
    statements = {"all": 0, "begin": 0}
    kinds: Counter[str] = Counter()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements["all"] += 1
        kinds[" ".join(statement.split())[:90]] += 1
        statements["begin"] += statement.lstrip()[:5].upper() == "BEGIN"

    from sqlalchemy import event as sa_event

    sa_event.listen(container.engine.sync_engine, "before_cursor_execute", count)
    planned = {"jobs": 0}
    plan = container.jobs.plan

    def counted_plan(events: Any) -> Any:
        jobs = plan(events)
        planned["jobs"] += len(jobs)
        return jobs

    container.jobs.plan = counted_plan  # type: ignore[method-assign]
    encoded_before = container.nlu.encoded
    profiler = cProfile.Profile() if profile else None
    wall = time.perf_counter()
    if profiler:
        profiler.enable()
    done, cpu = await one_round(_questions(fresh, turns))
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - wall
    encoded = container.nlu.encoded - encoded_before
    await container.stop()
    result: dict[str, Any] = {
        "turns": done,
        "fresh_messages": fresh,
        "encoder": container.nlu.uses_encoder,
        "messages_encoded": encoded,
        "cpu_ms_per_message_and_turn": round(cpu * 1000 / done, 2),
        "cpu_ms_per_turn": round(spent["turn"] * 1000 / max(1, spent["turns"]), 2),
        "wall_ms_per_message_and_turn": round(wall * 1000 / done, 2),
        # both per customer message, its turn included; a conversation start every 2
        "sql_statements_per_message": round(statements["all"] / done, 1),
        "transactions_per_message": round(statements["begin"] / done, 1),
        "queued_jobs_per_message": round(planned["jobs"] / done, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    result["statements"] = {k: round(n / done, 2) for k, n in kinds.most_common(40)}
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("PROFILE_SORT", "cumulative")
        ).print_stats(60)
        result["profile"] = out.getvalue()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--fresh", action="store_true", help="every message new (encoder runs)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--statements", action="store_true", help="SQL statements per message")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    from kefu.adapters.db import migrate

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/profile.db"
        migrate.upgrade(url)
        result = asyncio.run(_run(url, args.turns, args.fresh, args.profile))
    profile = result.pop("profile", None)
    kinds = result.pop("statements")
    if args.statements:
        for text, per_message in kinds.items():
            print(f"{per_message:6.2f}  {text}")
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if profile:
        print(profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
