"""`kefu insight abtest` against a file whose answer is worked out here independently."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy.stats import ttest_ind

from kefu.cli import main


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "outcomes.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def outcomes_file(tmp_path: Path) -> tuple[str, list[float], list[float]]:
    """Control A: 50 of 200 converted; treatment B: 70 of 200. Service seconds differ."""
    lines = ["variant,converted,value"]
    a_values = [100.0 + (i % 7) * 5 for i in range(200)]
    b_values = [90.0 + (i % 5) * 6 for i in range(200)]
    for i in range(200):
        lines.append(f"A,{int(i < 50)},{a_values[i]}")
        lines.append(f"B,{int(i < 70)},{b_values[i]}")
    return write(tmp_path, "\n".join(lines) + "\n"), a_values, b_values


def test_the_abtest_json_matches_the_textbook_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, a_values, b_values = outcomes_file(tmp_path)
    assert main(["insight", "abtest", "--data", path, "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert set(got) == {"variants", "control", "treatment", "diff", "ci_low", "ci_high",
                        "p_value", "value_diff", "value_p_value"}  # fmt: skip
    assert got["variants"]["A"] == {"n": 200, "rate": 0.25, "mean_value": sum(a_values) / 200}
    assert got["variants"]["B"]["rate"] == 0.35
    assert (got["control"], got["treatment"]) == ("A", "B")
    # By hand: pooled p = 0.3, SE = sqrt(0.3·0.7·(2/200)) = 0.0458258, z = 0.1 / SE = 2.18218,
    # p = erfc(z/√2) = 0.02909; unpooled SE = sqrt(0.25·0.75/200 + 0.35·0.65/200) = 0.0455522,
    # 95 % CI = 0.1 ± 1.959964 · SE = [0.010719, 0.189281].
    z = 0.1 / math.sqrt(0.3 * 0.7 * (2 / 200))
    assert got["diff"] == pytest.approx(0.1, abs=1e-6)
    assert got["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)), abs=1e-5)
    assert got["p_value"] == pytest.approx(0.02909, abs=1e-4)
    assert got["ci_low"] == pytest.approx(0.010719, abs=1e-5)
    assert got["ci_high"] == pytest.approx(0.189281, abs=1e-5)
    welch = ttest_ind(b_values, a_values, equal_var=False)
    assert got["value_diff"] == pytest.approx(sum(b_values) / 200 - sum(a_values) / 200, abs=1e-6)
    assert got["value_p_value"] == pytest.approx(float(welch.pvalue), abs=1e-6)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "variant,converted"),
        ("variant,converted\n", "no outcomes"),
        ("variant,converted\nA,1\nA,0\n", "two variants"),
        ("variant,converted\nA,1\nB,2\n", "converted must be 0 or 1"),
        ("variant,converted,value\nA,1,x\nB,0,3\n", "value must be a number"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert main(["insight", "abtest", "--data", write(tmp_path, text), "--json"]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["insight", "abtest", "--data", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
