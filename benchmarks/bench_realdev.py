"""kefu's own real dev set: real customer messages replayed through the running bot.

The Chinese set is ~900 real customer messages from JD.com service chats
(`../shared/datasets/jddc2018_transcripts/pairs.csv`), kept in the repository only as
`(row_id, piece, label, split)` in `benchmarks/data/jddc_labels.csv`; the text is read from the
dataset at run time. The English set (`benchmarks/data/en_requests.csv`) is ~120 requests
written for kefu. Each label says what the demo food-delivery business should do with the
message: a knowledge entry id, `flow:<name>`, `none` (out of scope: say "I don't know"),
`human` (asks for a person), `context` (a fragment that needs earlier turns) or `greeting`
(hello / thanks / bye); `a|b` allows either. Definitions of the figures: `docs/realdev.md`.

A real `kefu serve --demo` runs on a fresh SQLite file. Every message gets a new conversation
of a demo customer who has orders (so flows can run); the message is posted through the public
API, the bot's reply is polled for, and its `payload` (`decision`, `knowledge_id`, `flow`,
`confidence`) is scored against the label. Where the payload lacks a key (the bot of `main`
has only `kind` and `knowledge_id`), it is inferred — the flow from the bot's stored state,
the confidence from the turn log in the server's database — and the result says so.

    python benchmarks/bench_realdev.py [--split calib|dev|all] [--set jddc|en|all]
                                       [--limit N | --quick] [--json]

Writes `benchmarks/results/realdev.json` and, for the calib split, the per-message
`benchmarks/results/realdev_calib.csv` (no dataset text) that the bot's thresholds are fitted on.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import RESULTS_DIR, HttpConnection, KefuServer, machine, write_result
from kefu.learning.precheck import SPECIAL, kind_of

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
JDDC_LABELS = DATA / "jddc_labels.csv"
EN_REQUESTS = DATA / "en_requests.csv"
DATASET = (
    Path(os.environ.get("KEFU_DATASETS", str(ROOT.parent / "shared" / "datasets")))
    / "jddc2018_transcripts"
    / "pairs.csv"
)

#: Decisions that commit the bot to something: a wrong one is a wrong answer.
ANSWERING = frozenset({"answer", "flow"})
#: The bot's social replies: a greeting, "you're welcome", "I'm here, what can I do?" (to
#: "在吗") and "OK, anything else?" — each the right reply to a hello / thanks / bye.
SOCIAL = frozenset({"greeting", "thanks", "prompt", "ack"})
#: Demo customers with orders, by language (no protected tags, so the bot answers them).
CUSTOMERS = {
    "zh": ("stu-1001", "stu-1003", "stu-1005", "stu-1007", "stu-1008", "stu-1010"),
    "en": ("stu-1004", "stu-1009"),
}


# -- labels ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    set: str  # "jddc" or "en"
    key: str  # "train-12:3" or "en:7"
    row_id: str
    piece: int | None
    label: str
    split: str
    text: str
    language: str

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.label.split("|"))


def label_kind(label: str) -> str:
    """in_scope (every option is an entry or a flow), human, none, greeting or context."""
    return kind_of(label.split("|"))


def read_jddc_labels(path: Path = JDDC_LABELS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_en_requests(path: Path = EN_REQUESTS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def dataset_pieces(path: Path = DATASET) -> dict[str, list[str]]:
    """Row id → the comma-separated pieces of its `context_QAQAQ` (trailing empties dropped)."""
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            pieces = row["context_QAQAQ"].split(",")
            while pieces and pieces[-1] == "":
                pieces.pop()
            out[row["id"]] = pieces
    return out


def load_cases(which: str, split: str, limit: int | None) -> tuple[list[Case], list[str]]:
    notes: list[str] = []
    cases: list[Case] = []
    if which in ("jddc", "all"):
        if DATASET.exists():
            pieces = dataset_pieces()
            for row in read_jddc_labels():
                text = pieces[row["row_id"]][int(row["piece"])].strip()
                cases.append(
                    Case(
                        "jddc",
                        f"{row['row_id']}:{row['piece']}",
                        row["row_id"],
                        int(row["piece"]),
                        row["label"],
                        row["split"],
                        text,
                        "zh",
                    )
                )
        else:
            notes.append(f"{DATASET} not found: the JDDC set was skipped")
    if which in ("en", "all"):
        for n, row in enumerate(read_en_requests()):
            cases.append(
                Case(
                    "en", f"en:{n}", f"en:{n}", None, row["label"], row["split"], row["text"], "en"
                )
            )
    if split != "all":
        cases = [c for c in cases if c.split == split]
    if limit:
        by_set: dict[str, list[Case]] = {}
        for c in cases:
            by_set.setdefault(c.set, []).append(c)
        cases = [c for group in by_set.values() for c in group[:limit]]
    return cases, notes


# -- one turn -------------------------------------------------------------------------------


@dataclass(slots=True)
class Turn:
    """What the bot did with one message."""

    decision: str  # answer, flow, clarify, unknown, handover, greeting, silent
    knowledge_id: str | None = None
    flow: str | None = None
    confidence: float | None = None
    choices: tuple[str, ...] = ()  # "kb:<id>" / "flow:<name>" values of a clarify
    features: dict[str, Any] = field(default_factory=dict)
    inferred: tuple[str, ...] = ()  # payload keys that were missing and inferred
    conversation_id: str = ""
    latency_ms: float = 0.0


_KIND_TO_DECISION = {
    "answer": "answer",
    "flow": "flow",
    "clarify": "clarify",
    "unknown": "unknown",
    "handover": "handover",
    "greeting": "greeting",
}
#: Payload keys that are customer-facing content or bulky, not features of the decision.
_NOT_FEATURES = frozenset({"orders", "suggestions", "choices", "card", "order"})


def read_payload(payload: dict[str, Any] | None, status: str) -> Turn:
    """The bot's decision from a reply's payload; marks what had to be inferred."""
    payload = payload or {}
    inferred: list[str] = []
    decision = payload.get("decision")
    if not isinstance(decision, str):
        inferred.append("decision")
        kind = payload.get("kind")
        # The bot of `main` sends greeting/thanks replies (and "a person will check this"
        # drafts) without a `kind`; the turn log tells them apart, see infer_from_database.
        decision = "greeting" if kind is None else _KIND_TO_DECISION.get(str(kind), str(kind))
    if status != "bot" and decision not in ("handover",):
        # The conversation left the bot with this turn (e.g. a rule hand-over).
        decision = "handover"
    # Only a clarify's choices are candidate answers (a flow's are orders, yes/no…).
    choices = tuple(
        str(c.get("value"))
        for c in (payload.get("choices", []) or [] if decision == "clarify" else [])
        if isinstance(c, dict) and c.get("value") not in (None, "human", "keep_bot")
    )
    flow = payload.get("flow")
    if "flow" not in payload:
        inferred.append("flow")
    confidence = payload.get("confidence")
    if "confidence" not in payload:
        inferred.append("confidence")
    features = {k: v for k, v in payload.items() if k not in _NOT_FEATURES}
    return Turn(
        decision=decision,
        knowledge_id=payload.get("knowledge_id"),
        flow=flow if isinstance(flow, str) else None,
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        choices=choices,
        features=features,
        inferred=tuple(inferred),
    )


async def _turn(http: HttpConnection, case: Case, customer: str) -> Turn:
    status, body = await http.request(
        "POST",
        "/api/v1/public/conversations",
        {"external_id": customer, "language": case.language},
    )
    if status != 201:
        raise RuntimeError(f"start conversation: HTTP {status} {body[:200]!r}")
    started = json.loads(body)
    cid = started["conversation_id"]
    auth = {"Authorization": f"Bearer {started['customer_token']}"}
    base = f"/api/v1/public/conversations/{cid}"
    sent_at = time.perf_counter()
    status, body = await http.request("POST", f"{base}/messages", {"text": case.text}, auth)
    if status != 201:
        raise RuntimeError(f"post message: HTTP {status} {body[:200]!r}")
    seq = json.loads(body)["seq"]
    reply: dict[str, Any] | None = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        _, body = await http.request("GET", f"{base}/messages?after={seq}", None, auth)
        bots = [
            m
            for m in json.loads(body)["messages"]
            if m["sender"] == "bot" and m.get("client_id") != "bot:greeting"
        ]
        mine = [m for m in bots if m.get("client_id") == f"bot:{seq}"]
        if mine or bots:
            reply = (mine or bots)[0]
            break
        await asyncio.sleep(0.02)
    latency = (time.perf_counter() - sent_at) * 1000
    _, body = await http.request("GET", base, None, auth)
    conv_status = json.loads(body)["status"]
    if reply is None:
        turn = Turn("handover" if conv_status != "bot" else "silent")
    else:
        turn = read_payload(reply.get("payload"), conv_status)
    turn.conversation_id = cid
    turn.latency_ms = latency
    return turn


def infer_from_database(database: str, cases: list[Case], turns: list[Turn]) -> None:
    """Fills a missing flow / confidence from the server's own tables (the bot of `main`).

    The bot posts its reply before it stores the turn, so this waits (up to 10 s) until every
    conversation's turn is in the log."""
    path = database.removeprefix("sqlite:///")
    wanted = {t.conversation_id for t in turns}
    deadline = time.monotonic() + 10
    while True:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            states = {
                cid: json.loads(state) if isinstance(state, str) else state
                for cid, state in con.execute("SELECT conversation_id, state FROM bot_states")
            }
            logged = {
                cid: (intent, confidence, bool(is_oos), outcome)
                for cid, intent, confidence, is_oos, outcome in con.execute(
                    "SELECT conversation_id, intent, confidence, is_oos, outcome FROM bot_turns"
                )
            }
        finally:
            con.close()
        if wanted <= logged.keys() or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for case, turn in zip(cases, turns, strict=True):
        if turn.conversation_id in logged:
            intent, confidence, is_oos, outcome = logged[turn.conversation_id]
            if "decision" in turn.inferred and "kind" not in turn.features and outcome == "drafted":
                turn.decision = "draft"  # held for an agent's approval: not sent as an answer
            turn.features.setdefault("intent", intent)
            turn.features.setdefault("intent_confidence", round(float(confidence), 4))
            turn.features.setdefault("is_oos", is_oos)
            if "confidence" in turn.inferred:
                turn.confidence = float(confidence)
        if turn.decision == "flow" and turn.flow is None:
            turn.flow = _flow_of(states.get(turn.conversation_id) or {}, case.text)


