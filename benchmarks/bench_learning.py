"""What the learning loop buys on real data: proposals mined from JDDC transcripts without the
labelled rows, accepted on a copy of the demo knowledge base, and the real dev set replayed
before and after — same questions, same bot.

1. **No leak.** Every row of `benchmarks/data/jddc_labels.csv` (calib and dev) is left out of
   the mining, and so is (a) every other window of the same chat (consecutive windows that
   share a message, or where one continues the other's agent reply) and (b) every window
   anywhere in the corpus that contains a labelled message's text (compared the way mining
   compares questions: greetings, placeholders and punctuation removed; only texts mining
   could use, ≥ 4 characters). After mining, no proposal phrasing may equal a labelled message
   (checked, the run fails otherwise).
2. **The pilot's decisions, carried over.** The pilot (`docs/learning.md`) judged the 48
   proposals mined from the whole corpus (`benchmarks/data/learning_pilot_judgements.csv`, ids
   and verdicts only). The questions are encoded once; the whole corpus is mined again (and
   must give the pilot's 48 ids), then the rows left after the exclusion. A re-mined proposal
   takes the verdict of the pilot proposal with the same id; failing that, of the pilot
   proposal of the same kind and entry that shares the most source conversations (at least a
   quarter of the smaller source list). The re-mined proposals that match no pilot proposal
   were judged the same way for this benchmark (`learning_remined_judgements.csv`).
   The rule and those verdicts were fixed before any "after" replay was run.
3. **Arms**, each on a fresh `kefu serve --demo` (SQLite) whose review queue gets the re-mined
   proposals and whose supervisor accepts some through the public API, as mined (the pilot kept
   verdicts, not the edits):
   - `before`: nothing accepted;
   - `accepted`: the proposals whose pilot verdict is "accept as is";
   - `accepted_and_edited`: also those the pilot would accept after an edit, unedited (an upper
     bound of what the reviewer let through, without the reviewer's fixes);
   - `accepted_trimmed`: as `accepted`, but a proposal the pre-check refuses is accepted
     without the wordings it blames when every taking is blamed on one of them (re-checked);
   - `everything`: every proposal, unreviewed (what the loop would do with no review queue).
   Every accept goes through the pre-check: a risky proposal is refused (409), never
   confirmed.
   The shipped knowledge base is never touched: each server seeds its own database.

    python benchmarks/bench_learning.py [--set jddc|en|all] [--split dev|calib|all]
                                        [--arms before,accepted,...] [--limit N | --quick]
                                        [--gate-only]

Writes `benchmarks/results/learning.json` (figures, counts, proposal ids and kinds — no dataset
text). The mined proposals and the question vectors are cached in `benchmarks/.cache/`
(git-ignored: they hold dataset text).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import RESULTS_DIR, HttpConnection, KefuServer, machine, write_result
from bench_realdev import (
    CUSTOMERS,
    DATASET,
    JDDC_LABELS,
    Case,
    _turn,
    dataset_pieces,
    infer_from_database,
    judge,
    load_cases,
    read_jddc_labels,
    replay,
    score,
)
from kefu.demo import DEMO_PASSWORD
from kefu.knowledge.demo import demo_entries
from kefu.learning import mining
from kefu.learning.actions import Learning
from kefu.learning.encoders import HashingEncoder
from kefu.learning.fakes import MemoryKnowledge, MemoryLearningStore
from kefu.learning.mining import QAPair
from kefu.learning.model import Proposal, ProposalKind
from kefu.learning.ports import Encoder
from kefu.learning.transcripts import pairs as transcript_pairs
from kefu.learning.transcripts import read_transcripts
from kefu.learning.wiring import default_encoder

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
JUDGEMENTS = HERE / "data" / "learning_pilot_judgements.csv"
#: The re-mined proposals the pilot never saw, judged the same way before any replay.
REMINED_JUDGEMENTS = HERE / "data" / "learning_remined_judgements.csv"
ARMS = ("before", "accepted", "accepted_trimmed", "accepted_and_edited", "everything")
ACCEPTING = {
    "before": frozenset[str](),
    "accepted": frozenset({"accept"}),
    "accepted_trimmed": frozenset({"accept"}),
    "accepted_and_edited": frozenset({"accept", "edit"}),
}
#: Arms whose reviewer takes the pre-check's offer on a risky proposal: accept it without
#: the wordings it blames, when every taking is blamed on one of them (re-checked).
TRIMMING = frozenset({"accepted_trimmed"})
REVIEWER = "lead@kefu.local"
ACCOUNT = "default"
MIN_CORE = 4  # the shortest question mining uses (MiningRule.min_question_chars)
NOW = datetime(2026, 12, 2, tzinfo=UTC)


# -- which rows may be mined --------------------------------------------------------------


def core(text: str) -> str:
    """A message as mining compares it: no greetings, placeholders, waiting phrases or
    punctuation."""
    return mining._PUNCT.sub("", mining._FILLER.sub("", text))


@dataclass(frozen=True, slots=True)
class Exclusion:
    labelled: frozenset[str]
    same_chat: frozenset[str]
    same_text: frozenset[str]

    @property
    def rows(self) -> frozenset[str]:
        return self.labelled | self.same_chat | self.same_text


def _sequence(row_id: str) -> tuple[str, int]:
    split, _, n = row_id.rpartition("-")
    return split, int(n)


def chats(rows: Sequence[dict[str, str]]) -> list[list[str]]:
    """Consecutive windows of one chat: the next window shares a message (≥ 4 characters of
    substance) with this one, or contains this window's agent reply."""
    found: list[list[str]] = []
    previous: dict[str, str] | None = None
    for row in rows:
        joined = False
        if previous is not None:
            a, b = _sequence(previous["id"]), _sequence(row["id"])
            if a[0] == b[0] and b[1] == a[1] + 1:
                mine = {core(p) for p in previous["context_QAQAQ"].split(",")}
                theirs = {core(p) for p in row["context_QAQAQ"].split(",")}
                reply = core(previous["agent_response"])
                shared = {c for c in mine & theirs if len(c) >= MIN_CORE}
                joined = bool(shared) or (len(reply) >= MIN_CORE and reply in theirs)
        if joined:
            found[-1].append(row["id"])
        else:
            found.append([row["id"]])
        previous = row
    return found


