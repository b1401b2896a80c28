"""Automatic assignment end to end, through storage: 1,000 agents, 10,000 waiting.

Every agent is busy (5 of 5 seats taken) and 10,000 customers wait. One agent resolves a
conversation, which frees a seat; the dispatcher (`dispatch_once`: load the backlog and
the team, plan, assign with lock-and-recheck) offers it to the most urgent customer. The
time of that pass is "hand-over → agent offered" at this size. Writes
benchmarks/results/dispatch.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kefu import bootstrap
from kefu.adapters.db import migrate
from kefu.domain.agent import Agent, Presence, Role
from kefu.domain.conversation import Conversation, Status
from kefu.domain.customer import Customer
from kefu.domain.ids import new_id
from kefu.routing.dispatch import dispatch_once
from kefu.services import handling
from kefu.services.context import ServiceContext
from kefu.services.passwords import hash_password
from kefu.services.tenancy import ensure_account, inbox_for
from kefu.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
SKILLS = ["orders", "refunds", "payments", "delivery", "general"]


async def seed(ctx: ServiceContext, agents: int, waiting: int, seats: int) -> list[str]:
    now = datetime.now(UTC) - timedelta(hours=1)
    password = hash_password("benchmark-password")
    busy: list[str] = []
    async with ctx.uow() as uow:
        await ensure_account(uow)
        inbox = await inbox_for(uow, "default", "web_widget")
        customer = Customer(id=new_id(), account_id="default", created_at=now)
        await uow.customers.add(customer)
        for n in range(agents):
            agent = Agent(
                id=new_id(),
                account_id="default",
                email=f"agent{n}@bench.local",
                name=f"agent {n}",
                role=Role.AGENT,
                password_hash=password,
                created_at=now,
                skills=[SKILLS[n % len(SKILLS)]],
                languages=["zh", "en"],
                max_concurrent=seats,
                presence=Presence.ONLINE,
            )
            await uow.agents.add(agent)
            for _ in range(seats):
                c = _conversation(inbox.id, customer.id, now, SKILLS[n % len(SKILLS)])
                c.status, c.assignee_id, c.assigned_at = Status.ASSIGNED, agent.id, now
                await uow.conversations.add(c)
                busy.append(c.id)
        for n in range(waiting):
            c = _conversation(inbox.id, customer.id, now + timedelta(seconds=n), SKILLS[n % 5])
            c.status, c.queued_at = Status.QUEUED, c.created_at
            await uow.conversations.add(c)
        await uow.commit()
    return busy


def _conversation(inbox: str, customer: str, at: datetime, queue: str) -> Conversation:
    return Conversation(
        id=new_id(),
        account_id="default",
        inbox_id=inbox,
        customer_id=customer,
        channel="web_widget",
        created_at=at,
        updated_at=at,
        queue=queue,
    )


async def run(agents: int, waiting: int, rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        settings = Settings(database_url=url, auto_assign=False, log_json=False)
        container = bootstrap.build(settings)
        ctx = container.ctx
        try:
            started = time.perf_counter()
            busy = await seed(ctx, agents, waiting, seats=5)
            seeded_s = time.perf_counter() - started
            first_pass = time.perf_counter()
            assert await dispatch_once(ctx) == 0  # everyone is busy
            idle_pass_s = time.perf_counter() - first_pass
            latencies = []
            for n in range(rounds):
                await handling.resolve(ctx, busy[n * 7], by="bot")
                started = time.perf_counter()
                assigned = await dispatch_once(ctx)
                latencies.append(time.perf_counter() - started)
                assert assigned == 1, assigned
        finally:
            await container.stop()
    latencies.sort()
    return {
        "benchmark": "dispatch",
        "agents": agents,
        "waiting": waiting,
        "seats_per_agent": 5,
        "database": "sqlite",
        "seed_s": round(seeded_s, 1),
        "full_pass_no_free_seat_ms": round(idle_pass_s * 1000, 1),
        "handover_to_offer_ms": {
            "rounds": rounds,
            "p50": round(statistics.median(latencies) * 1000, 1),
            "p99": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
            "max": round(latencies[-1] * 1000, 1),
        },
        "target_p99_ms": 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="100 agents, 1,000 waiting")
    args = parser.parse_args()
    if args.quick:
        args.agents, args.waiting, args.rounds = 100, 1000, 10
    result = asyncio.run(run(args.agents, args.waiting, args.rounds))
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    name = "dispatch_quick.json" if args.quick else "dispatch.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