_PHONE_WORDS = ("电话", "手机", "号码", "phone", "number")


def _flow_of(state: dict[str, Any], text: str) -> str | None:
    """The flow a stored bot memory is in, or the last one it finished. `main`'s contact flow
    is `change_address` with `field: phone` for a phone number; once finished, only the
    message tells which (the bot's own rule: a phone word in it)."""
    flow = state.get("flow")
    if isinstance(flow, dict) and flow.get("name"):
        name = str(flow["name"])
        phone = (flow.get("slots") or {}).get("field") == "phone"
    else:
        done = [a for a in state.get("answered", []) if str(a).startswith("flow:")]
        if not done:
            return None
        name = str(done[-1])[5:]
        phone = any(w in text.lower() for w in _PHONE_WORDS)
    return "change_phone" if name == "change_address" and phone else name


async def replay(server: KefuServer, cases: list[Case], workers: int) -> list[Turn]:
    turns: list[Turn | None] = [None] * len(cases)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(cases)):
        queue.put_nowait(i)

    async def work(n: int) -> None:
        http = await HttpConnection(server.host, server.port).connect()
        try:
            while not queue.empty():
                i = queue.get_nowait()
                case = cases[i]
                pool = CUSTOMERS[case.language]
                turns[i] = await _turn(http, case, pool[i % len(pool)])
        finally:
            await http.close()

    await asyncio.gather(*(work(n) for n in range(workers)))
    return [t for t in turns if t is not None]


