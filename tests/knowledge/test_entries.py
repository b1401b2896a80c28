"""Knowledge entries, answer templates and import/export, without a database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from kefu.knowledge.demo import demo_entries, heldout_questions
from kefu.knowledge.model import EntryProblems, parse_entry
from kefu.knowledge.template import check_template, render
from kefu.knowledge.transfer import CSV_COLUMNS, parse_csv, parse_yaml, to_csv, to_yaml


def doc(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "late-night",
        "question": {"zh": "半夜还送吗？", "en": "Do you deliver at night?"},
        "answer": {
            "zh": "{customer.name}，我们送到 23:30。",
            "en": "Hi {customer.name}, until 23:30.",
        },
        "phrasings": ["夜宵能点吗", "late snacks?"],
        "category": [{"id": "delivery", "zh": "配送", "en": "Delivery"}],
    }
    return {**base, **changes}


def test_an_entry_document_round_trips() -> None:
    entry = parse_entry(doc(audience={"required": ["VIP"]}, channels=["app"], tags=["night"]))
    assert entry.audience.required == frozenset({"vip"})
    assert parse_entry(entry.to_document()) == entry


def test_every_problem_of_an_entry_is_named_at_once() -> None:
    with pytest.raises(EntryProblems) as caught:
        parse_entry(
            doc(
                id="Bad Id!",
                answer={"zh": "预计 {order.eta 送达", "en": ""},
                valid_from="2026-12-01",
                valid_to="2026-11-01",
                enabled="maybe",
            )
        )
    fields = {p.field for p in caught.value.problems}
    assert {"id", "answer.zh", "answer.en", "valid_to", "enabled"} <= fields


def test_an_entry_on_trial_keeps_its_trial_and_a_bad_one_is_named() -> None:
    trial = {"experiment_id": "kb-trial-late-night", "share": 0.25}
    entry = parse_entry(doc(trial=trial))
    assert entry.trial is not None and entry.trial.share == 0.25
    assert parse_entry(entry.to_document()) == entry
    assert parse_entry(doc()).trial is None
    for bad in ({"experiment_id": "kb-trial-late-night", "share": 1.0}, {"share": 0.5}):
        with pytest.raises(EntryProblems) as refused:
            parse_entry(doc(trial=bad))
        assert refused.value.problems[0].field.startswith("trial.")


def test_availability_follows_validity_audience_and_channel() -> None:
    entry = parse_entry(
        doc(
            audience={"required": ["vip"], "excluded": ["elderly"]},
            channels=["app"],
            valid_from="2026-11-01T00:00:00+08:00",
            valid_to="2026-12-01T00:00:00+08:00",
        )
    )
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert entry.available(now=now, channel="app", customer_tags=["vip"])
    assert not entry.available(now=now, channel="web", customer_tags=["vip"])
    assert not entry.available(now=now, channel="app", customer_tags=["student"])
    assert not entry.available(now=now, channel="app", customer_tags=["vip", "elderly"])
    assert not entry.available(
        now=datetime(2026, 12, 2, tzinfo=UTC), channel="app", customer_tags=["vip"]
    )


def test_answers_fill_known_variables_and_never_show_a_raw_placeholder() -> None:
    template = "订单 {order.id} 预计 {order.eta} 送达，骑手 {order.rider|稍后分配}，{unknown.thing}"
    eta = datetime(2026, 11, 23, 12, 55)
    full = render(template, "zh", {"order": {"id": "DD1", "eta": eta, "rider": "王师傅"}})
    assert full.startswith("订单 DD1 预计 12:55 送达，骑手 王师傅")
    bare = render(template, "zh", {})
    assert "{" not in bare and "}" not in bare
    assert "稍后分配" in bare and "订单页显示的预计时间" in bare
    assert render("Hi {customer.name}! {{literal}}", "en", {}) == "Hi there! {literal}"
    assert render("ETA {order.eta}", "en", {"order.eta": "13:05"}) == "ETA 13:05"


def test_template_syntax_errors_are_reported() -> None:
    assert check_template("fine {order.eta} and {{braces}}") == []
    assert check_template("broken {order.eta") != []
    assert check_template("{Not A Name}") != []


def test_yaml_and_csv_round_trip_the_whole_demo_knowledge_base() -> None:
    entries = list(demo_entries())
    assert parse_yaml(to_yaml(entries)) == entries
    assert parse_csv(to_csv(entries)) == entries


def test_a_bad_csv_names_the_rows_and_fields() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(list(demo_entries())[:3]))))
    rows[1]["id"] = "Order Accepted!"
    rows[2]["answer_en"] = ""
    rows.append(dict(rows[0]))  # the first entry again: a duplicate id
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    with pytest.raises(EntryProblems) as caught:
        parse_csv(out.getvalue())
    described = str(caught.value)
    assert "row 3: Order Accepted!.id" in described
    assert "answer.en: is required" in described and "row 4" in described
    assert "row 5" in described and "also used in row 2" in described


def test_the_demo_knowledge_base_is_big_bilingual_and_held_out_is_separate() -> None:
    entries = demo_entries()
    assert len(entries) >= 60
    for entry in entries:
        assert entry.question.zh and entry.question.en and entry.answer.zh and entry.answer.en
        chinese = [p for p in entry.phrasings if any("\u4e00" <= ch <= "\u9fff" for ch in p)]
        assert len(chinese) >= 3 and len(entry.phrasings) - len(chinese) >= 3, entry.id
    heldout = heldout_questions()
    known = {t for e in entries for t in e.texts}
    questions = [q for qs in heldout.values() for q in qs]
    assert len(questions) >= 100 and not known & set(questions)
    assert set(heldout) <= {e.id for e in entries}
    assert {"policy"} <= {t for e in entries for t in e.tags}
