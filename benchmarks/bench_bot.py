"""The bot: turn latency under load, and how many standard questions it resolves alone.

Part 1 — turn latency. A real `kefu serve` (SQLite, bot on, demo business system). N
customers at once each start a conversation, open its WebSocket, and ask a mix of questions
(order status and delivery, which call the business adapter, and knowledge questions); a
turn is timed from sending the message to the bot's reply arriving on the WebSocket, i.e.
language engine + business call + reply stored and pushed.

Part 2 — resolution. In-process, 500+ synthetic conversations of the demo business's
standard questions, asked as customers phrase them: half are phrasings the knowledge base
was written with, half held-out paraphrases it has never seen (`knowledge/demo/
heldout.yaml`). The simulated customer picks the order the bot offers, confirms, picks the
right candidate when the bot asks "which do you mean", and never asks for a person. A
conversation counts as resolved when it never reached a human and the bot answered with the
expected entry or flow. Separately, conversations the rules must hand over (complaints,
explicit requests, protected customers) are checked to be handed over.

    python benchmarks/bench_bot.py [--quick] [--customers 50] [--conversations 500]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import (
    HttpConnection,
    KefuServer,
    machine,
    percentiles,
    raise_open_files_limit,
    write_result,
)

DEMO = Path(__file__).resolve().parents[1] / "src" / "kefu" / "knowledge" / "demo"
CUSTOMERS = [f"stu-10{n:02d}" for n in range(1, 11)]
LOAD_QUESTIONS = [
    "我的外卖到哪了",
    "where is my order",
    "退款多久能到账",
    "how do I use the campus food lockers",
    "骑手电话多少",
    "优惠券怎么用",
]


# -- part 1: latency ------------------------------------------------------------------------


async def _customer(index: int, server: KefuServer, stop: float, latencies: list[float]) -> int:
    errors = 0
    http = await HttpConnection(server.host, server.port).connect()
    rng = random.Random(index)
    try:
        while time.perf_counter() < stop:
            ref = CUSTOMERS[index % len(CUSTOMERS)]
            status, body = await http.request(
                "POST", "/api/v1/public/conversations", {"external_id": ref}
            )
            if status != 201:
                errors += 1
                continue
            started = json.loads(body)
            cid, token = started["conversation_id"], started["customer_token"]
            url = f"{server.ws_url}/api/v1/public/conversations/{cid}/stream?token={token}"
            async with connect(url, max_queue=None) as ws:
                # Two questions per conversation: never "the same question four times".
                for question in rng.sample(LOAD_QUESTIONS, 2):
                    sent = time.perf_counter()
                    path = f"/api/v1/public/conversations/{cid}/messages"
                    status, body = await http.request(
                        "POST", path, {"text": question}, {"Authorization": f"Bearer {token}"}
                    )
                    if status != 201:
                        errors += 1
                        break
                    seq = json.loads(body)["seq"]
                    if await _bot_reply(ws, seq):
                        latencies.append((time.perf_counter() - sent) * 1000)
                    else:
                        errors += 1
    finally:
        await http.close()
    return errors


async def _bot_reply(ws: Any, after_seq: int) -> bool:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(10):
            async for raw in ws:
                frame = json.loads(raw)
                message = frame.get("message") or {}
                if (
                    frame.get("type") == "message"
                    and message.get("client_id") == f"bot:{after_seq}"
                ):
                    return True
    return False


async def _load(server: KefuServer, customers: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    # Warm-up: the first turns load caches; they are not measured.
    await _customer(10_000, server, time.perf_counter() + 2, [])
    cpu_before = server.cpu_seconds()
    stop = time.perf_counter() + seconds
    errors = await asyncio.gather(
        *(_customer(i, server, stop, latencies) for i in range(customers))
    )
    cpu = server.cpu_seconds() - cpu_before
    # Server CPU (user + system, from /proc) per bot turn: each turn is one customer message
    # (analysed, matched, answered, stored, pushed) plus its share of conversation starts.
    return {
        "server_cpu_s": round(cpu, 3),
        "server_cpu_ms_per_turn": round(cpu * 1000 / max(1, len(latencies)), 2),
        "customers": customers,
        "seconds": seconds,
        "turns": len(latencies),
        "errors": sum(errors),
        "turns_per_s": round(len(latencies) / seconds, 1),
        "latency_ms": percentiles(latencies),
    }


# -- part 2: resolution --------------------------------------------------------------------


def _cases(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """(text, expected entry id, kind) — kind 'phrasing' or 'heldout'."""
    entries = yaml.safe_load((DEMO / "knowledge.yaml").read_text(encoding="utf-8"))["entries"]
    heldout = yaml.safe_load((DEMO / "heldout.yaml").read_text(encoding="utf-8"))
    phrasings = [
        (text, e["id"], "phrasing")
        for e in entries
        if not e["id"].startswith("policy-")
        for text in [e["question"]["zh"], e["question"]["en"], *e.get("phrasings", [])]
    ]
    unseen = [
        (text, entry_id, "heldout")
        for entry_id, texts in heldout.items()
        if not entry_id.startswith("policy-")
        for text in texts
    ]
    # Every held-out paraphrase once (they are few), standard phrasings for the rest.
    unseen = rng.sample(unseen, min(len(unseen), n // 2))
    return rng.sample(phrasings, min(n - len(unseen), len(phrasings))) + unseen


def _converse(client: Any, container: Any, text: str, expected: str, ref: str) -> dict[str, Any]:
    from kefu.bot.rules import DEFAULT_ENTRY_FLOWS as FLOW_FOR_ENTRY

    response = client.post("/api/v1/public/conversations", json={"external_id": ref})
    started = response.json()
    cid, auth = started["conversation_id"], {"Authorization": f"Bearer {started['customer_token']}"}
    base = f"/api/v1/public/conversations/{cid}"
    portal = client.portal

    def send(body: dict[str, Any]) -> dict[str, Any] | None:
        sent = client.post(f"{base}/messages", json=body, headers=auth).json()
        portal.call(container.settle)
        found = client.get(f"{base}/messages", params={"after": sent["seq"]}, headers=auth).json()
        bot = [m for m in found["messages"] if m["sender"] == "bot"]
        return bot[-1] if bot else None

    portal.call(container.settle)
    reply = send({"text": text})
    first = (reply or {}).get("payload") or {}
    answered_with: set[str] = set()
    for _ in range(4):
        if reply is None:
            break
        payload = reply.get("payload") or {}
        if payload.get("knowledge_id"):
            answered_with.add(payload["knowledge_id"])
        if payload.get("kind") == "flow":
            answered_with.add(f"flow-of:{expected}")
        choices = [c for c in payload.get("choices", []) if c["value"] != "human"]
        if payload.get("kind") == "clarify":
            right = [c for c in choices if c["value"] == f"kb:{expected}"]
            if not right:
                break
            reply = send(
                {
                    "text": right[0]["label"],
                    "action": {"type": "choice", "value": right[0]["value"]},
                }
            )
        elif payload.get("kind") == "flow" and choices:
            pick = choices[0]
            reply = send(
                {"text": pick["label"], "action": {"type": "choice", "value": pick["value"]}}
            )
        elif payload.get("kind") == "flow" and not choices and "?" not in reply["text"][-2:]:
            break
        elif payload.get("kind") == "flow":
            reply = send({"text": "紫荆公寓 9 号楼 zhang@example.com 张伟"})
        else:
            break
    status = client.get(base, headers=auth).json()
    right = expected in answered_with or (
        expected in FLOW_FOR_ENTRY and f"flow-of:{expected}" in answered_with
    )
    # A confident wrong answer: the bot answered or acted at once, and not with what was asked.
    wrong = first.get("decision") in ("answer", "flow") and not right
    return {
        "status": status["status"],
        "reason": status["handover_reason"],
        "right": right,
        "wrong": wrong,
        "decision": first.get("decision"),
    }


def _resolution(n: int, seed: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from kefu.adapters.db import migrate
    from kefu.settings import Settings
    from kefu.web.app import create_app

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        settings = Settings(
            env="test",
            secret_key="benchmark-secret-0123456789abcdef0123456789abcdef",  # type: ignore[arg-type]
            database_url=url,
            log_json=False,
            log_level="WARNING",
            auto_assign=False,
            rate_limits=False,  # 500 conversations from one address in a minute
            bot_enabled=True,
        )
        with TestClient(create_app(settings)) as client:
            container = client.app.state.container  # type: ignore[attr-defined]
            by_kind: dict[str, Counter[str]] = {"phrasing": Counter(), "heldout": Counter()}
            reasons: Counter[str] = Counter()
            for text, expected, kind in _cases(rng, n):
                outcome = _converse(client, container, text, expected, rng.choice(CUSTOMERS))
                if _rules_require_a_person(text):
                    # "骑手态度不好怎么投诉": complaint words are handed over by rule.
                    kind = "rule_requires_human"
                    by_kind.setdefault(kind, Counter())
                    resolved = outcome["status"] != "bot"
                else:
                    resolved = outcome["status"] == "bot" and outcome["right"]
                by_kind[kind]["n"] += 1
                by_kind[kind]["resolved"] += resolved
                by_kind[kind]["handed_over"] += outcome["status"] != "bot"
                by_kind[kind]["confident_wrong"] += outcome["wrong"]
                by_kind[kind][f"first_{outcome['decision']}"] += 1
                if outcome["reason"]:
                    reasons[outcome["reason"]] += 1
            required = _required_handovers(client, container)
    standard = [c for kind, c in by_kind.items() if kind != "rule_requires_human"]
    total = sum(c["n"] for c in standard)
    resolved = sum(c["resolved"] for c in standard)
    return {
        "conversations": total,
        "resolved_without_human": resolved,
        "resolution_rate": round(resolved / total, 3),
        "by_kind": {
            kind: {**dict(c), "rate": round(c["resolved"] / max(1, c["n"]), 3)}
            for kind, c in by_kind.items()
        },
        "handover_reasons": dict(reasons),
        "required_handovers": required,
    }


def _rules_require_a_person(text: str) -> bool:
    from kefu.bot.handover import matches_phrase
    from kefu.bot.rules import DEFAULT_RULES

    lowered = text.lower()
    return matches_phrase(text, DEFAULT_RULES.explicit_phrases) or any(
        w.lower() in lowered for w in DEFAULT_RULES.complaint_words
    )


REQUIRED = [
    ({"external_id": "stu-1003"}, "你们太垃圾了，我要投诉", "complaint"),
    ({"external_id": "stu-1003"}, "再不给我解决我就打12315", "complaint"),
    ({"external_id": "stu-1004"}, "I want to make a complaint about this rider", "complaint"),
    ({"external_id": "stu-1003"}, "转人工", "explicit_request"),
    ({"external_id": "stu-1004"}, "can I talk to a real person", "explicit_request"),
    ({"external_id": "stu-1005"}, "人工客服", "explicit_request"),
    ({"tags": ["elderly"]}, "@human", "protected_customer"),
]


def _required_handovers(client: Any, container: Any) -> dict[str, Any]:
    ok = 0
    misses = []
    for customer, text, reason in REQUIRED:
        started = client.post("/api/v1/public/conversations", json=customer).json()
        base = f"/api/v1/public/conversations/{started['conversation_id']}"
        auth = {"Authorization": f"Bearer {started['customer_token']}"}
        body: dict[str, Any] = {"text": text}
        if text == "@human":
            body = {"text": "转人工", "action": {"type": "choice", "value": "human"}}
        client.portal.call(container.settle)
        client.post(f"{base}/messages", json=body, headers=auth)
        client.portal.call(container.settle)
        got = client.get(base, headers=auth).json()["handover_reason"]
        if got == reason:
            ok += 1
        else:
            misses.append({"text": text, "expected": reason, "got": got})
    return {"cases": len(REQUIRED), "handed_over_as_required": ok, "misses": misses}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.conversations = 6.0, 120
    raise_open_files_limit(4096)
    with KefuServer(env={"KEFU_BOT_ENABLED": "true", "KEFU_AUTO_ASSIGN": "false"}) as server:
        load = asyncio.run(_load(server, args.customers, args.seconds))
    resolution = _resolution(args.conversations, args.seed)
    result = {"machine": machine(), "latency": load, "resolution": resolution}
    path = write_result("bot.json", result)
    lat = load["latency_ms"]
    print(
        f"bot turn latency at {args.customers} customers: p50 {lat['p50']} ms, "
        f"p99 {lat['p99']} ms, {load['turns_per_s']} turns/s, {load['errors']} errors, "
        f"server CPU {load['server_cpu_ms_per_turn']} ms/turn"
    )
    print(
        f"resolution without a human: {resolution['resolution_rate']:.1%} of "
        f"{resolution['conversations']} ({json.dumps(resolution['by_kind'])})"
    )
    print(f"required hand-overs: {resolution['required_handovers']}")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