# -- scoring --------------------------------------------------------------------------------


def hits(option: str, turn: Turn) -> bool:
    """Whether an answer/flow decision does what one label option asks."""
    if option.startswith("flow:"):
        return turn.decision == "flow" and turn.flow == option[5:]
    if option in SPECIAL:
        return False
    return turn.decision in ANSWERING and turn.knowledge_id == option


def offered(option: str, turn: Turn) -> bool:
    """Whether a clarify question offers the option among its choices."""
    if turn.decision != "clarify":
        return False
    if option.startswith("flow:"):
        return option in turn.choices
    return f"kb:{option}" in turn.choices


def judge(case: Case, turn: Turn) -> str:
    """right, clarified_right, clarified_wrong, wrong, handover, unknown, greeting, silent."""
    options = case.options
    if turn.decision in ANSWERING:
        return "right" if any(hits(o, turn) for o in options) else "wrong"
    if turn.decision == "clarify":
        return "clarified_right" if any(offered(o, turn) for o in options) else "clarified_wrong"
    return turn.decision


def handled_right(case: Case, turn: Turn) -> bool:
    """One message handled as its label asks: an in-scope one answered or clarified right, a
    `none` one declined (unknown / hand-over), a `human` one handed over, a greeting greeted,
    a `context` fragment not answered wrongly."""
    verdict = judge(case, turn)
    kind = label_kind(case.label)
    if verdict == "right":
        return True
    if kind == "in_scope":
        return verdict == "clarified_right"
    if kind == "none":
        return turn.decision in ("unknown", "handover")
    if kind == "human":
        return turn.decision == "handover" or (
            "greeting" in case.options and turn.decision in SOCIAL
        )
    if kind == "greeting":
        return turn.decision in SOCIAL
    return verdict != "wrong"


