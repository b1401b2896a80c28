"""Demo service history and business outcomes with known effects planted in them.

Renewal probability falls by `RENEWAL_PER_10S` (1.2 percentage points) for every 10 s of
first response, and order value by `VALUE_PER_MINUTE` (8 %) per minute of resolution, as
the brief tells. The analysis in `kefu.quality.outcomes` must recover both within its
intervals; `tests/quality/test_outcomes.py` checks that it does.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from kefu.quality.model import TIERS, Outcome, ServiceRecord

RENEWAL_PER_10S = 1.2  # percentage points
VALUE_PER_MINUTE = 8.0  # percent
BASE_RENEWAL = 0.75


def generate(
    customers: int = 3000,
    *,
    seed: int = 15,
    account_id: str = "demo",
    start: datetime | None = None,
) -> tuple[list[ServiceRecord], list[Outcome]]:
    rng = random.Random(seed)
    start = start or datetime(2026, 11, 1, tzinfo=UTC)
    records: list[ServiceRecord] = []
    outcomes: list[Outcome] = []
    agents = [f"demo-agent-{i}" for i in range(1, 7)]
    for n in range(customers):
        external = f"demo-{n:05d}"
        tier = rng.choices(TIERS, weights=(0.45, 0.35, 0.2))[0]
        frt = rng.uniform(5.0, 180.0) if tier != "bot" else None
        resolution_min = rng.uniform(1.0, 30.0)
        opened = start + timedelta(minutes=rng.uniform(0, 60 * 24 * 28))
        csat = max(1, min(5, round(4.6 - (frt or 20.0) / 90.0 + rng.gauss(0, 0.8))))
        records.append(
            ServiceRecord(
                conversation_id=f"demo-conv-{n:05d}",
                account_id=account_id,
                customer_id=f"demo-cust-{n:05d}",
                customer_external_id=external,
                agent_id=rng.choice(agents) if tier != "bot" else None,
                queue=rng.choice(("general", "orders", "refunds")),
                channel=rng.choice(("web", "app")),
                intent=rng.choice(("order_status", "refund", "delivery_late", "invoice")),
                tier=tier,
                resolved=True,
                assisted=rng.random() < 0.5,
                created_at=opened,
                closed_at=opened + timedelta(minutes=resolution_min),
                first_response_s=frt,
                handling_s=resolution_min * 60.0 if tier != "bot" else None,
                resolution_s=resolution_min * 60.0,
                qa_total=round(rng.uniform(55, 98), 1),
                end_emotion=rng.choice((2, 3, 3, 4, 4, 5)),
                empathy_expressions=rng.randint(0, 3),
                csat=csat,
            )
        )
        p = BASE_RENEWAL - RENEWAL_PER_10S / 100.0 * (frt if frt is not None else 20.0) / 10.0
        day = (opened + timedelta(days=30)).date()
        outcomes.append(Outcome(external, day, "renewal", 1.0 if rng.random() < p else 0.0))
        log_value = math.log(300.0) - math.log(1 + VALUE_PER_MINUTE / 100.0) * resolution_min
        value = math.exp(log_value + rng.gauss(0, 0.3))
        outcomes.append(Outcome(external, day, "order_value", round(value, 2)))
    return records, outcomes


def outcomes_csv(outcomes: list[Outcome]) -> str:
    lines = ["customer_external_id,date,kind,value"]
    lines += [f"{o.customer_external_id},{o.day.isoformat()},{o.kind},{o.value}" for o in outcomes]
    return "\n".join(lines) + "\n"
