"""`kefu nlu retrain` (an alias of `kefu learn retrain`) as an operator runs it: a candidate
trained on a deliberately bad intent set is kept but refused, with a reason in words."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from kefu.cli import main
from kefu.nlu.build import demo_intents


def scrambled_intents(path: Path) -> Path:
    """The demo intents with their labels shuffled: a training set gone wrong."""
    examples = demo_intents()
    labels = [e.label for e in examples]
    random.Random(7).shuffle(labels)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows((e.text, label) for e, label in zip(examples, labels, strict=True))
    return path


def retrain(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["nlu", "retrain", *args, "--json"]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_a_scrambled_intent_set_is_refused_with_a_reason_a_person_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "models"
    # No shared data sets on this "machine": the frozen sets are the held-out paraphrases
    # and the English real dev set kept in the repository.
    common = ["--registry", str(registry), "--datasets", str(tmp_path / "none")]
    first = retrain(capsys, *common)
    assert first["promoted"] is True and first["version"] == "v0001"
    assert "intent.realdev_flow_accuracy" in first["metrics"]  # type: ignore[operator]
    assert any("JDDC" in n for n in first["notes"])  # type: ignore[union-attr]

    bad = retrain(capsys, *common, "--intent-data", str(scrambled_intents(tmp_path / "bad.csv")))
    assert bad["promoted"] is False and bad["version"] == "v0002"
    verdict = str(bad["verdict"])
    assert verdict.startswith(
        "refused: real dev requests given the intent of their labelled flow "
        "(intent.realdev_flow_accuracy) fell from "
    )
    assert "points; at most 1.0 allowed)" in verdict
    before = first["metrics"]["intent.realdev_flow_accuracy"]  # type: ignore[index]
    after = bad["metrics"]["intent.realdev_flow_accuracy"]  # type: ignore[index]
    assert after < before - 0.3
    assert (registry / "CURRENT").read_text().strip() == "v0001"


def test_nlu_retrain_is_learn_retrain_under_another_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = str(tmp_path / "none")
    one = retrain(capsys, "--registry", str(tmp_path / "a"), "--datasets", empty)
    assert (
        main(["learn", "retrain", "--registry", str(tmp_path / "b"), "--datasets", empty, "--json"])
        == 0
    )
    other = json.loads(capsys.readouterr().out)
    assert one == other


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tolerance", "7"], "--tolerance must be between 0 and 1"),
        (["--intent-data", "missing.csv"], "missing.csv"),
    ],
)
def test_bad_retrain_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    for command in (["nlu", "retrain"], ["learn", "retrain"]):
        assert main([*command, "--registry", str(tmp_path / "m"), *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("kefu: error: ") and message in err
