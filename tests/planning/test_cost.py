"""What the bot saves, and where automating further stops paying."""

import json

import pytest

from kefu.cli import main
from kefu.planning.cost import Rates, ValueLoss, automation_curve, tier_costs


def test_the_default_rates_give_the_brief_costs_per_contact():
    tiers = tier_costs(Rates())
    assert tiers.bot_only == pytest.approx(0.3, abs=0.01)
    assert tiers.human_only == pytest.approx(8.2, abs=0.05)
    assert tiers.bot_only < tiers.bot_then_human < tiers.human_only


def test_the_threshold_is_where_marginal_saving_meets_marginal_loss():
    curve = automation_curve(contacts_per_hour=10_000, rates=Rates(), loss=ValueLoss())
    saving = curve.tiers.bot_then_human - curve.tiers.bot_only
    loss = ValueLoss()
    assert loss.marginal_rate(curve.threshold) * loss.per_complaint() == pytest.approx(
        saving, rel=1e-6
    )
    assert abs(curve.best.level - curve.threshold) <= 0.02 + 1e-9  # the grid step
    below = [p for p in curve.points if p.level < curve.threshold]
    assert all(p.marginal_saving > p.marginal_loss for p in below)


def test_dearer_agents_push_the_threshold_up():
    cheap = automation_curve(
        contacts_per_hour=1000, rates=Rates(agent_cost_per_hour=30), loss=ValueLoss()
    )
    dear = automation_curve(
        contacts_per_hour=1000, rates=Rates(agent_cost_per_hour=80), loss=ValueLoss()
    )
    assert dear.threshold > cheap.threshold


def test_protected_groups_are_served_by_people_at_every_level():
    curve = automation_curve(
        contacts_per_hour=1000, rates=Rates(), loss=ValueLoss(), protected_share=0.2
    )
    full = curve.points[-1]  # everything unprotected automated
    tiers = curve.tiers
    assert full.cost == pytest.approx(200 * tiers.human_only + 800 * tiers.bot_only)


def test_measured_complaint_points_replace_the_assumed_curve():
    measured = ValueLoss(points=((0.0, 0.01), (0.5, 0.02), (1.0, 0.2)))
    assert measured.marginal_rate(0.75) == pytest.approx(0.11)


def test_kefu_plan_cost_prints_tiers_and_threshold(capsys):
    assert main(["plan", "cost", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert 0 < answer["threshold"] < 1 and set(answer["tiers"]) == {
        "bot_only",
        "bot_then_human",
        "human_only",
    }
    assert main(["plan", "cost", "--occupancy", "0"]) == 2