def score(cases: list[Case], turns: list[Turn]) -> dict[str, Any]:
    verdicts = [judge(c, t) for c, t in zip(cases, turns, strict=True)]
    kinds = [label_kind(c.label) for c in cases]
    by_kind: dict[str, Counter[str]] = {}
    for kind, verdict in zip(kinds, verdicts, strict=True):
        by_kind.setdefault(kind, Counter())[verdict] += 1
    in_scope = by_kind.get("in_scope", Counter())
    n_in = sum(in_scope.values())
    answers = sum(v in ("right", "wrong") for v in verdicts)
    wrong = sum(v == "wrong" for v in verdicts)
    human = [
        (c, t, v) for c, t, v, k in zip(cases, turns, verdicts, kinds, strict=True) if k == "human"
    ]
    human_right = sum(
        t.decision == "handover"
        or v == "right"
        or ("greeting" in c.options and t.decision in SOCIAL)
        for c, t, v in human
    )
    none = by_kind.get("none", Counter())
    n_none = sum(none.values())
    greeting = by_kind.get("greeting", Counter())
    context = by_kind.get("context", Counter())
    answers_wo_context = answers - context["right"] - context["wrong"]

    def share(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "messages": len(cases),
        "handled_right": share(
            sum(handled_right(c, t) for c, t in zip(cases, turns, strict=True)), len(cases)
        ),
        "by_label_kind": {k: sum(c.values()) for k, c in sorted(by_kind.items())},
        "in_scope": n_in,
        "coverage": share(in_scope["right"] + in_scope["clarified_right"], n_in),
        "answered_right": share(in_scope["right"], n_in),
        "answers": answers,
        "wrong_answers": wrong,
        "wrong_answer_rate": share(wrong, answers),
        "wrong_answers_by_label_kind": {
            k: c["wrong"] for k, c in sorted(by_kind.items()) if c["wrong"]
        },
        "wrong_answer_rate_without_context": share(wrong - context["wrong"], answers_wo_context),
        "human": len(human),
        "handover_right": share(human_right, len(human)),
        "none": n_none,
        "none_declined": share(none["unknown"] + none["handover"], n_none),
        "none_answered": share(none["wrong"], n_none),
        "greeting": sum(greeting.values()),
        "greeting_right": share(sum(greeting[d] for d in SOCIAL), sum(greeting.values())),
        "greeting_right_strict": share(greeting["greeting"], sum(greeting.values())),
        "verdicts_by_label_kind": {k: dict(c) for k, c in sorted(by_kind.items())},
        "decisions": dict(Counter(t.decision for t in turns)),
    }


# -- main -----------------------------------------------------------------------------------


