"""`kefu simulate`: realistic synthetic traffic against a running server, through its public
and agent APIs only.

Customers arrive at a Poisson rate with peaks, ask questions of the demo intents in Chinese
or English, sometimes get upset, repeat themselves or ask for a person; simulated agents (the
demo team) log in, go online, reply after a reading delay and resolve after a handling time.
`--burst payment_failed@30s` makes that intent jump from 30 s on, as after a bad app release.
It prints a JSON summary of what it did, to compare with the live board.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import httpx

from kefu.cli import CliError

DEMO_AGENTS = ("lina@kefu.local", "wei@kefu.local", "emma@kefu.local", "lead@kefu.local")
DEMO_PASSWORD = "kefu-demo-2026"
UPSET = {"zh": "！！太慢了，气死了", "en": "!! this is ridiculous, so angry"}
HUMAN = {"zh": "转人工", "en": "I want to talk to a person"}


@dataclass
class Summary:
    customers: int = 0
    customer_messages: int = 0
    repeats: int = 0
    upset_messages: int = 0
    human_requests: int = 0
    closed_by_customer: int = 0
    agents_online: int = 0
    agent_replies: int = 0
    agent_resolved: int = 0
    errors: int = 0
    intents: Counter[str] = field(default_factory=Counter)
    burst: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["intents"] = dict(self.intents.most_common())
        return data


def load_templates() -> dict[str, dict[str, list[str]]]:
    """Demo intent examples by intent and language (ASCII text is English)."""
    raw = resources.files("kefu.nlu.demo").joinpath("demo_intents.csv").read_text("utf-8")
    out: dict[str, dict[str, list[str]]] = {}
    for row in csv.DictReader(raw.splitlines()):
        language = "en" if row["text"].isascii() else "zh"
        out.setdefault(row["label"], {"zh": [], "en": []})[language].append(row["text"])
    for skip in ("oos", "thanks", "greeting"):
        out.pop(skip, None)
    return out


def parse_burst(raw: str | None) -> tuple[str, float] | None:
    if not raw:
        return None
    intent, _, at = raw.partition("@")
    if not intent or not at.endswith("s"):
        raise CliError("--burst looks like payment_failed@30s")
    try:
        return intent, float(at[:-1])
    except ValueError as exc:
        raise CliError("--burst looks like payment_failed@30s") from exc


class Simulation:
    def __init__(self, http: httpx.AsyncClient, args: argparse.Namespace) -> None:
        self.http = http
        self.args = args
        self.rng = random.Random(args.seed)
        self.templates = load_templates()
        self.burst = parse_burst(args.burst)
        if self.burst and self.burst[0] not in self.templates:
            raise CliError(f"unknown intent {self.burst[0]!r}; one of {sorted(self.templates)}")
        self.summary = Summary()
        self.began = time.monotonic()
        self.customers: set[asyncio.Task[None]] = set()

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def pick_intent(self) -> str:
        if self.burst and self.elapsed() >= self.burst[1] and self.rng.random() < 0.6:
            return self.burst[0]
        weights = {"order_status": 5, "delivery_late": 4, "refund": 3, "payment_failed": 1}
        names = sorted(self.templates)
        return self.rng.choices(names, [weights.get(n, 1.5) for n in names])[0]

    async def run(self) -> dict[str, Any]:
        agents = [
            asyncio.create_task(self.agent(email)) for email in DEMO_AGENTS[: self.args.agents]
        ]
        deadline = self.args.duration
        while self.elapsed() < deadline:
            # Peaks: the arrival rate swings ±50 % over a minute, like lunch-time waves.
            rate = self.args.rate * (1 + 0.5 * math.sin(2 * math.pi * self.elapsed() / 60))
            await asyncio.sleep(self.rng.expovariate(max(rate, 0.01)))
            task = asyncio.create_task(self.customer())
            self.customers.add(task)
            task.add_done_callback(self.customers.discard)
        if self.customers:
            await asyncio.wait(list(self.customers), timeout=15)
        for task in agents:
            task.cancel()
        for task in agents:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.burst:
            self.summary.burst = {"intent": self.burst[0], "from_s": self.burst[1]}
        return self.summary.to_json()

    async def customer(self) -> None:
        rng, s = self.rng, self.summary
        language = "en" if rng.random() < 0.3 else "zh"
        try:
            started = await self.post("/api/v1/public/conversations", {"language": language})
            s.customers += 1
            cid, auth = (
                started["conversation_id"],
                {"Authorization": f"Bearer {started['customer_token']}"},
            )
            intent = self.pick_intent()
            texts = self.templates[intent][language] or self.templates[intent]["zh"]
            text = rng.choice(texts)
            if rng.random() < 0.15:
                text += UPSET[language]
                s.upset_messages += 1
            await self.say(cid, auth, text, intent)
            await asyncio.sleep(rng.uniform(1, 4))
            if rng.random() < 0.1:
                await self.say(cid, auth, text, intent)  # asked again: the answer did not help
                s.repeats += 1
            if intent == "human_agent" or rng.random() < 0.25:
                await self.say(cid, auth, HUMAN[language], "human_agent")
                s.human_requests += 1
            elif rng.random() < 0.3:
                await self.post(f"/api/v1/public/conversations/{cid}/close", {}, auth)
                s.closed_by_customer += 1
        except httpx.HTTPError:
            s.errors += 1

    async def say(self, cid: str, auth: dict[str, str], text: str, intent: str) -> None:
        await self.post(f"/api/v1/public/conversations/{cid}/messages", {"text": text}, auth)
        self.summary.customer_messages += 1
        self.summary.intents[intent] += 1

    async def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Any:
        response = await self.http.post(path, json=body, headers=headers)
        if response.status_code >= 400:
            self.summary.errors += 1
            response.raise_for_status()
        return response.json()

    async def agent(self, email: str) -> None:
        """Logs in, goes online and works its conversations: reply, then resolve."""
        rng = self.rng
        login = await self.post("/api/v1/agent/login", {"email": email, "password": DEMO_PASSWORD})
        auth = {"Authorization": f"Bearer {login['token']}"}
        await self.http.put("/api/v1/agent/me/presence", json={"presence": "online"}, headers=auth)
        self.summary.agents_online += 1
        replied: dict[str, float] = {}
        try:
            while True:
                await asyncio.sleep(rng.uniform(0.5, 1.5))
                mine = await self.http.get(
                    "/api/v1/agent/conversations", params={"scope": "mine"}, headers=auth
                )
                if mine.status_code != 200:
                    self.summary.errors += 1
                    continue
                for conversation in mine.json()["conversations"]:
                    cid = conversation["id"]
                    if conversation["status"] != "assigned":
                        continue
                    base = f"/api/v1/agent/conversations/{cid}"
                    if cid not in replied:
                        reply = {
                            "text": "您好，我来帮您处理 / Hello, I'm on it",
                            "client_id": f"sim-{cid}",
                        }
                        if (
                            await self.http.post(f"{base}/messages", json=reply, headers=auth)
                        ).status_code < 400:
                            self.summary.agent_replies += 1
                            replied[cid] = time.monotonic() + rng.uniform(3, 12)  # handling time
                    elif time.monotonic() >= replied[cid]:
                        if (
                            await self.http.post(f"{base}/resolve", headers=auth)
                        ).status_code < 400:
                            self.summary.agent_resolved += 1
                        del replied[cid]
        finally:
            with contextlib.suppress(httpx.HTTPError):
                await self.http.put(
                    "/api/v1/agent/me/presence", json={"presence": "offline"}, headers=auth
                )


def register(subparsers: Any) -> None:
    sim = subparsers.add_parser("simulate", help="drive a running server with synthetic traffic")
    sim.add_argument("--url", default="http://127.0.0.1:8000")
    sim.add_argument("--duration", type=float, default=60, help="seconds")
    sim.add_argument("--rate", type=float, default=2, help="new customers per second")
    sim.add_argument("--agents", type=int, default=3, help=f"1 to {len(DEMO_AGENTS)} demo agents")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument(
        "--burst", help="an intent that jumps from a moment on, e.g. payment_failed@30s"
    )
    sim.set_defaults(handler=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    if not 0 <= args.agents <= len(DEMO_AGENTS):
        raise CliError(f"--agents must be 0 to {len(DEMO_AGENTS)}")
    if args.duration <= 0 or args.rate <= 0:
        raise CliError("--duration and --rate must be positive")

    async def run() -> dict[str, Any]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=args.url, timeout=20, limits=limits) as http:
            try:
                (await http.get("/readyz")).raise_for_status()
            except httpx.HTTPError as exc:
                raise CliError(f"no kefu server ready at {args.url}: {exc}") from exc
            return await Simulation(http, args).run()

    print(json.dumps(asyncio.run(run()), ensure_ascii=False, indent=2))
    return 0
