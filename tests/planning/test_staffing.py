"""A supervisor asks how many agents an interval needs."""

import json

import pytest

from kefu.cli import main
from kefu.domain.errors import InvalidInput
from kefu.planning import erlang
from kefu.planning.model import StaffingRequest
from kefu.planning.staffing import staff

PYWORKFORCE_EXAMPLE = [
    "plan", "staffing", "--contacts", "100", "--interval-min", "30", "--aht-s", "180",
    "--target-s", "20", "--service-level", "0.8", "--max-occupancy", "0.85",
    "--shrinkage", "0.3", "--json",
]  # fmt: skip


def test_the_pyworkforce_example_is_reproduced_by_kefu_plan_staffing(capsys):
    assert main(PYWORKFORCE_EXAMPLE) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["agents_raw"] == 14
    assert answer["agents"] == 20
    assert answer["service_level"] == pytest.approx(0.888, abs=5e-4)
    assert answer["occupancy"] == pytest.approx(0.714, abs=5e-4)
    assert set(answer) >= {"agents_raw", "agents", "service_level", "occupancy", "asa_s"}
    assert 0 < answer["asa_s"] < 20


def test_bad_input_exits_2_with_a_message(capsys):
    assert main(["plan", "staffing", "--contacts", "100", "--service-level", "1.5"]) == 2
    assert "service_level" in capsys.readouterr().err


def test_one_agent_fewer_misses_the_service_level():
    load = erlang.intensity(100, 1800, 180)
    assert erlang.erlang_c_figures(load, 13, 20, 180).service_level < 0.8
    assert erlang.erlang_c_figures(load, 14, 20, 180).service_level >= 0.8


def test_the_occupancy_cap_adds_agents_when_the_service_level_alone_would_overwork_them():
    relaxed = staff(StaffingRequest(contacts=2000, service_level=0.5, max_occupancy=1.0))
    capped = staff(StaffingRequest(contacts=2000, service_level=0.5, max_occupancy=0.8))
    assert capped.occupancy <= 0.8 < relaxed.occupancy
    assert capped.agents_raw > relaxed.agents_raw


def test_erlang_a_with_very_patient_customers_agrees_with_erlang_c():
    load = erlang.intensity(100, 1800, 180)
    c = erlang.erlang_c_figures(load, 14, 20, 180)
    a = erlang.erlang_a_figures(load, 14, aht_s=180, target_s=20, patience_s=1e7)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-3)


def test_impatient_customers_abandon_and_need_no_more_agents_than_erlang_c_says():
    c = staff(StaffingRequest(contacts=100))
    a = staff(StaffingRequest(contacts=100, patience_s=120))
    assert a.model == "erlang_a" and a.abandonment is not None and a.abandonment > 0
    assert a.agents_raw <= c.agents_raw


def test_an_agent_holding_three_chats_means_a_third_of_the_people():
    single = staff(StaffingRequest(contacts=900, aht_s=600))
    triple = staff(StaffingRequest(contacts=900, aht_s=600, concurrency=3))
    assert triple.agents_raw == -(-single.agents_raw // 3)


def test_impossible_numbers_are_refused():
    with pytest.raises(InvalidInput):
        StaffingRequest(contacts=10, shrinkage=1.0)
    with pytest.raises(InvalidInput):
        StaffingRequest(contacts=10, concurrency=0)


def test_kefu_plan_loads_neither_the_language_models_nor_the_database():
    import subprocess
    import sys

    probe = (
        "import sys, io, contextlib\n"
        "from kefu.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['plan', 'staffing', '--contacts', '100', '--json'])\n"
        "heavy = ('sklearn', 'kefu.nlu.engine', 'sqlalchemy', 'kefu.bootstrap', 'statsmodels')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == ""
