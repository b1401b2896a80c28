"""Live board projections: events absorbed per second, and the cost of reading the board after
1 million and 10 million events (it must not grow with history).

    python benchmarks/bench_projections.py           # 10 M events
    python benchmarks/bench_projections.py --quick   # 1 M events

Writes benchmarks/results/projections.json. Also measures the burst detector's false alarms on
a steady synthetic stream (Poisson arrivals, 13 intents, 24 hours).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kefu.bot.events import MessageAnalysed
from kefu.domain import events as ev
from kefu.ops.bursts import BurstDetector
from kefu.ops.projections import BoardProjection

RESULTS = Path(__file__).resolve().parent / "results" / "projections.json"
INTENTS = [
    "order_status", "delivery_late", "refund", "cancel_order", "payment_failed", "coupon",
    "invoice", "change_address", "rider_contact", "food_quality", "account", "complaint",
    "human_agent",
]  # fmt: skip
START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def lifecycle(n: int, at: datetime, rng: random.Random) -> list[Any]:
    """One conversation, nine to ten events: the bot, a hand-over, an agent, a resolution."""
    cid = f"c{n}"
    agent = f"a{n % 50}"
    step = timedelta(seconds=2)
    c = {"conversation_id": cid}
    intent = INTENTS[n % len(INTENTS)]
    out: list[Any] = [
        ev.ConversationCreated(occurred_at=at, status="bot", account_id="default", inbox_id="i",
                               customer_id=cid, channel="web_widget", entry_point=None,
                               language="zh", **c),
        ev.MessageCreated(occurred_at=at, status="bot", message_id=f"{cid}-1", seq=1,
                          sender="customer", text="支付失败了", internal=False, author_id=None,
                          client_id=None, created_at=at, **c),
        MessageAnalysed(occurred_at=at, status="bot", message_id=f"{cid}-1", seq=1, language="zh",
                        intent=intent, confidence=0.9, is_oos=False, category="orders",
                        emotion_index=rng.randint(1, 5), emotion_category="neutral", **c),
        ev.MessageCreated(occurred_at=at + step, status="bot", message_id=f"{cid}-2", seq=2,
                          sender="bot", text="…", internal=False, author_id=None, client_id=None,
                          created_at=at, **c),
    ]  # fmt: skip
    if n % 3:
        out.append(ev.ConversationResolved(occurred_at=at + 2 * step, status="resolved",
                                           resolved_by="bot", agent_id=None, **c))  # fmt: skip
        return out
    t = at + 2 * step
    out += [
        ev.ConversationHandedOver(occurred_at=t, status="queued", reason="explicit_request",
                                  queue="general", priority=0, **c),
        ev.ConversationQueued(occurred_at=t, status="queued", queue="general", priority=0, **c),
        ev.ConversationAssigned(occurred_at=t + step, status="assigned", agent_id=agent,
                                previous_agent_id=None, queue="general", **c),
        ev.MessageCreated(occurred_at=t + 2 * step, status="assigned", message_id=f"{cid}-3",
                          seq=3, sender="agent", text="您好", internal=False, author_id=agent,
                          client_id=None, created_at=t, **c),
        ev.ConversationResolved(occurred_at=t + 3 * step, status="resolved", resolved_by=agent,
                                agent_id=agent, **c),
    ]  # fmt: skip
    return out


def read_cost(board: BoardProjection, now: datetime, reads: int = 30) -> float:
    times = []
    for _ in range(reads):
        began = time.perf_counter()
        board.snapshot(now)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def absorb(total: int) -> dict[str, Any]:
    rng = random.Random(1)
    board = BoardProjection(UTC)
    for agent in range(50):
        board.apply(
            ev.AgentPresenceChanged(occurred_at=START, agent_id=f"a{agent}", presence="online")
        )
    at = START
    n = applied = 0
    busy = 0.0
    marks: dict[str, float] = {}
    checkpoints = [c for c in (1_000_000, 10_000_000) if c <= total]
    while applied < total:
        batch: list[Any] = []
        while len(batch) < 50_000:
            batch += lifecycle(n, at, rng)
            n += 1
            at += timedelta(milliseconds=250)  # four new conversations a second
        began = time.perf_counter()
        for event in batch:
            board.apply(event)
        busy += time.perf_counter() - began
        applied += len(batch)
        while checkpoints and applied >= checkpoints[0]:
            marks[f"board_read_ms_after_{checkpoints.pop(0) // 1_000_000}M"] = read_cost(board, at)
    return {
        "events": applied,
        "events_per_s": round(applied / busy),
        "simulated_hours": round((at - START).total_seconds() / 3600, 1),
        "open_conversations_at_end": len(board.conversations),
        "board_read_ms_after_10k": None,
        **{k: round(v, 3) for k, v in marks.items()},
    }


def early_read() -> float:
    rng = random.Random(2)
    board = BoardProjection(UTC)
    at = START
    events = []
    for n in range(1200):
        events += lifecycle(n, at, rng)
        at += timedelta(milliseconds=250)
    for event in events[:10_000]:
        board.apply(event)
    return round(read_cost(board, at), 3)


def false_alarms(hours: int = 24) -> dict[str, Any]:
    """Steady Poisson traffic, no real burst: every raised burst is a false alarm."""
    rng = random.Random(5)
    detector = BurstDetector()
    rates = {intent: 0.2 + 6.0 * rng.random() for intent in INTENTS}  # per minute
    arrivals = []
    start = START.timestamp()
    for intent, per_min in rates.items():
        at = start
        while at < start + hours * 3600:
            at += rng.expovariate(per_min / 60)
            arrivals.append((at, intent))
    arrivals.sort()
    raised = sum(detector.observe(f"intent:{i}", at) is not None for at, i in arrivals)
    return {
        "hours": hours,
        "intents": len(INTENTS),
        "messages": len(arrivals),
        "false_bursts": raised,
        "false_bursts_per_intent_day": round(raised / len(INTENTS) / (hours / 24), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 M events instead of 10 M")
    args = parser.parse_args()
    total = 1_000_000 if args.quick else 10_000_000
    result = absorb(total)
    result["board_read_ms_after_10k"] = early_read()
    result["burst_false_alarms"] = false_alarms()
    result["python"] = platform.python_version()
    result["machine"] = platform.machine()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = RESULTS.with_name("projections_quick.json") if args.quick else RESULTS
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
