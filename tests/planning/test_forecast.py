"""A planner forecasts next week's volume from history with a promotion in it."""

import json
from datetime import datetime, timedelta

import pytest

from kefu.cli import main
from kefu.planning.calendar import Event, parse_events
from kefu.planning.forecast import backtest, fit_forecast, wape
from kefu.planning.volumes import synthetic_series, to_csv

START = datetime(2026, 9, 7)  # a Monday
PROMO_DAYS = (10, 24, 33)


def promotions(days=PROMO_DAYS):
    return [
        Event("promo", (START + timedelta(days=d)).date(), (START + timedelta(days=d)).date())
        for d in days
    ]


@pytest.fixture(scope="module")
def series():
    return synthetic_series(start=START, days=35, event_days=PROMO_DAYS, event_uplift=2.5)


def test_the_backtest_on_a_known_series_has_a_low_wape_and_honest_bands(series):
    check = backtest(series, interval_min=30, horizon=48 * 3, events=promotions(), folds=2)
    assert check.wape < 0.15
    assert 0.7 <= check.coverage <= 0.98  # an 80 % band


def test_the_uplift_of_a_promotion_is_learnt_from_past_ones(series):
    history = series[: 32 * 48]  # the last promotion (day 33) is in the horizon
    result = fit_forecast(history, interval_min=30, horizon=3 * 48, events=promotions())
    assert result.uplifts["promo"] == pytest.approx(2.5, rel=0.15)
    actual = [p.contacts for p in series[32 * 48 :]]
    with_events = wape(actual, [p.yhat for p in result.points])
    blind = fit_forecast(history, interval_min=30, horizon=3 * 48, events=())
    assert with_events < 0.6 * wape(actual, [p.yhat for p in blind.points])


def test_the_forecast_follows_the_day_and_the_weekend(series):
    result = fit_forecast(series[: 28 * 48], interval_min=30, horizon=7 * 48, events=promotions())
    by_start = {p.start: p.yhat for p in result.points}
    monday = START + timedelta(days=28)
    assert by_start[monday.replace(hour=14)] > 5 * by_start[monday.replace(hour=4)]
    saturday = monday + timedelta(days=5)
    assert by_start[saturday.replace(hour=14)] > 1.15 * by_start[monday.replace(hour=14)]
    assert all(p.lo <= p.yhat <= p.hi for p in result.points)


def test_kefu_plan_forecast_reads_the_csv_and_reports_the_backtest(tmp_path, capsys, series):
    data = tmp_path / "volumes.csv"
    data.write_text(to_csv(series[: 34 * 48]))
    events = tmp_path / "events.csv"
    events.write_text("date,event\n" + "".join(f"{e.start},promo\n" for e in promotions()))
    code = main(
        [
            "plan",
            "forecast",
            "--data",
            str(data),
            "--horizon-days",
            "1",
            "--events",
            str(events),
            "--json",
        ]
    )
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    assert len(answer["forecast"]) == 48
    assert {"start", "yhat", "lo", "hi"} <= set(answer["forecast"][0])
    assert 0 < answer["wape"] < 0.2
    assert answer["uplifts"]["promo"] > 1.8


def test_a_file_that_is_not_a_volume_series_exits_2(tmp_path, capsys):
    data = tmp_path / "volumes.csv"
    data.write_text("ts,contacts\nyesterday,12\n")
    assert main(["plan", "forecast", "--data", str(data)]) == 2
    assert "not an ISO time" in capsys.readouterr().err
    assert main(["plan", "forecast", "--data", str(tmp_path / "missing.csv")]) == 2


def test_events_csv_accepts_ranges_and_refuses_nonsense():
    (event,) = parse_events("start,end,event\n2026-06-07,2026-06-10,exam\n")
    assert len(event.days()) == 4
    with pytest.raises(Exception, match="not a date"):
        parse_events("someday,618\n")
