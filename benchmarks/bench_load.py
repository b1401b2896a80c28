"""A busy Monday: N customers with their streams open, two agents answering.

Every customer starts a conversation, opens its WebSocket stream and then writes a message
every 3–10 s (uniformly random think time). One in five asks for a person after the first
message; two agents (the demo team's Lin Na and Chen Wei) are online, and answer and resolve
whatever is assigned to them. Measures message POST latency (p50/p99), errors and
timeouts, and the server's RSS and CPU. Bounded in time, loopback only; run it nice'd:

    nice -n 10 python benchmarks/bench_load.py                       # 300 and 1,000, SQLite
    nice -n 10 python benchmarks/bench_load.py --customers 300 --seconds 60
    nice -n 10 python benchmarks/bench_load.py --database postgresql://postgres@127.0.0.1/kefu_bench

The server runs with the abuse limits off (`KEFU_RATE_LIMITS=false`): every customer here
comes from 127.0.0.1, which the per-address limits would otherwise count as one visitor.
Writes benchmarks/results/load_<database>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import time
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.client import connect

from _server import (
    HttpConnection,
    KefuServer,
    cpu_seconds,
    machine,
    percentiles,
    raise_open_files_limit,
    rss_kib,
    write_result,
)

REQUEST_TIMEOUT_S = 30.0
AGENTS = ("lina@kefu.local", "wei@kefu.local")
DEMO_PASSWORD = "kefu-demo-2026"


async def call(
    http: HttpConnection,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """A request; an idle keep-alive connection the server closed is opened again (every
    request here is safe to repeat: messages carry a client_id)."""
    try:
        return await http.request(method, path, body, headers)
    except (asyncio.IncompleteReadError, ConnectionError):
        await http.close()
        return await http.request(method, path, body, headers)


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.timeouts = 0
        self.frames = 0
        self.handovers = 0
        self.agent_replies = 0
        self.first_error: str | None = None
        self.started = 0
        self.streams = 0

    def error(self, what: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or what


async def customer(
    server: KefuServer, index: int, stop_at: float, tally: Tally, rng: random.Random
) -> None:
    http = await HttpConnection(server.host, server.port).connect()
    try:
        status, body = await call(
            http, "POST", "/api/v1/public/conversations", {"name": f"load {index}"}
        )
        if status != 201:
            tally.error(f"start: HTTP {status} {body[:120]!r}")
            return
        started = json.loads(body)
        cid, token = started["conversation_id"], started["customer_token"]
        url = f"{server.ws_url}/api/v1/public/conversations/{cid}/stream?token={token}"
        tally.started += 1
        ws = await connect(url, open_timeout=60, max_queue=None)
        tally.streams += 1

        async def read() -> None:
            async for _ in ws:
                tally.frames += 1

        reader = asyncio.create_task(read())
        auth = {"Authorization": f"Bearer {token}"}
        wants_person = rng.random() < 0.2
        n = 0
        try:
            while True:
                await asyncio.sleep(rng.uniform(3.0, 10.0))
                if time.monotonic() >= stop_at:
                    return
                n += 1
                began = time.monotonic()
                try:
                    status, body = await asyncio.wait_for(
                        call(
                            http,
                            "POST",
                            f"/api/v1/public/conversations/{cid}/messages",
                            {"text": f"我的订单 {index} 什么时候到？({n})", "client_id": f"{n}"},
                            auth,
                        ),
                        REQUEST_TIMEOUT_S,
                    )
                except TimeoutError:
                    tally.timeouts += 1
                    await http.close()
                    continue
                tally.latencies.append(time.monotonic() - began)
                if status != 201:
                    tally.error(f"post: HTTP {status} {body[:120]!r}")
                if wants_person and n == 1:
                    status, _ = await call(
                        http, "POST", f"/api/v1/public/conversations/{cid}/handover", None, auth
                    )
                    tally.handovers += status == 200
        finally:
            reader.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await ws.close()
                await reader
    finally:
        await http.close()


async def agent(server: KefuServer, email: str, stop_at: float, tally: Tally) -> None:
    http = await HttpConnection(server.host, server.port).connect()
    status, body = await call(
        http, "POST", "/api/v1/agent/login", {"email": email, "password": DEMO_PASSWORD}
    )
    if status != 200:
        tally.error(f"agent login: HTTP {status} {body[:120]!r}")
        return
    auth = {"Authorization": f"Bearer {json.loads(body)['token']}"}
    await call(http, "PUT", "/api/v1/agent/me/presence", {"presence": "online"}, auth)
    replied: dict[str, int] = {}
    while time.monotonic() < stop_at:
        status, body = await call(http, "GET", "/api/v1/agent/conversations", None, auth)
        mine = json.loads(body)["conversations"] if status == 200 else []
        for c in mine:
            cid = c["id"]
            replied[cid] = replied.get(cid, 0) + 1
            if replied[cid] >= 3:
                await call(http, "POST", f"/api/v1/agent/conversations/{cid}/resolve", None, auth)
                continue
            status, _ = await call(
                http,
                "POST",
                f"/api/v1/agent/conversations/{cid}/messages",
                {"text": "您好，我来帮您查一下。"},
                auth,
            )
            tally.agent_replies += status == 201
            await asyncio.sleep(1.0)  # a person types
        await asyncio.sleep(2.0)
    await http.close()


async def run_once(
    database: str | None, customers: int, seconds: float, seed: int
) -> dict[str, Any]:
    env = {"KEFU_RATE_LIMITS": "false"}
    with KefuServer(database, env=env, demo=True, ready_timeout_s=120) as server:
        rng = random.Random(seed)
        tally = Tally()
        ramp_s = min(30.0, customers / 40)
        stop_at = time.monotonic() + ramp_s + seconds
        cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
        rss_peak = 0

        async def sample() -> None:
            nonlocal rss_peak
            while time.monotonic() < stop_at:
                rss_peak = max(rss_peak, rss_kib(server.pid))
                await asyncio.sleep(1.0)

        async def staggered(i: int) -> None:
            await asyncio.sleep(ramp_s * i / customers)
            await customer(server, i, stop_at, tally, random.Random(rng.random()))

        tasks = [asyncio.create_task(staggered(i)) for i in range(customers)]
        tasks += [asyncio.create_task(agent(server, email, stop_at, tally)) for email in AGENTS]
        tasks.append(asyncio.create_task(sample()))
        outcomes = await asyncio.wait_for(
            asyncio.gather(*tasks, return_exceptions=True), ramp_s + seconds + 120
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                tally.error(f"client task: {outcome!r}")
        wall = time.monotonic() - t0
        cpu = cpu_seconds(server.pid) - cpu0
        log = server.log_tail(2000)
    return {
        "customers": customers,
        "seconds": seconds,
        "conversations_started": tally.started,
        "streams_opened": tally.streams,
        "posts": len(tally.latencies),
        "post_latency_s": percentiles(tally.latencies),
        "errors": tally.errors,
        "timeouts": tally.timeouts,
        "first_error": tally.first_error,
        "handovers": tally.handovers,
        "agent_replies": tally.agent_replies,
        "stream_frames": tally.frames,
        "server_rss_peak_mib": round(rss_peak / 1024, 1),
        "server_cpu_s": round(cpu, 1),
        "server_cpu_share": round(cpu / wall, 2),
        "sla_tick_failures": log.count("SLA tick failed"),
        "handover_refusals": log.count("cannot hand over"),
        "server_errors": [line for line in log.splitlines() if "Error" in line][:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, action="append", help="default: 300 and 1000")
    parser.add_argument("--seconds", type=float, default=120.0, help="measured time per run")
    parser.add_argument("--database", help="a PostgreSQL URL (emptied); default SQLite")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    raise_open_files_limit(8192)
    runs = []
    for count in args.customers or [300, 1000]:
        if args.database:
            _reset_postgres(args.database)
        result = asyncio.run(run_once(args.database, count, args.seconds, args.seed))
        print(json.dumps(result, ensure_ascii=False))
        runs.append(result)
    kind = "postgres" if args.database else "sqlite"
    path = write_result(
        f"load_{kind}.json",
        {
            "benchmark": "load",
            "database": kind,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "runs": runs,
        },
    )
    print(f"wrote {path}")
    return 0


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
