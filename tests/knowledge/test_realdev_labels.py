"""The real dev set's label files (benchmarks/data) and how the benchmark scores a turn.

The JDDC labels point into `../shared/datasets/jddc2018_transcripts/pairs.csv` by row id and
piece; the repository holds no text of that corpus, and the demo knowledge base is written in
our own words.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from kefu.bot.rules import FLOW_NAMES
from kefu.knowledge.demo import demo_entries, heldout_questions

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_realdev as realdev  # noqa: E402

ENTRY_IDS = {e.id for e in demo_entries()}


def _bad_options(label: str) -> list[str]:
    bad = []
    for option in label.split("|"):
        if option.startswith("flow:"):
            if option[5:] not in FLOW_NAMES:
                bad.append(option)
        elif option not in ENTRY_IDS and option not in realdev.SPECIAL:
            bad.append(option)
    return bad


def test_jddc_labels_hold_ids_and_labels_only_with_a_calib_and_a_dev_split() -> None:
    header = realdev.JDDC_LABELS.read_text(encoding="utf-8").splitlines()[0]
    assert header == "row_id,piece,label,split"
    rows = realdev.read_jddc_labels()
    assert len(rows) >= 500
    keys = [(r["row_id"], r["piece"]) for r in rows]
    assert len(set(keys)) == len(keys), "a message is labelled twice"
    for r in rows:
        assert re.fullmatch(r"(train|test)-\d+", r["row_id"]), r
        assert r["piece"].isdigit(), r
        assert not _bad_options(r["label"]), (r, _bad_options(r["label"]))
    splits = Counter(r["split"] for r in rows)
    assert set(splits) == {"calib", "dev"}
    assert splits["calib"] / len(rows) > 0.3
    # dev is the hash's share of samples 1 and 2 and nothing else: a row whose hash puts it in
    # calib is never dev, and sample 3 (drawn to enlarge calib) added no dev row.
    assert splits["dev"] == 548
    for r in rows:
        if _hash_share(f"{r['row_id']}:{r['piece']}") < 40:
            assert r["split"] == "calib", r
    kinds = Counter(realdev.label_kind(r["label"]) for r in rows)
    # Both splits need in-scope questions, out-of-scope ones and requests for a person.
    for split in ("calib", "dev"):
        in_split = Counter(realdev.label_kind(r["label"]) for r in rows if r["split"] == split)
        assert in_split["in_scope"] >= 50 and in_split["none"] >= 20 and in_split["human"] >= 2
    assert kinds["in_scope"] >= 200


def test_every_labelled_message_is_a_non_empty_piece_of_a_real_row() -> None:
    if not realdev.DATASET.exists():
        pytest.skip(f"{realdev.DATASET} is not available")
    pieces = realdev.dataset_pieces()
    for r in realdev.read_jddc_labels():
        assert r["row_id"] in pieces, r
        row = pieces[r["row_id"]]
        assert int(r["piece"]) < len(row), r
        assert row[int(r["piece"])].strip(), r


def test_the_demo_knowledge_base_copies_no_sentence_of_the_corpus() -> None:
    if not realdev.DATASET.exists():
        pytest.skip(f"{realdev.DATASET} is not available")
    corpus: set[str] = set()
    with realdev.DATASET.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for piece in (row["context_QAQAQ"] + "," + row["agent_response"]).split(","):
                corpus.add(_plain(piece))
    texts = [t for e in demo_entries() for t in (*e.texts, e.answer.zh, e.answer.en)]
    texts += [q for qs in heldout_questions().values() for q in qs]
    # Short generic questions ("怎么取消订单？") may coincide; a sentence may not.
    copied = [t for t in texts if len(_plain(t)) >= 8 and _plain(t) in corpus]
    assert not copied


def _hash_share(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") % 100


def _plain(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text).lower()


def test_english_requests_are_labelled_and_not_taught_to_the_knowledge_base() -> None:
    rows = realdev.read_en_requests()
    assert len(rows) >= 100
    for r in rows:
        assert not _bad_options(r["label"]), (r, _bad_options(r["label"]))
        assert r["split"] in ("calib", "dev")
        if _hash_share(r["text"]) < 40:
            assert r["split"] == "calib", r
    known = {_plain(t) for e in demo_entries() for t in e.texts}
    known |= {_plain(q) for qs in heldout_questions().values() for q in qs}
    taught = [r["text"] for r in rows if _plain(r["text"]) in known]
    assert not taught
    assert sum(r["split"] == "dev" for r in rows) == 84
    kinds = Counter(realdev.label_kind(r["label"]) for r in rows)
    assert kinds["none"] >= 10 and kinds["human"] >= 3 and kinds["in_scope"] >= 60


def test_new_entries_found_on_calib_have_their_own_heldout_paraphrases() -> None:
    heldout = heldout_questions()
    for entry_id in (
        "refund-withdraw",
        "order-change-items",
        "coupon-after-refund",
        "compensation-not-received",
        "order-cancel-pending",
        "order-cancelled-by-system",
        "invoice-reissue",
    ):
        assert entry_id in ENTRY_IDS
        assert len(heldout[entry_id]) >= 2
    labels = {o for r in realdev.read_jddc_labels() for o in r["label"].split("|")}
    assert {"refund-withdraw", "invoice-reissue", "order-cancelled-by-system"} <= labels


def test_the_flows_labels_name_are_flows_of_the_bot() -> None:
    from kefu.bot import flows

    names = getattr(flows, "FLOWS", None)
    if names is None:
        pytest.skip("the bot no longer lists its flows in kefu.bot.flows.FLOWS")
    used = {
        o[5:]
        for r in [*realdev.read_jddc_labels(), *realdev.read_en_requests()]
        for o in r["label"].split("|")
        if o.startswith("flow:")
    }
    assert used <= {*names, "change_phone"}


# -- scoring --------------------------------------------------------------------------------


def _case(label: str) -> realdev.Case:
    return realdev.Case("en", "en:0", "en:0", None, label, "dev", "text", "en")


def test_an_answer_to_an_out_of_scope_message_is_a_wrong_answer() -> None:
    price_protection = _case("none")
    refund_offer = realdev.Turn("flow", flow="refund")
    assert realdev.judge(price_protection, refund_offer) == "wrong"
    said_unknown = realdev.Turn("unknown")
    scored = realdev.score([price_protection, price_protection], [refund_offer, said_unknown])
    assert scored["wrong_answer_rate"] == 1.0 and scored["none_declined"] == 0.5


def test_coverage_counts_right_answers_and_clarifies_offering_the_right_entry() -> None:
    where = _case("order-where|flow:order_status")
    cases = [where, where, where, where]
    turns = [
        realdev.Turn("flow", flow="order_status"),
        realdev.Turn("clarify", choices=("kb:order-where", "kb:delivery-time")),
        realdev.Turn("clarify", choices=("kb:delivery-fee",)),
        realdev.Turn("answer", knowledge_id="refund-destination"),
    ]
    scored = realdev.score(cases, turns)
    assert scored["coverage"] == 0.5 and scored["answered_right"] == 0.25
    assert scored["wrong_answers"] == 1 and scored["wrong_answer_rate"] == 0.5


def test_a_payload_without_decision_keys_is_read_from_the_older_kind() -> None:
    turn = realdev.read_payload({"kind": "answer", "knowledge_id": "refund-time"}, "bot")
    assert (turn.decision, turn.knowledge_id) == ("answer", "refund-time")
    assert set(turn.inferred) == {"decision", "flow", "confidence"}
    handed = realdev.read_payload({"kind": "unknown"}, "queued")
    assert handed.decision == "handover"
    full = realdev.read_payload(
        {"decision": "flow", "flow": "refund", "knowledge_id": None, "confidence": 0.97}, "bot"
    )
    assert (full.decision, full.flow, full.confidence, full.inferred) == (
        "flow",
        "refund",
        0.97,
        (),
    )


def test_handled_right_asks_each_kind_of_message_for_its_own_behaviour() -> None:
    pairs = [
        (_case("none"), realdev.Turn("unknown"), True),
        (_case("none"), realdev.Turn("clarify", choices=("kb:refund-how",)), False),
        (_case("human"), realdev.Turn("handover"), True),
        (_case("human"), realdev.Turn("clarify", choices=("kb:service-hours",)), False),
        (_case("human|greeting"), realdev.Turn("greeting"), True),
        (_case("context"), realdev.Turn("flow", flow="order_status"), False),
        (_case("context"), realdev.Turn("unknown"), True),
        (_case("context|flow:order_status"), realdev.Turn("flow", flow="order_status"), True),
        (_case("greeting"), realdev.Turn("greeting"), True),
        (_case("refund-time"), realdev.Turn("flow", flow="refund"), False),
        (_case("refund-time"), realdev.Turn("answer", knowledge_id="refund-time"), True),
    ]
    for case, turn, expected in pairs:
        assert realdev.handled_right(case, turn) is expected, (case.label, turn)
    scored = realdev.score([c for c, _, _ in pairs], [t for _, t, _ in pairs])
    assert scored["handled_right"] == round(7 / 11, 4)