CSV_COLUMNS = [
    "set",
    "row_id",
    "piece",
    "label",
    "decision",
    "knowledge_id",
    "flow",
    "confidence",
    "verdict",
    "choices",
    "features",
    "inferred",
]


def write_calib_csv(cases: list[Case], turns: list[Turn], path: Path) -> int:
    rows = [(c, t) for c, t in zip(cases, turns, strict=True) if c.split == "calib"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for c, t in rows:
            writer.writerow(
                [
                    c.set,
                    c.row_id,
                    "" if c.piece is None else c.piece,
                    c.label,
                    t.decision,
                    t.knowledge_id or "",
                    t.flow or "",
                    "" if t.confidence is None else round(t.confidence, 4),
                    judge(c, t),
                    "|".join(t.choices),
                    json.dumps(t.features, ensure_ascii=False, sort_keys=True),
                    "|".join(t.inferred),
                ]
            )
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("calib", "dev", "all"), default="all")
    parser.add_argument("--set", dest="which", choices=("jddc", "en", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="at most N messages per set")
    parser.add_argument("--workers", type=int, default=4, help="concurrent customers")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--quick", action="store_true", help="--limit 60 (a smoke run)")
    args = parser.parse_args(argv)
    if args.quick and not args.limit:
        args.limit = 60
    cases, notes = load_cases(args.which, args.split, args.limit)
    if not cases:
        print("no labelled messages to replay", file=sys.stderr)
        return 2
    env = {"KEFU_BOT_ENABLED": "true", "KEFU_AUTO_ASSIGN": "false"}
    wall = time.perf_counter()
    with KefuServer(env=env, demo=True) as server:
        cpu_before = server.cpu_seconds()
        turns = asyncio.run(replay(server, cases, args.workers))
        cpu = server.cpu_seconds() - cpu_before
        rss = server.rss_kib()
        infer_from_database(server.database, cases, turns)
    wall = time.perf_counter() - wall
    inferred = sorted({k for t in turns for k in t.inferred})
    if inferred:
        notes.append(
            "the bot's payload lacks " + ", ".join(inferred) + ": inferred "
            "(decision from `kind`, flow from the stored bot state, confidence = the "
            "intent classifier's confidence from the turn log)"
        )
    result: dict[str, Any] = {
        "machine": machine(),
        "args": {"split": args.split, "set": args.which, "limit": args.limit},
        "notes": notes,
        "server": {
            "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 2),
            "cpu_ms_per_message": round(cpu * 1000 / len(cases), 2),
            "rss_mib": round(rss / 1024, 1),
        },
    }
    for which in ("jddc", "en"):
        picked = [(c, t) for c, t in zip(cases, turns, strict=True) if c.set == which]
        if not picked:
            continue
        part: dict[str, Any] = {}
        for split in ("calib", "dev"):
            sub = [(c, t) for c, t in picked if c.split == split]
            if sub:
                part[split] = score([c for c, _ in sub], [t for _, t in sub])
        part["all"] = score([c for c, _ in picked], [t for _, t in picked])
        result[which] = part
    # A partial (--limit / --quick) run never overwrites the full figures.
    suffix = "_quick" if args.limit else ""
    path = write_result(f"realdev{suffix}.json", result)
    if any(c.split == "calib" for c in cases):
        n = write_calib_csv(cases, turns, RESULTS_DIR / f"realdev_calib{suffix}.csv")
        result["calib_csv_rows"] = n
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for note in notes:
            print(f"note: {note}")
        for which in ("jddc", "en"):
            for split, s in result.get(which, {}).items():
                print(_line(which, split, s))
        print(f"wrote {path}")
    return 0


def _line(which: str, split: str, s: dict[str, Any]) -> str:
    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.1%}"

    return (
        f"{which:4} {split:5} n={s['messages']:4} handled right {pct(s['handled_right'])}, "
        f"in-scope={s['in_scope']:3} "
        f"coverage {pct(s['coverage'])} (answered right {pct(s['answered_right'])}), "
        f"wrong answers {pct(s['wrong_answer_rate'])} ({s['wrong_answers']}/{s['answers']}), "
        f"handover-right {pct(s['handover_right'])} ({s['human']}), "
        f"none declined {pct(s['none_declined'])} ({s['none']})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
