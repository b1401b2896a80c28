"""Memory of idle WebSocket streams: 1,000 customers, each with a conversation and an open
stream, none of them talking. Reports the server's resident memory (VmRSS from /proc; psutil
is not a dependency) before and after the streams are opened.

    python benchmarks/bench_ws_idle.py                  # 1,000 streams, SQLite
    python benchmarks/bench_ws_idle.py --streams 200    # fewer
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from _server import HttpConnection, KefuServer, machine, raise_open_files_limit, write_result

TARGET_MIB = 300.0
BATCH = 50


async def start_conversations(server: KefuServer, count: int) -> list[dict[str, Any]]:
    connections = [await HttpConnection(server.host, server.port).connect() for _ in range(20)]
    started: list[dict[str, Any]] = []

    async def starter(http: HttpConnection, indices: range) -> None:
        for i in indices:
            status, body = await http.request(
                "POST", "/api/v1/public/conversations", {"name": f"idle {i}"}
            )
            if status != 201:
                raise RuntimeError(f"start conversation: HTTP {status} {body[:200]!r}")
            started.append(json.loads(body))

    await asyncio.gather(
        *(starter(http, range(n, count, len(connections))) for n, http in enumerate(connections))
    )
    for http in connections:
        await http.close()
    return started


async def open_stream(
    server: KefuServer, conversation: dict[str, Any], compression: str | None
) -> ClientConnection:
    url = (
        f"{server.ws_url}/api/v1/public/conversations/{conversation['conversation_id']}"
        f"/stream?token={conversation['customer_token']}"
    )
    ws = await connect(url, compression=compression, open_timeout=30)
    first = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
    if first.get("type") != "status":
        raise RuntimeError(f"expected a status frame first, got {first}")
    return ws


async def server_connections(server: KefuServer) -> int:
    http = await HttpConnection(server.host, server.port).connect()
    try:
        status, body = await http.request("GET", "/metrics")
    finally:
        await http.close()
    match = re.search(rb"^kefu_websocket_connections (\d+(?:\.\d+)?)", body, re.MULTILINE)
    if status != 200 or match is None:
        return -1
    return int(float(match.group(1)))


async def wait_for_connections(server: KefuServer, expected: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while True:
        seen = await server_connections(server)
        if seen == expected or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.1)


async def measure(server: KefuServer, streams: int, compression: str | None) -> dict[str, Any]:
    rss: dict[str, float] = {"after_start": server.rss_kib() / 1024}
    conversations = await start_conversations(server, streams)
    rss["before_streams"] = server.rss_kib() / 1024

    opened: list[ClientConnection] = []
    began = time.perf_counter()
    for batch in range(0, streams, BATCH):
        opened += await asyncio.gather(
            *(open_stream(server, c, compression) for c in conversations[batch : batch + BATCH])
        )
    open_seconds = time.perf_counter() - began
    connected = await wait_for_connections(server, streams)
    rss["with_streams_open"] = server.rss_kib() / 1024
    # Still alive and served: one stream gets a message live.
    probe = conversations[0]
    http = await HttpConnection(server.host, server.port).connect()
    status, _ = await http.request(
        "POST",
        f"/api/v1/public/conversations/{probe['conversation_id']}/messages",
        {"text": "still there?", "client_id": "probe"},
        {"Authorization": f"Bearer {probe['customer_token']}"},
    )
    await http.close()
    live = json.loads(await asyncio.wait_for(opened[0].recv(), timeout=10))
    live_ok = status == 201 and live.get("type") == "message"

    for batch in range(0, len(opened), BATCH):
        await asyncio.gather(*(ws.close() for ws in opened[batch : batch + BATCH]))
    after_close = await wait_for_connections(server, 0)
    rss["after_streams_closed"] = server.rss_kib() / 1024
    delta = rss["with_streams_open"] - rss["before_streams"]
    return {
        "streams": streams,
        "server_saw_connections": connected,
        "server_connections_after_close": after_close,
        "live_message_delivered": live_ok,
        "open_seconds": round(open_seconds, 2),
        "rss_mib": {k: round(v, 1) for k, v in rss.items()},
        "rss_delta_mib": round(delta, 1),
        "kib_per_stream": round(delta * 1024 / streams, 1),
    }


def print_table(result: dict[str, Any]) -> None:
    r = result["result"]
    print(f"\nkefu idle WebSocket streams — {r['streams']} streams, {result['config']['database']}")
    for name, value in r["rss_mib"].items():
        print(f"  server RSS {name.replace('_', ' '):<22} {value:8.1f} MiB")
    print(
        f"  delta for the streams            {r['rss_delta_mib']:8.1f} MiB "
        f"({r['kib_per_stream']} KiB per stream)"
    )
    print(
        f"  server saw {r['server_saw_connections']} connections; opened in "
        f"{r['open_seconds']} s; live message delivered: {r['live_message_delivered']}"
    )
    verdict = "met" if result["target_met"] else "NOT met"
    print(f"  target: < {TARGET_MIB:g} MiB with the streams open — {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--database", help="default: SQLite in a temporary directory")
    parser.add_argument(
        "--compression",
        choices=["deflate", "none"],
        default="deflate",
        help="permessage-deflate as browsers negotiate it (default), or none",
    )
    parser.add_argument(
        "--output", help="file name under benchmarks/results (default: ws_idle[_quick].json)"
    )
    parser.add_argument("--quick", action="store_true", help="200 streams (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.streams = 200
    limit = raise_open_files_limit(args.streams * 2 + 512)
    with KefuServer(args.database) as server:
        compression = None if args.compression == "none" else "deflate"
        measured = asyncio.run(measure(server, args.streams, compression))
    result = {
        "benchmark": "ws_idle",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "config": {
            "database": args.database or "sqlite (temporary file)",
            "client_compression": args.compression,
            "open_files_limit": limit,
            "server": "kefu serve, 1 process, log level WARNING",
        },
        "result": measured,
        "target_mib": TARGET_MIB,
        "target_met": measured["rss_mib"]["with_streams_open"] < TARGET_MIB
        and measured["server_saw_connections"] == args.streams,
    }
    default = "ws_idle_quick.json" if args.quick else "ws_idle.json"
    path = write_result(args.output or default, result)
    print_table(result)
    print(f"  → {path}")
    return 0 if measured["server_saw_connections"] == args.streams else 1


if __name__ == "__main__":
    raise SystemExit(main())
