"""Open-loop peak: how many new conversations a second kefu holds with the bot answering.

Conversations arrive at a fixed rate. Each customer opens a conversation and its WebSocket
stream, then sends 3–5 questions with 3–10 s of thinking between them, and waits for the
bot's reply to each on the stream (latency: POST sent → first bot message after it). A rate
holds when p99 of the bot's reply < 500 ms and nothing failed (every POST 201, every reply
within 10 s). Rates are tried in increasing order until one does not hold.

    python benchmarks/bench_peak.py                        # one process on SQLite
    python benchmarks/bench_peak.py --rates 2,4,6 --arrivals 20
    python benchmarks/bench_peak.py --two-instances --database postgresql://…/kefu --redis redis://…/4

`--two-instances` runs two `kefu serve` processes on one PostgreSQL database and one Redis,
behind a round-robin TCP proxy inside this script (each connection goes to the next
instance, so a customer's stream and posts often land on different instances). Only
loopback; the servers run under `nice`. The server CPU used per bot reply is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.client import connect

from _server import HttpConnection, KefuServer, free_port, machine, percentiles, write_result

TARGET_P99_MS = 500.0
REPLY_TIMEOUT_S = 10.0
#: Questions the demo knowledge base answers at once (no hand-over, no multi-step flow).
QUESTIONS = (
    "怎么查看历史订单？",
    "起送价是多少？",
    "配送费是怎么算的？",
    "每天几点开始送餐？几点结束？",
    "下雨天配送会变慢吗？",
    "能送到校外吗？",
    "宿舍楼下取餐点在哪里？",
    "校门口外卖柜怎么用？",
    "外卖柜取餐码在哪里看？",
    "支持哪些支付方式？",
    "怎么给商家备注口味？",
    "可以预约送达时间吗？",
)


@dataclass
class Step:
    rate: float
    replies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conversations: int = 0
    server_cpu_s: float = 0.0
    wall_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        p = percentiles(self.replies_ms)
        replies = len(self.replies_ms)
        return {
            "rate_per_s": self.rate,
            "conversations": self.conversations,
            "bot_replies": replies,
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            "reply_latency_ms": p,
            "server_cpu_pct": round(100 * self.server_cpu_s / self.wall_s, 1),
            "server_cpu_ms_per_reply": (
                round(1000 * self.server_cpu_s / replies, 2) if replies else None
            ),
            "holds": not self.errors and p["p99"] is not None and p["p99"] < TARGET_P99_MS,
        }


async def post(host: str, port: int, path: str, body: Any, headers: Any = None) -> Any:
    """One request on a fresh connection: a customer thinking for 10 s outlives keep-alive."""
    http = HttpConnection(host, port)
    try:
        status, raw = await http.request("POST", path, body, headers)
    finally:
        await http.close()
    if status != 201:
        raise RuntimeError(f"POST {path.rsplit('/', 1)[-1]}: HTTP {status}")
    return json.loads(raw)


async def customer(host: str, port: int, rng: random.Random, step: Step) -> None:
    try:
        started = await post(host, port, "/api/v1/public/conversations", {})
        cid, token = started["conversation_id"], started["customer_token"]
        headers = {"Authorization": f"Bearer {token}"}
        url = f"ws://{host}:{port}/api/v1/public/conversations/{cid}/stream?token={token}"
        bot_seqs: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
        async with connect(url, max_queue=None) as ws:

            async def read() -> None:
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "message" and frame["message"]["sender"] == "bot":
                        bot_seqs.put_nowait((frame["message"]["seq"], time.perf_counter()))

            reader = asyncio.create_task(read())
            try:
                for question in rng.sample(QUESTIONS, rng.randint(3, 5)):
                    await asyncio.sleep(rng.uniform(3, 10))
                    sent = time.perf_counter()
                    sent_message = await post(
                        host,
                        port,
                        f"/api/v1/public/conversations/{cid}/messages",
                        {"text": question, "client_id": f"q-{sent}"},
                        headers,
                    )
                    seq = sent_message["seq"]
                    deadline = sent + REPLY_TIMEOUT_S
                    while True:
                        remaining = deadline - time.perf_counter()
                        if remaining <= 0:
                            raise RuntimeError("no bot reply within 10 s")
                        bot_seq, at = await asyncio.wait_for(bot_seqs.get(), remaining)
                        if bot_seq > seq:
                            step.replies_ms.append((at - sent) * 1000)
                            break
            finally:
                reader.cancel()
    except Exception as exc:
        step.errors.append(f"{type(exc).__name__}: {exc}")


async def run_step(
    host: str, port: int, rate: float, arrivals: int, cpu: Any, seed: int
) -> dict[str, Any]:
    step = Step(rate)
    rng = random.Random(seed)
    cpu_before, wall_before = cpu(), time.perf_counter()
    tasks = []
    for n in range(arrivals):
        tasks.append(asyncio.create_task(customer(host, port, random.Random(rng.random()), step)))
        step.conversations += 1
        await asyncio.sleep(max(0.0, wall_before + (n + 1) / rate - time.perf_counter()))
    await asyncio.gather(*tasks)
    step.server_cpu_s, step.wall_s = cpu() - cpu_before, time.perf_counter() - wall_before
    return step.summary()


# ---- a round-robin TCP proxy for two instances ----------------------------------------------


async def start_proxy(backends: list[tuple[str, int]]) -> tuple[asyncio.Server, int]:
    turn = itertools.cycle(backends)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = next(turn)
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    port = free_port()
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    return server, port


async def measure(args: argparse.Namespace, servers: list[KefuServer]) -> list[dict[str, Any]]:
    proxy = None
    if len(servers) > 1:
        proxy, port = await start_proxy([(s.host, s.port) for s in servers])
        host = "127.0.0.1"
    else:
        host, port = servers[0].host, servers[0].port
    steps: list[dict[str, Any]] = []
    try:
        for n, rate in enumerate(args.rates):
            arrivals = max(args.arrivals, int(rate * args.min_seconds))
            print(f"… {rate:g} conversations/s, {arrivals} conversations", flush=True)
            result = await run_step(
                host, port, rate, arrivals, lambda: sum(s.cpu_seconds() for s in servers), n
            )
            steps.append(result)
            p99 = result["reply_latency_ms"]["p99"]
            print(
                f"  p99 {p99 if p99 is None else round(p99, 1)} ms, errors {result['errors']}, "
                f"{result['server_cpu_ms_per_reply']} ms server CPU per reply, "
                f"{'holds' if result['holds'] else 'does NOT hold'}",
                flush=True,
            )
            if not result["holds"]:
                break
    finally:
        if proxy is not None:
            proxy.close()
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="1,2,4,6,9,12,18", help="conversations/s, ascending")
    parser.add_argument("--arrivals", type=int, default=40, help="conversations per rate (min)")
    parser.add_argument("--min-seconds", type=float, default=10, help="of arrivals per rate")
    parser.add_argument("--database", help="default: SQLite in a temporary directory")
    parser.add_argument("--redis", help="Redis URL (needed for --two-instances)")
    parser.add_argument("--two-instances", action="store_true")
    parser.add_argument("--output", help="under benchmarks/results; default peak[_two].json")
    args = parser.parse_args(argv)
    args.rates = [float(r) for r in args.rates.split(",")]
    if args.two_instances and not (args.database and args.redis):
        parser.error("--two-instances needs --database postgresql://… and --redis redis://…")
    env = {"KEFU_AUTO_ASSIGN": "false"}
    if args.redis:
        env["KEFU_REDIS_URL"] = args.redis
    count = 2 if args.two_instances else 1
    servers = [KefuServer(args.database, env=env) for _ in range(count)]
    with contextlib.ExitStack() as stack:
        for server in servers:
            stack.enter_context(server)
        steps = asyncio.run(measure(args, servers))
    held = [s["rate_per_s"] for s in steps if s["holds"]]
    result = {
        "benchmark": "peak",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "config": {
            "instances": count,
            "database": "sqlite (temporary file)" if args.database is None else "postgresql",
            "redis": bool(args.redis),
            "think_s": [3, 10],
            "messages_per_conversation": [3, 5],
            "target_p99_ms": TARGET_P99_MS,
        },
        "steps": steps,
        "highest_rate_held_per_s": max(held) if held else None,
    }
    path = write_result(
        args.output or ("peak_two.json" if args.two_instances else "peak.json"), result
    )
    print(
        f"highest arrival rate held: {result['highest_rate_held_per_s']} conversations/s → {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
