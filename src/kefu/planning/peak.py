"""The brief's question in one call: what does it take to hold a peak of N contacts an hour
at a service level (80 % answered within 20 s), with and without the bot in front?"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kefu.planning.cost import Rates, tier_costs
from kefu.planning.model import StaffingRequest
from kefu.planning.simulation import SimulationConfig, simulate
from kefu.planning.staffing import staff


@dataclass(frozen=True, slots=True)
class PeakQuestion:
    contacts_per_hour: float = 65_000
    service_level: float = 0.8
    target_s: float = 20
    bot_containment: float = 0.7
    aht_s: float = 420  # one chat at the concurrency below
    concurrency: int = 3
    max_occupancy: float = 0.85
    shrinkage: float = 0.3
    interval_min: int = 30
    check_hours: float = 1.0  # simulated to confirm the "with the bot" staffing; 0 skips


def answer(question: PeakQuestion, rates: Rates | None = None) -> dict[str, object]:
    rates = rates or Rates()
    per_interval = question.contacts_per_hour * question.interval_min / 60
    scenarios: dict[str, object] = {}
    agents_with_bot = 0
    for name, containment in (("all_human", 0.0), ("with_bot", question.bot_containment)):
        human = per_interval * (1.0 - containment)
        result = staff(
            StaffingRequest(
                contacts=human,
                interval_min=question.interval_min,
                aht_s=question.aht_s,
                target_s=question.target_s,
                service_level=question.service_level,
                max_occupancy=question.max_occupancy,
                shrinkage=question.shrinkage,
                concurrency=question.concurrency,
            )
        )
        agents_with_bot = result.agents_raw
        loaded = result.agents * rates.agent_cost_per_hour * (1 + rates.overhead)
        bot_touched = question.contacts_per_hour if containment > 0 else 0.0
        scenarios[name] = {
            "bot_containment": containment,
            "human_contacts_per_hour": round(question.contacts_per_hour * (1.0 - containment)),
            "staffing": result.to_dict(),
            "agent_cost_per_hour": round(loaded),
            "cost_per_hour": round(
                loaded
                + question.contacts_per_hour * rates.infrastructure_per_contact
                + bot_touched * rates.engine_cost_per_message * rates.bot_messages_per_contact
            ),
        }
    check = None
    if question.check_hours > 0:
        agents = agents_with_bot
        run = simulate(
            SimulationConfig(
                rates_per_hour=(question.contacts_per_hour,),
                hours=question.check_hours,
                agents=agents,
                bot_containment=question.bot_containment,
                concurrency=question.concurrency,
                aht_s=question.aht_s,
                target_s=question.target_s,
                warmup_h=min(0.25, question.check_hours / 4),
            )
        )
        summary = run.to_dict()
        summary.pop("hourly")
        check = {"agents": agents, "hours": question.check_hours, **summary}
    return {
        "question": {
            "contacts_per_hour": question.contacts_per_hour,
            "service_level": question.service_level,
            "target_s": question.target_s,
            "aht_s": question.aht_s,
            "concurrency": question.concurrency,
            "shrinkage": question.shrinkage,
            "max_occupancy": question.max_occupancy,
        },
        "scenarios": scenarios,
        "simulation_check": check,
        "tiers": tier_costs(rates).to_dict(),
        "peak_interval_contacts": math.ceil(per_interval),
    }
