"""The simulated service confirms the staffing figures and answers what-ifs."""

import pytest

from kefu.cli import main
from kefu.planning import erlang
from kefu.planning.model import Roster, ShiftBlock, Window
from kefu.planning.simulation import SimulationConfig, simulate

# Tolerances for the steady-load check (300 simulated hours, ~60,000 customers): service
# level within 0.025, occupancy within 0.02, average wait within 25 % of Erlang C.
SL_TOLERANCE, OCCUPANCY_TOLERANCE, ASA_TOLERANCE = 0.025, 0.02, 0.25


def test_on_a_steady_load_the_simulation_agrees_with_erlang_c():
    load = erlang.intensity(200, 3600, 180)
    expected = erlang.erlang_c_figures(load, 14, 20, 180)
    run = simulate(
        SimulationConfig(
            rates_per_hour=(200,), hours=300, agents=14, aht_s=180, target_s=20, warmup_h=2, seed=11
        )
    )
    got = run.to_dict()
    assert got["service_level"] == pytest.approx(expected.service_level, abs=SL_TOLERANCE)
    assert got["occupancy"] == pytest.approx(expected.occupancy, abs=OCCUPANCY_TOLERANCE)
    assert got["avg_wait_s"] == pytest.approx(expected.asa_s, rel=ASA_TOLERANCE)


def base(**changes):
    values = dict(
        rates_per_hour=(600,),
        hours=4,
        agents=12,
        concurrency=3,
        aht_s=420,
        target_s=20,
        patience_s=120,
        bot_time_s=30,
        seed=5,
    )
    values.update(changes)
    return SimulationConfig(**values)


def test_a_better_bot_from_60_to_70_percent_shortens_the_wait():
    at_60 = simulate(base(bot_containment=0.6)).to_dict()
    at_70 = simulate(base(bot_containment=0.7)).to_dict()
    assert at_70["to_humans"] < at_60["to_humans"]
    assert at_70["service_level"] > at_60["service_level"]
    assert at_70["abandonment"] <= at_60["abandonment"]


def test_an_outage_of_the_bot_floods_the_agents_and_customers_give_up():
    calm = simulate(base(bot_containment=0.7)).to_dict()
    outage = simulate(base(bot_containment=0.7, outage=Window(1, 2))).to_dict()
    assert outage["to_humans"] > calm["to_humans"] * 1.3
    assert outage["abandonment"] > calm["abandonment"]
    assert outage["hourly"][1]["service_level"] < calm["hourly"][1]["service_level"]


def test_a_promotion_burst_with_a_queue_limit_overflows_to_call_backs():
    run = simulate(base(bot_containment=0.6, burst=Window(1, 2, 3.0), max_queue=20)).to_dict()
    assert run["overflowed"] > 0


def test_agents_come_and_go_with_their_shifts():
    roster = Roster((ShiftBlock(0, 2, 20), ShiftBlock(2, 4, 4)))
    run = simulate(base(bot_containment=0.6, roster=roster)).to_dict()
    assert run["hourly"][0]["service_level"] > 0.9 > run["hourly"][3]["service_level"]


def test_the_cli_shows_a_progress_bar_on_stderr_and_the_figures(capsys):
    code = main(
        [
            "plan",
            "simulate",
            "--contacts-per-hour",
            "600",
            "--bot-containment",
            "0.7",
            "--agents",
            "10",
            "--concurrency",
            "3",
            "--hours",
            "2",
            "--aht-s",
            "420",
            "--progress",
            "--json",
        ]
    )
    assert code == 0
    out = capsys.readouterr()
    assert "100%" in out.err
    import json

    answer = json.loads(out.out)
    assert {"service_level", "avg_wait_s", "p90_wait_s", "abandonment", "occupancy"} <= set(answer)


def test_a_negative_containment_exits_2(capsys):
    assert (
        main(
            [
                "plan",
                "simulate",
                "--contacts-per-hour",
                "10",
                "--agents",
                "1",
                "--bot-containment",
                "-0.1",
            ]
        )
        == 2
    )
    assert "bot_containment" in capsys.readouterr().err
