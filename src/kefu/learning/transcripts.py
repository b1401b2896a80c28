"""Past conversations from a CSV file, as a new customer would bring their chat history.

Two layouts are read:
- **turns**: one row per message, columns `conversation_id,speaker,text` (speaker
  `customer`/`agent`, also `user`/`staff`/`客户`/`客服`), optional `resolved` (1/0);
- **windows**: the JDDC layout `id,context_QAQAQ,agent_response` — a context of customer and
  agent messages joined by commas (speakers not marked) and the agent's reply to it. The
  customer's question is the context's last informative message.

`pairs` turns transcripts into (question, human reply) pairs: each run of customer messages
with the run of agent messages that follows it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from kefu.learning.mining import QAPair, agent_voice, informative
from kefu.learning.model import Transcript, Turn

CUSTOMER = {"customer", "user", "client", "visitor", "客户", "顾客", "用户"}
AGENT = {"agent", "staff", "human", "support", "客服", "坐席"}
MAX_ROWS = 2_000_000


class TranscriptError(ValueError):
    """The file cannot be read as transcripts; the message says why, for the CLI."""


def read_transcripts(path: Path) -> list[Transcript]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError as exc:
        raise TranscriptError(f"no such file: {path}") from exc
    except OSError as exc:
        raise TranscriptError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            if {"context_QAQAQ", "agent_response"} <= columns:
                found = list(_windows(reader))
            elif {"conversation_id", "speaker", "text"} <= columns:
                found = _turns(reader)
            else:
                raise TranscriptError(
                    "expected columns conversation_id,speaker,text (one row per message) or "
                    f"id,context_QAQAQ,agent_response; found {', '.join(sorted(columns)) or 'none'}"
                )
        except UnicodeDecodeError as exc:
            raise TranscriptError(f"{path} is not UTF-8 text") from exc
        except csv.Error as exc:
            raise TranscriptError(f"{path} is not a readable CSV file: {exc}") from exc
    if not found:
        raise TranscriptError(f"{path} holds no conversations")
    return found


def _windows(reader: csv.DictReader[str]) -> Iterator[Transcript]:
    for n, row in enumerate(reader, start=2):
        if n > MAX_ROWS:
            raise TranscriptError(f"more than {MAX_ROWS} rows; split the file")
        pieces = [p.strip() for p in (row.get("context_QAQAQ") or "").split(",")]
        question = last_question(pieces)
        reply = (row.get("agent_response") or "").strip().strip(",")
        if not question or not reply:
            continue
        ident = (row.get("id") or f"row-{n}").strip()
        yield Transcript(ident, (Turn("customer", question), Turn("agent", reply)))


def last_question(pieces: Sequence[str]) -> str:
    """The customer's question at the end of a window: its last informative message that
    does not read like the agent (the window does not mark who wrote what)."""
    for i in range(len(pieces) - 1, -1, -1):
        if informative(pieces[i], 4) and not agent_voice(pieces[i]):
            return pieces[i]
    return ""


def _turns(reader: csv.DictReader[str]) -> list[Transcript]:
    turns: dict[str, list[Turn]] = {}
    resolved: dict[str, bool] = {}
    for n, row in enumerate(reader, start=2):
        if n > MAX_ROWS:
            raise TranscriptError(f"more than {MAX_ROWS} rows; split the file")
        ident = (row.get("conversation_id") or "").strip()
        speaker = (row.get("speaker") or "").strip().lower()
        text = (row.get("text") or "").strip()
        if not ident:
            raise TranscriptError(f"row {n}: conversation_id is empty")
        if speaker in CUSTOMER:
            who = "customer"
        elif speaker in AGENT:
            who = "agent"
        else:
            raise TranscriptError(
                f"row {n}: speaker must be customer or agent, got {row.get('speaker')!r}"
            )
        if text:
            turns.setdefault(ident, []).append(Turn(who, text))
        flag = (row.get("resolved") or "").strip().lower()
        if flag:
            resolved[ident] = flag in ("1", "true", "yes", "y")
    return [Transcript(k, tuple(v), resolved.get(k, True)) for k, v in turns.items()]


def pairs(transcripts: Sequence[Transcript], *, resolved_only: bool = True) -> list[QAPair]:
    found = []
    for t in transcripts:
        if resolved_only and not t.resolved:
            continue
        asked: list[str] = []
        replied: list[str] = []
        for turn in (*t.turns, Turn("customer", "")):
            if turn.speaker == "customer":
                if replied and asked:
                    found.append(QAPair(t.id, " ".join(asked), " ".join(replied)))
                    asked = []
                if replied:
                    replied = []
                if turn.text:
                    asked.append(turn.text)
            elif asked and turn.text.strip():
                replied.append(turn.text)
    return found
