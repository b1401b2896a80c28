"""`kefu learn` as an operator runs it: JSON out, exit code 2 with a message on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kefu.cli import main
from tests.learning.test_mining import LOCKER


def test_import_transcripts_reports_what_it_would_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "chats.csv"
    data.write_text(LOCKER, "utf-8")
    command = ["learn", "import-transcripts", "--data", str(data), "--encoder", "chars"]
    assert main([*command, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["transcripts"], out["pairs"], out["proposals"]) == (3, 4, 1)
    assert sorted(out["top"][0]["sources"]) == ["t1", "t2"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("x,y\n1,2\n", "expected columns"), (b"\xff\xfe", "not UTF-8")],
)
def test_bad_transcript_files_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes | None, message: str
) -> None:
    data = tmp_path / "chats.csv"
    if isinstance(content, bytes):
        data.write_bytes(content)
    elif content is not None:
        data.write_text(content, "utf-8")
    assert main(["learn", "import-transcripts", "--data", str(data)]) == 2
    assert message in capsys.readouterr().err


def test_retrain_promotes_the_first_model_and_rollback_needs_an_earlier_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = str(tmp_path / "models")
    empty = str(tmp_path / "no-datasets")
    assert main(["learn", "retrain", "--registry", registry, "--datasets", empty, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["promoted"] and first["version"] == "v0001"
    assert main(["learn", "rollback", "--registry", registry]) == 2
    assert "nothing to roll back to" in capsys.readouterr().err
    assert main(["learn", "retrain", "--registry", registry, "--tolerance", "7"]) == 2