def exclusion(rows: Sequence[dict[str, str]], labels: Sequence[dict[str, str]]) -> Exclusion:
    pieces = {r["id"]: r["context_QAQAQ"].split(",") for r in rows}
    labelled = frozenset(label["row_id"] for label in labels)
    texts = {core(pieces[label["row_id"]][int(label["piece"])].strip()) for label in labels}
    texts = {t for t in texts if len(t) >= MIN_CORE}
    same_chat = set()
    for chat in chats(rows):
        if labelled & set(chat):
            same_chat.update(chat)
    same_text = {rid for rid, ps in pieces.items() if texts & {core(p.strip()) for p in ps}}
    return Exclusion(
        labelled,
        frozenset(same_chat - labelled),
        frozenset(same_text - labelled - same_chat),
    )


# -- mining ---------------------------------------------------------------------------------


def _encode_cached(encoder: Encoder, name: str, texts: list[str]) -> np.ndarray:
    digest = hashlib.sha256(("\n".join(texts) + name).encode()).hexdigest()[:20]
    path = CACHE / f"vectors-{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = encoder.encode(texts)
    CACHE.mkdir(exist_ok=True)
    np.save(path, vectors)
    return vectors


def mine_both(
    rows: Sequence[dict[str, str]], excluded: frozenset[str], encoder_name: str
) -> tuple[list[Proposal], list[Proposal], dict[str, int]]:
    """The pilot's proposals (whole corpus) and the re-mined ones (without `excluded`),
    from one encoding of the questions."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pairs.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["id", "context_QAQAQ", "agent_response"])
            writer.writeheader()
            for r in rows:
                writer.writerow({k: r[k] for k in ("id", "context_QAQAQ", "agent_response")})
        found = read_transcripts(path)
    encoder: Encoder = HashingEncoder() if encoder_name == "chars" else default_encoder()
    learning = Learning(
        MemoryLearningStore(), MemoryKnowledge(demo_entries()), encoder, lambda: NOW
    )
    qa = transcript_pairs(found)
    good = mining.usable(qa, learning.rule)
    questions = _encode_cached(encoder, encoder_name, [p.question for p in good])
    answers = learning.reply_encoder.encode([p.answer for p in good])
    known = learning.known_entries()

    def run(keep: list[int]) -> list[Proposal]:
        chosen: list[QAPair] = [good[i] for i in keep]
        return mining.mine(
            chosen,
            questions[keep],
            answers[keep],
            known,
            account_id=ACCOUNT,
            language="zh",
            now=NOW,
            rule=learning.rule,
        )

    everything = list(range(len(good)))
    kept = [i for i, p in enumerate(good) if p.conversation_id not in excluded]
    counts = {
        "windows": len(rows),
        "windows_with_question": len(found),
        "pairs": len(qa),
        "usable_pairs": len(good),
        "usable_pairs_after_exclusion": len(kept),
        "windows_after_exclusion": sum(r["id"] not in excluded for r in rows),
    }
    return run(everything), run(kept), counts


# -- the pilot's verdicts, carried over -----------------------------------------------------


def read_judgements(path: Path = JUDGEMENTS) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["proposal_id"]: r["verdict"] for r in csv.DictReader(f)}


def carry_over(
    pilot: Sequence[Proposal],
    remined: Sequence[Proposal],
    verdicts: dict[str, str],
    extra: dict[str, str] | None = None,
) -> dict[str, tuple[str, str, str | None]]:
    """Re-mined proposal id → (verdict, how it was matched, pilot id). `extra` holds the
    verdicts of re-mined proposals no pilot proposal matches."""
    extra = extra or {}
    by_id = {p.id: p for p in pilot}
    out: dict[str, tuple[str, str, str | None]] = {}
    for p in remined:
        if p.id in by_id and p.id in verdicts:
            out[p.id] = (verdicts[p.id], "same id", p.id)
            continue
        best, overlap = None, 0
        for q in pilot:
            if q.kind is not p.kind or q.entry_id != p.entry_id or q.id not in verdicts:
                continue
            common = len(set(p.sources) & set(q.sources))
            if common > overlap:
                best, overlap = q, common
        smaller = min(len(p.sources), len(best.sources)) if best else 0
        if best is not None and overlap * 4 >= smaller:
            out[p.id] = (verdicts[best.id], f"{overlap} shared sources", best.id)
        elif p.id in extra:
            out[p.id] = (extra[p.id], "judged for this benchmark", None)
        else:
            out[p.id] = ("unreviewed", "no pilot proposal", None)
    return out


# -- one arm --------------------------------------------------------------------------------


async def _queue(database: str, proposals: Sequence[Proposal]) -> None:
    """Puts the proposals in a database's review queue (before its server starts: SQLite
    has one writer, and the starting server is busy seeding the demo)."""
    from kefu.adapters.db.engine import create_engine
    from kefu.adapters.db.learning_store import SqlLearningStore

    engine = create_engine(database)
    try:
        await SqlLearningStore(engine).add_proposals(list(proposals))
    finally:
        await engine.dispose()


async def _accept(
    server: KefuServer, proposals: Sequence[Proposal], *, trim: bool = False
) -> dict[str, Any]:
    """A supervisor accepts the queued proposals through the API, as mined; with `trim`,
    a proposal the pre-check calls risky is accepted without the wordings it blames."""
    http = await HttpConnection(server.host, server.port).connect()
    refused: list[dict[str, Any]] = []
    accepted: list[str] = []
    trimmed: list[dict[str, Any]] = []
    try:
        status, body = await http.request(
            "POST", "/api/v1/agent/login", {"email": REVIEWER, "password": DEMO_PASSWORD}
        )
        if status != 200:
            raise RuntimeError(f"login: HTTP {status} {body[:200]!r}")
        auth = {"Authorization": f"Bearer {json.loads(body)['token']}"}
        for p in proposals:
            status, body = await http.request(
                "POST", f"/api/v1/admin/learning/proposals/{p.id}/accept", {}, auth
            )
            if status == 409 and trim:
                check = json.loads(
                    (
                        await http.request(
                            "GET", f"/api/v1/admin/learning/proposals/{p.id}/precheck", None, auth
                        )
                    )[1]
                )
                if check.get("trimmable"):
                    blamed = set(check["culprits"])
                    kept = [x for x in p.phrasings if x not in blamed]
                    status, body = await http.request(
                        "POST",
                        f"/api/v1/admin/learning/proposals/{p.id}/accept",
                        {"phrasings": kept},
                        auth,
                    )
                    if status == 200:
                        # Positions, not text: learning.json holds no dataset text.
                        keep = [i for i, x in enumerate(p.phrasings) if x not in blamed]
                        trimmed.append({"id": p.id, "kept": keep})
            if status == 200:
                accepted.append(p.id)
            else:
                error = json.loads(body).get("error", {})
                # The pre-check's refusal names example questions: dataset text, not kept.
                refused.append({"id": p.id, "status": status, "code": error.get("code")})
    finally:
        await http.close()
    return {
        "accepted": len(accepted),
        "accepted_ids": accepted,
        "trimmed": trimmed,
        "refused": refused,
    }


async def _warm_up(server: KefuServer, timeout_s: float = 300.0) -> None:
    """One message answered before the replay: right after many knowledge edits the first
    turns also encode the new phrasings, which on a loaded machine can exceed the replay's
    20 s wait and would be scored as silence."""
    case = Case("jddc", "warm-up", "warm-up", None, "none", "warm-up", "外卖什么时候到", "zh")
    http = await HttpConnection(server.host, server.port).connect()
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if (await _turn(http, case, CUSTOMERS["zh"][0])).decision != "silent":
                return
    finally:
        await http.close()
    raise RuntimeError(f"the bot did not answer within {timeout_s} s")


def run_arm(
    cases: list[Any], proposals: Sequence[Proposal], workers: int, *, trim: bool = False
) -> tuple[dict[str, Any], list[Any]]:
    from kefu.adapters.db import migrate

    env = {"KEFU_BOT_ENABLED": "true", "KEFU_AUTO_ASSIGN": "false"}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kefu-learning-") as tmp:
        database = f"sqlite:///{Path(tmp) / 'kefu.db'}"
        migrate.upgrade(database)
        if proposals:
            asyncio.run(_queue(database, proposals))
        with KefuServer(database, env=env, demo=True) as server:
            applied = (
                asyncio.run(_accept(server, proposals, trim=trim)) if proposals else {"accepted": 0}
            )
            asyncio.run(_warm_up(server))
            turns = asyncio.run(replay(server, cases, workers))
            infer_from_database(server.database, cases, turns)
    out: dict[str, Any] = {"proposals": len(proposals), **applied}
    for which in ("jddc", "en"):
        for split in ("calib", "dev"):
            picked = [
                (c, t)
                for c, t in zip(cases, turns, strict=True)
                if c.set == which and c.split == split
            ]
            if picked:
                out[f"{which}_{split}"] = score([c for c, _ in picked], [t for _, t in picked])
    out["wall_s"] = round(time.perf_counter() - started, 1)
    return out, turns


def changes(cases: list[Any], before: list[Any], after: list[Any]) -> list[dict[str, Any]]:
    """The messages an arm handled differently from `before` (row ids and labels only)."""
    out = []
    for c, b, a in zip(cases, before, after, strict=True):
        vb, va = judge(c, b), judge(c, a)
        if (vb, b.knowledge_id, b.flow) != (va, a.knowledge_id, a.flow):
            out.append(
                {
                    "key": c.key,
                    "set": c.set,
                    "label": c.label,
                    "before": {"verdict": vb, "knowledge_id": b.knowledge_id, "flow": b.flow},
                    "after": {"verdict": va, "knowledge_id": a.knowledge_id, "flow": a.flow},
                }
            )
    return out


# -- what the evaluation gate says of each arm ---------------------------------------------


async def _accept_in_memory(
    knowledge: MemoryKnowledge,
    chosen: Sequence[Proposal],
    reviewer: Any,
    kept: dict[str, list[int]] | None = None,
) -> None:
    """Accepts `chosen` as the arm's reviewer did: `kept` are the phrasings (by position)
    of the proposals accepted without the wordings the pre-check blamed."""
    from kefu.learning.actions import ProposalEdit

    store = MemoryLearningStore()
    learning = Learning(store, knowledge, HashingEncoder(), lambda: NOW)
    await store.add_proposals(list(chosen))
    for p in chosen:
        if kept and p.id in kept:
            edit = ProposalEdit(phrasings=tuple(p.phrasings[i] for i in kept[p.id]))
            await learning.accept(reviewer, p.id, edit)
        else:
            await learning.accept(reviewer, p.id)


def gate_arms(
    chosen_by_arm: dict[str, list[Proposal]],
    kept_by_arm: dict[str, dict[str, list[int]]] | None = None,
) -> dict[str, Any]:
    """Each arm's knowledge base (the demo one with its proposals accepted as mined) as a
    retraining candidate: its knowledge metrics on the frozen dev sets, and whether the gate
    (tolerance 1 point) would promote it over the demo knowledge base."""
    from kefu.domain.agent import Agent, Role
    from kefu.knowledge.service import matcher_entry
    from kefu.learning.evaluation import frozen_dev_sets, knowledge_metrics
    from kefu.learning.gate import judge
    from kefu.nlu.build import KNOWLEDGE_DIR, MODELS_DIR
    from kefu.nlu.matcher import KnowledgeMatcher

    dev = frozen_dev_sets(DATASET.parents[1])
    reviewer = Agent(
        id="a-bench",
        account_id=ACCOUNT,
        email=REVIEWER,
        name="bench",
        role=Role.SUPERVISOR,
        password_hash="x",
        created_at=NOW,
    )
    out: dict[str, Any] = {}
    baseline = None
    for arm, chosen in chosen_by_arm.items():
        knowledge = MemoryKnowledge(demo_entries())
        kept = (kept_by_arm or {}).get(arm)
        asyncio.run(_accept_in_memory(knowledge, chosen, reviewer, kept))
        matcher = KnowledgeMatcher.load(MODELS_DIR / KNOWLEDGE_DIR)
        matcher.train([matcher_entry(e) for e in knowledge.all() if e.enabled])
        metrics = knowledge_metrics(matcher, dev)
        if baseline is None:
            baseline = metrics
        verdict = judge(baseline, metrics, 0.01)
        out[arm] = {
            "metrics": {k: round(m.value, 4) for k, m in metrics.items()},
            "promoted": verdict.promote,
            "verdict": verdict.reason(),
        }
        print(f"gate {arm}: {out[arm]}", file=sys.stderr)
    return out


# -- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="which", choices=("jddc", "en", "all"), default="all")
    parser.add_argument("--split", choices=("calib", "dev", "all"), default="dev")
    parser.add_argument("--arms", default=",".join(ARMS), help="comma-separated, of " + str(ARMS))
    parser.add_argument("--limit", type=int, default=None, help="at most N messages per set")
    parser.add_argument("--quick", action="store_true", help="--limit 60 (a smoke run)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--encoder", choices=("auto", "chars"), default="auto")
    parser.add_argument("--mine-only", action="store_true", help="stop after mining")
    parser.add_argument(
        "--gate-only",
        action="store_true",
        help="only add what the evaluation gate says of each arm to learning.json",
    )
    args = parser.parse_args(argv)
    if args.quick and not args.limit:
        args.limit = 60
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    if not set(arms) <= set(ARMS) or not arms:
        print(f"--arms: choose among {', '.join(ARMS)}", file=sys.stderr)
        return 2
    if not DATASET.exists():
        print(f"{DATASET} not found: nothing to mine", file=sys.stderr)
        return 2
    encoder_name = "chars" if isinstance(default_encoder(), HashingEncoder) else "e5"
    if args.encoder == "chars":
        encoder_name = "chars"

    with DATASET.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    labels = read_jddc_labels(JDDC_LABELS)
    excluded = exclusion(rows, labels)
    t0 = time.perf_counter()
    pilot, remined, counts = mine_both(rows, excluded.rows, encoder_name)
    mining_s = time.perf_counter() - t0
    verdicts = read_judgements()
    pilot_ids = {p.id for p in pilot}
    notes = []
    if pilot_ids != set(verdicts):
        notes.append(
            f"the whole corpus gave {len(pilot_ids & set(verdicts))} of the pilot's "
            f"{len(verdicts)} proposals ({len(pilot_ids - set(verdicts))} others): "
            "verdicts are carried over where they match"
        )
    # The check that nothing labelled leaked: no phrasing of a re-mined proposal is a
    # labelled message.
    pieces = dataset_pieces()
    labelled_texts = {
        core(pieces[label["row_id"]][int(label["piece"])].strip()) for label in labels
    }
    leaked = [
        p.id
        for p in remined
        for text in (p.question, *p.phrasings)
        if core(text) in labelled_texts and len(core(text)) >= MIN_CORE
    ]
    if leaked:
        print(f"labelled messages leaked into proposals: {sorted(set(leaked))}", file=sys.stderr)
        return 1
    carried = carry_over(pilot, remined, verdicts, read_judgements(REMINED_JUDGEMENTS))
    by_kind_verdict: dict[str, int] = {}
    for p in remined:
        key = f"{p.kind.value}:{carried[p.id][0]}"
        by_kind_verdict[key] = by_kind_verdict.get(key, 0) + 1
    result: dict[str, Any] = {
        "machine": machine(),
        "args": {"set": args.which, "split": args.split, "limit": args.limit, "arms": arms},
        "encoder": encoder_name,
        "exclusion": {
            "labelled_rows": len(excluded.labelled),
            "same_chat_rows": len(excluded.same_chat),
            "same_text_rows": len(excluded.same_text),
            "rows_excluded": len(excluded.rows),
        },
        "mining": {**counts, "cpu_wall_s": round(mining_s, 1)},
        "pilot_proposals": len(pilot),
        "pilot_ids_reproduced": len(pilot_ids & set(verdicts)),
        "remined_proposals": len(remined),
        "remined_by_kind": {
            k.value: sum(p.kind is k for p in remined)
            for k in (ProposalKind.NEW_ENTRY, ProposalKind.PHRASING)
        },
        "remined_by_kind_and_verdict": dict(sorted(by_kind_verdict.items())),
        "carried_over": [
            {
                "id": p.id,
                "kind": p.kind.value,
                "entry_id": p.entry_id,
                "support": p.support,
                "verdict": carried[p.id][0],
                "matched": carried[p.id][1],
                "pilot_id": carried[p.id][2],
            }
            for p in remined
        ],
        "notes": notes,
        "arms": {},
    }
    print(
        f"excluded {len(excluded.rows)} windows; pilot {len(pilot)} proposals "
        f"({len(pilot_ids & set(verdicts))} ids as judged), re-mined {len(remined)}: "
        f"{by_kind_verdict}",
        file=sys.stderr,
    )
    if args.mine_only:
        write_result("learning_mining.json", result)
        return 0
    chosen_by_arm = {
        arm: list(remined)
        if arm == "everything"
        else [p for p in remined if carried[p.id][0] in ACCEPTING[arm]]
        for arm in arms
    }
    if args.gate_only:
        path = RESULTS_DIR / "learning.json"
        previous = json.loads(path.read_text("utf-8")) if path.exists() else result
        # What the arm's supervisor could accept: the pre-check refuses risky proposals.
        kept_by_arm: dict[str, dict[str, list[int]]] = {}
        for arm, figures in previous.get("arms", {}).items():
            if arm in chosen_by_arm and "accepted_ids" in figures:
                ids = set(figures["accepted_ids"])
                chosen_by_arm[arm] = [p for p in chosen_by_arm[arm] if p.id in ids]
                kept_by_arm[arm] = {t["id"]: t["kept"] for t in figures.get("trimmed", [])}
        previous["gate"] = gate_arms(chosen_by_arm, kept_by_arm)
        write_result("learning.json", previous)
        return 0

    cases, case_notes = load_cases(args.which, args.split, args.limit)
    result["notes"] += case_notes
    suffix = "_quick" if args.limit else ""
    baseline_turns: list[Any] | None = None
    for arm in arms:
        chosen = chosen_by_arm[arm]
        print(f"arm {arm}: {len(chosen)} proposals accepted, replaying…", file=sys.stderr)
        figures, turns = run_arm(cases, chosen, args.workers, trim=arm in TRIMMING)
        result["arms"][arm] = figures
        if arm == "before":
            baseline_turns = turns
        elif baseline_turns is not None:
            figures["changed"] = changes(cases, baseline_turns, turns)
        write_result(f"learning{suffix}.json", result)  # after every arm: a crash keeps them
        for key, s in figures.items():
            if isinstance(s, dict):
                print(
                    f"  {key}: coverage {s['coverage']}, wrong-answer rate "
                    f"{s['wrong_answer_rate']} ({s['wrong_answers']}/{s['answers']}), "
                    f"handled right {s['handled_right']}",
                    file=sys.stderr,
                )
    path = write_result(f"learning{suffix}.json", result)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
