"""A Monday morning on PostgreSQL: many customers open their streams and write at once, and
the server answers every one of them without running out of database connections.

The pool here is deliberately small (4 connections, no overflow, 10 s wait): what a stream,
a message or a hand-over holds must be short enough that 150 customers opening their
streams and writing together all get through it.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.e2e._kefu import auth, customer_stream_url
from tests.e2e.conftest import ServerFactory

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CUSTOMERS = 150


async def _customer(server: object, http: httpx.AsyncClient, index: int) -> list[str]:
    """Start, open the stream, read the status frame, write twice; every fifth asks for a
    person. Returns what went wrong."""
    problems: list[str] = []
    started = await http.post("/api/v1/public/conversations", json={"name": f"monday {index}"})
    if started.status_code != 201:
        return [f"start: {started.status_code} {started.text[:120]}"]
    conversation = started.json()
    cid, token = conversation["conversation_id"], conversation["customer_token"]
    async with connect(customer_stream_url(server, conversation), open_timeout=60) as ws:  # type: ignore[arg-type]
        first = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
        if first.get("type") != "status":
            problems.append(f"stream: {first}")
        for n in range(2):
            posted = await http.post(
                f"/api/v1/public/conversations/{cid}/messages",
                json={"text": f"我的订单 {index} 什么时候到？", "client_id": f"m{n}"},
                headers=auth(token),
            )
            if posted.status_code != 201:
                problems.append(f"post: {posted.status_code} {posted.text[:120]}")
            if n == 0 and index % 5 == 0:
                asked = await http.post(
                    f"/api/v1/public/conversations/{cid}/handover", headers=auth(token)
                )
                if asked.status_code != 200:
                    problems.append(f"handover: {asked.status_code} {asked.text[:120]}")
    return problems


async def test_many_customers_opening_streams_and_writing_never_wait_out_the_pool(
    kefu_server: ServerFactory, fresh_postgres: str
) -> None:
    server = kefu_server(
        "monday",
        fresh_postgres,
        demo=True,
        extra_env={
            "KEFU_BOT_ENABLED": "true",
            "KEFU_DB_POOL_SIZE": "6",
            "KEFU_DB_POOL_OVERFLOW": "0",
            "KEFU_DB_POOL_TIMEOUT_S": "30",
        },
    )
    # Idle keep-alive connections are dropped before the server's own 5 s timeout closes them
    # under a request (a client-side error that would say nothing about the pool).
    limits = httpx.Limits(max_connections=100, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as http:
        outcomes = await asyncio.gather(
            *(_customer(server, http, i) for i in range(CUSTOMERS)), return_exceptions=True
        )
    problems = [
        p
        for outcome in outcomes
        for p in ([repr(outcome)] if isinstance(outcome, BaseException) else outcome)
    ]
    log = server.log_path.read_text(errors="replace")
    assert problems == [], problems[:5]
    assert "QueuePool limit" not in log
    assert "Traceback" not in log, server.log_tail()
