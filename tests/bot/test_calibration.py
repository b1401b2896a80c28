"""Calibration maps: fitted from labelled rows, read by the rules, editable as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kefu.bot.calibration import CalibrationMap, fit, main, parse_map
from kefu.bot.rules import parse_rules
from kefu.domain.errors import InvalidInput


def test_the_fit_is_monotone_and_finds_the_threshold_for_the_target() -> None:
    rows = [(s / 100, s >= 70) for s in range(100)] + [(0.65, True), (0.75, False)]
    fitted = fit(rows)
    precisions = [p for _, p in fitted.points]
    assert precisions == sorted(precisions)
    threshold = fitted.threshold(0.95)
    assert threshold is not None and 0.6 <= threshold <= 0.9
    assert fitted.precision(0.95) >= 0.95 > fitted.precision(0.3)


def test_a_target_never_reached_gives_no_threshold() -> None:
    assert fit([(0.9, True), (0.9, False)]).threshold(0.95) is None


def test_the_cli_fits_a_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rows.csv"
    lines = ["kind,score,correct"] + [f"knowledge,{s / 10},{int(s > 5)}" for s in range(11)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main([str(path)]) == 0
    assert '"knowledge"' in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,score,correct\nmystery,0.5,1\n", encoding="utf-8")
    assert main([str(bad)]) == 2


def test_maps_are_validated_as_rules() -> None:
    rules = parse_rules({"calibration": {"intent": [[0, 0.2], [1, 0.99]]}})
    assert rules.precision("intent", 1.0) == pytest.approx(0.99)
    with pytest.raises(InvalidInput, match="calibration"):
        parse_rules({"calibration": {"intent": [[1, 0.2], [0, 0.9]]}})
    with pytest.raises(InvalidInput, match="calibration"):
        parse_rules({"calibration": {"mood": [[0, 0]]}})
    with pytest.raises(ValueError):
        parse_map("0.5")
    assert CalibrationMap(((0.0, 0.0), (1.0, 1.0))).precision(0.25) == pytest.approx(0.25)
