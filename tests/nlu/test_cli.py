"""`kefu nlu …` as a person at a terminal would use it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from kefu.cli import main

from . import factories

INTENT_KEYS = {"accuracy", "macro_f1", "n", "latency_ms_p50", "latency_ms_p99"}


def _write_csv(path: Path, header: str, rows: Sequence[tuple[str, ...]]) -> Path:
    lines = [header] + [",".join(f'"{c}"' for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def intent_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [(e.text, e.label) for e in factories.intent_examples()]
    return _write_csv(tmp_path_factory.mktemp("data") / "train.csv", "text,label", rows)


def _json_out(capsys: pytest.CaptureFixture[str]) -> dict[str, float]:
    out: dict[str, float] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return out


def test_an_operator_trains_and_evaluates_an_intent_model(
    intent_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model"
    assert (
        main(["nlu", "train", "--task", "intent", "--data", str(intent_csv), "--out", str(out)])
        == 0
    )
    assert (out / "manifest.json").is_file()
    capsys.readouterr()
    assert main(["nlu", "eval", "--model", str(out), "--data", str(intent_csv), "--json"]) == 0
    result = _json_out(capsys)
    assert INTENT_KEYS | {"in_scope_accuracy", "oos_recall"} <= set(result)
    assert result["n"] == len(factories.intent_examples())
    assert result["accuracy"] > 0.8


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    return capsys.readouterr().err


def test_a_missing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(
        capsys, ["nlu", "train", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path)]
    )
    assert "no such file" in err


def test_missing_columns_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_csv(tmp_path / "bad.csv", "sentence,intent", [("hi", "greeting")])
    err = _error(capsys, ["nlu", "train", "--data", str(data), "--out", str(tmp_path / "m")])
    assert "missing column(s) text, label" in err


def test_a_file_that_is_not_utf8_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "gbk.csv"
    data.write_bytes("text,label\n我要退款,refund\n你好,greeting\n".encode("gbk"))
    err = _error(capsys, ["nlu", "train", "--data", str(data), "--out", str(tmp_path / "m")])
    assert "not UTF-8" in err


def test_a_single_class_cannot_be_trained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_csv(
        tmp_path / "one.csv", "text,label", [("hi", "greeting"), ("hello", "greeting")]
    )
    err = _error(capsys, ["nlu", "train", "--data", str(data), "--out", str(tmp_path / "m")])
    assert "need at least 2" in err


def test_evaluating_a_folder_without_a_model(
    tmp_path: Path, intent_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(capsys, ["nlu", "eval", "--model", str(tmp_path), "--data", str(intent_csv)])
    assert "not a kefu model" in err


def test_building_from_a_missing_dataset_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(
        capsys,
        ["nlu", "build-models", "--datasets", str(tmp_path / "none"), "--out", str(tmp_path / "m")],
    )
    assert "not found" in err


def test_the_builtin_sentiment_model_is_evaluated(
    models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_csv(
        tmp_path / "s.csv",
        "text,label",
        [("非常好吃，下次还来", "1"), ("太难吃了，差评", "0"), ("great food", "1"), ("awful", "0")],
    )
    assert main(["nlu", "sentiment", "--data", str(data), "--json"]) == 0
    assert set(_json_out(capsys)) >= INTENT_KEYS


def test_the_builtin_emotion_model_is_evaluated(
    models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_csv(
        tmp_path / "e.csv",
        "text,label",
        [("气死我了", "angry"), ("太开心了", "happy"), ("好难过", "sad"), ("好害怕", "fear")],
    )
    assert main(["nlu", "emotion", "--data", str(data), "--json"]) == 0
    assert {"accuracy", "macro_f1", "n"} <= set(_json_out(capsys))


def test_an_unknown_emotion_label_is_refused(
    models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_csv(tmp_path / "e.csv", "text,label", [("气死我了", "rage")])
    assert "unknown emotion label" in _error(capsys, ["nlu", "emotion", "--data", str(data)])


def test_the_builtin_matcher_is_evaluated(
    models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_csv(
        tmp_path / "p.csv",
        "text_a,text_b,label",
        [("怎么退款", "如何申请退款", "1"), ("怎么退款", "今天天气如何", "0")],
    )
    assert main(["nlu", "match", "--data", str(data), "--json"]) == 0
    assert {"accuracy", "f1", "n"} <= set(_json_out(capsys))


def test_pair_labels_must_be_zero_or_one(
    models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_csv(tmp_path / "p.csv", "text_a,text_b,label", [("a", "b", "yes")])
    assert "label must be 0 or 1" in _error(capsys, ["nlu", "match", "--data", str(data)])
