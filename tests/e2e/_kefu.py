"""Real `kefu serve` processes for end-to-end tests, and small client helpers.

The servers are started through a tiny launcher that wires only `kefu.web.cli` into argparse,
so the tests do not depend on every other feature package importing cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection

POSTGRES_URL = os.environ.get("KEFU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_SECRET = "e2e-secret-0123456789abcdef0123456789abcdef0123456789abcdef"
DEMO_PASSWORD = "kefu-demo-2026"
READY_TIMEOUT_S = 60.0
FRAME_TIMEOUT_S = 10.0

# Servers whose logs belong in a failure report (see conftest.pytest_runtest_makereport).
ACTIVE: list[KefuServer] = []


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(eq=False)
class KefuServer:
    """One `kefu serve` subprocess; `start()` returns once /readyz answers 200."""

    name: str
    database: str
    workdir: Path
    redis: str | None = None
    demo: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> KefuServer:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.starts += 1
        args = [sys.executable, "-m", "kefu", "serve", "--host", "127.0.0.1"]
        args += ["--port", str(self.port), "--database", self.database]
        if self.redis:
            args += ["--redis", self.redis]
        if self.demo:
            args.append("--demo")
        env = {
            **os.environ,
            "KEFU_ENV": "test",
            "KEFU_SECRET_KEY": TEST_SECRET,
            "KEFU_LOG_JSON": "false",
            "KEFU_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            # Tests of the plumbing count messages exactly; bot tests switch it back on.
            "KEFU_BOT_ENABLED": "false",
            "KEFU_RATE_LIMITS": "false",
            **self.extra_env,
        }
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start #{self.starts}: {' '.join(args[3:])}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                args, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        if self not in ACTIVE:
            ACTIVE.append(self)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT_S
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"kefu server {self.name} exited with {self.process.returncode} "
                        f"before it was ready:\n{self.log_tail()}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    if client.get(f"{self.base_url}/readyz").status_code == 200:
                        return
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"kefu server {self.name} not ready in time:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: the crash the server must survive."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if the server has not left within a few seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=8)
        except subprocess.TimeoutExpired:
            self.kill()

    def close(self) -> None:
        self.stop()
        with contextlib.suppress(ValueError):
            ACTIVE.remove(self)

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


# ---- client helpers ------------------------------------------------------------------------


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def start_conversation(http: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await http.post("/api/v1/public/conversations", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def post_customer_message(
    http: httpx.AsyncClient, conversation: dict[str, Any], text: str, client_id: str
) -> dict[str, Any]:
    response = await http.post(
        f"/api/v1/public/conversations/{conversation['conversation_id']}/messages",
        json={"text": text, "client_id": client_id},
        headers=auth(conversation["customer_token"]),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def list_customer_messages(
    http: httpx.AsyncClient, conversation: dict[str, Any], after: int = 0
) -> list[dict[str, Any]]:
    response = await http.get(
        f"/api/v1/public/conversations/{conversation['conversation_id']}/messages",
        params={"after": after},
        headers=auth(conversation["customer_token"]),
    )
    assert response.status_code == 200, response.text
    return list(response.json()["messages"])


async def login(http: httpx.AsyncClient, email: str) -> str:
    response = await http.post(
        "/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def customer_stream_url(server: KefuServer, conversation: dict[str, Any], after: int = 0) -> str:
    return (
        f"{server.ws_url}/api/v1/public/conversations/{conversation['conversation_id']}"
        f"/stream?token={conversation['customer_token']}&after={after}"
    )


async def recv_json(ws: ClientConnection, timeout: float = FRAME_TIMEOUT_S) -> dict[str, Any]:
    raw = await asyncio.wait_for(ws.recv(), timeout=timeout)
    return dict(json.loads(raw))


async def wait_for_frame(
    ws: ClientConnection,
    predicate: Callable[[dict[str, Any]], bool],
    *,
    seen: list[dict[str, Any]] | None = None,
    timeout: float = FRAME_TIMEOUT_S,
) -> dict[str, Any]:
    """Reads frames until one matches; every frame read is appended to `seen`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"no matching frame within {timeout}s; saw {seen!r}")
        try:
            frame = await recv_json(ws, timeout=left)
        except TimeoutError:
            raise AssertionError(f"no matching frame within {timeout}s; saw {seen!r}") from None
        if seen is not None:
            seen.append(frame)
        if predicate(frame):
            return frame


def is_message(client_id: str) -> Callable[[dict[str, Any]], bool]:
    def check(frame: dict[str, Any]) -> bool:
        return frame.get("type") == "message" and frame["message"].get("client_id") == client_id

    return check


# ---- a retry storm (used on one instance and across two) -----------------------------------

STORM_CONVERSATIONS = 5
STORM_RETRIES = 6
STORM_DISTINCT = 6


async def retry_storm(clients: list[httpx.AsyncClient]) -> None:
    """Every conversation gets concurrent retries of client_id "same" and some other
    messages, spread over `clients` (one per server instance)."""
    conversations = await asyncio.gather(
        *(start_conversation(clients[0], name=f"retry {i}") for i in range(STORM_CONVERSATIONS))
    )
    jobs = []
    for c in conversations:
        # The same client_id in every conversation: the key is per conversation.
        for r in range(STORM_RETRIES):
            jobs.append(
                post_customer_message(clients[r % len(clients)], c, "where is my order?", "same")
            )
        for n in range(STORM_DISTINCT):
            jobs.append(
                post_customer_message(clients[n % len(clients)], c, f"distinct {n}", f"d{n}")
            )
    answers: list[dict[str, Any]] = await asyncio.gather(*jobs)

    for c in conversations:
        mine = [a for a in answers if a["conversation_id"] == c["conversation_id"]]
        same = {(a["id"], a["seq"]) for a in mine if a["client_id"] == "same"}
        assert len(same) == 1, same
        stored = await list_customer_messages(clients[-1], c)
        assert sorted(m["client_id"] for m in stored) == sorted(
            ["same", *(f"d{n}" for n in range(STORM_DISTINCT))]
        )
        assert [m["seq"] for m in stored] == list(range(1, STORM_DISTINCT + 2))
        assert {(m["id"], m["seq"]) for m in stored if m["client_id"] == "same"} == same

        # A later retry with other text gets the message stored the first time.
        again = await clients[0].post(
            f"/api/v1/public/conversations/{c['conversation_id']}/messages",
            json={"text": "changed my mind", "client_id": "same"},
            headers=auth(c["customer_token"]),
        )
        assert again.status_code == 201, again.text
        assert (again.json()["id"], again.json()["text"]) == (
            next(iter(same))[0],
            "where is my order?",
        )


def client(server: KefuServer) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    return httpx.AsyncClient(base_url=server.base_url, timeout=20, limits=limits)
