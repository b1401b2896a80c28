"""The knowledge service over in-memory storage: the live matcher, versions, instances."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kefu.adapters.bus.memory import InMemoryBus
from kefu.domain.errors import Conflict, NotFound
from kefu.knowledge.demo import demo_entries
from kefu.knowledge.events import KnowledgeChanged
from kefu.knowledge.memory import MemoryKnowledgeStore
from kefu.knowledge.model import parse_entry
from kefu.knowledge.service import KnowledgeService
from kefu.nlu.matcher import KnowledgeMatcher

NOW = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)


def service(store: MemoryKnowledgeStore, bus: InMemoryBus | None = None) -> KnowledgeService:
    return KnowledgeService(store, bus or InMemoryBus(), KnowledgeMatcher(), clock=lambda: NOW)


def exam_entry(answer: str = "图书馆取餐点开到 23:00。") -> dict[str, object]:
    return {
        "id": "library-pickup",
        "question": {
            "zh": "图书馆取餐点几点关门？",
            "en": "When does the library pick-up point close?",
        },
        "answer": {"zh": answer, "en": "It is open until 23:00."},
        "phrasings": ["图书馆外卖点晚上开到几点", "library food pickup closing time"],
        "category": [{"id": "dorm", "zh": "宿舍与取餐点", "en": "Dorms and pick-up points"}],
    }


async def test_an_empty_knowledge_base_gets_the_demo_but_an_emptied_one_stays_empty() -> None:
    store = MemoryKnowledgeStore()
    kb = service(store)
    await kb.load(seed=demo_entries())
    assert len(kb.all()) == len(demo_entries())
    assert kb.match("我的外卖到哪了")[0].entry.id == "order-where"
    for entry in kb.all():
        await kb.delete(entry.id, "admin@kefu.local")
    again = service(store)
    await again.load(seed=demo_entries())
    assert again.all() == [] and again.match("我的外卖到哪了") == []


async def test_a_new_entry_is_matched_at_once_and_a_deleted_one_no_longer() -> None:
    kb = service(MemoryKnowledgeStore())
    await kb.load(seed=demo_entries())
    await kb.create(parse_entry(exam_entry()), "lead@kefu.local")
    hits = kb.match("图书馆的取餐点晚上几点关")
    assert hits[0].entry.id == "library-pickup"
    assert kb.render_answer(hits[0].entry, "en", {}) == "It is open until 23:00."
    with pytest.raises(Conflict):
        await kb.create(parse_entry(exam_entry()), "lead@kefu.local")
    await kb.delete("library-pickup", "lead@kefu.local")
    assert all(h.entry.id != "library-pickup" for h in kb.match("图书馆的取餐点晚上几点关"))
    with pytest.raises(NotFound):
        await kb.delete("library-pickup", "lead@kefu.local")


async def test_disabled_entries_and_other_audiences_are_never_offered() -> None:
    kb = service(MemoryKnowledgeStore())
    await kb.load(seed=demo_entries())
    question = "会员有哪些权益"
    assert [h.entry.id for h in kb.match(question, customer_tags=["vip"])][:1] == ["vip-benefits"]
    assert "vip-benefits" not in [h.entry.id for h in kb.match(question, customer_tags=["student"])]
    assert "policy-remedy-limits" not in [h.entry.id for h in kb.match("客服最多能发多少券")]
    entry = kb.get("order-where")
    assert entry is not None
    await kb.update(entry.with_changes(enabled=False), "lead@kefu.local")
    assert "order-where" not in [h.entry.id for h in kb.match("我的外卖到哪了", top_k=5)]
    assert "order-where" not in kb.matcher.entries


async def test_two_edits_leave_three_versions_with_author_and_diff() -> None:
    kb = service(MemoryKnowledgeStore())
    await kb.load()
    await kb.create(parse_entry(exam_entry()), "lead@kefu.local")
    await kb.update(parse_entry(exam_entry("开到 22:30。")), "admin@kefu.local")
    await kb.update(parse_entry(exam_entry("开到 23:30。")), "lead@kefu.local")
    versions = await kb.history("library-pickup")
    assert [(v.version, v.action.value, v.author) for v in versions] == [
        (1, "create", "lead@kefu.local"),
        (2, "update", "admin@kefu.local"),
        (3, "update", "lead@kefu.local"),
    ]
    assert versions[2].diff["answer"]["from"]["zh"] == "开到 22:30。"
    assert versions[2].diff["answer"]["to"]["zh"] == "开到 23:30。"


async def test_another_instance_picks_up_a_change_from_its_event() -> None:
    store, bus = MemoryKnowledgeStore(), InMemoryBus()
    bus.keep_history = True
    first, second = service(store, bus), service(store)
    await first.load(seed=demo_entries())
    await second.load()
    await first.create(parse_entry(exam_entry()), "lead@kefu.local")
    await first.delete("order-where", "lead@kefu.local")
    events = [e for e in bus.published if isinstance(e, KnowledgeChanged)]
    assert [(e.entry_id, e.action) for e in events] == [
        ("library-pickup", "create"),
        ("order-where", "delete"),
    ]
    for event in events:
        await second.on_changed(event)
    assert second.match("图书馆的取餐点晚上几点关")[0].entry.id == "library-pickup"
    assert second.get("order-where") is None and "order-where" not in second.matcher.entries


async def test_an_import_creates_updates_and_skips_in_one_go() -> None:
    kb = service(MemoryKnowledgeStore())
    await kb.load(seed=demo_entries()[:5])
    changed = demo_entries()[1].with_changes(owner="someone-else")
    result = await kb.import_entries([demo_entries()[0], changed, parse_entry(exam_entry())], "x")
    assert result.created == ["library-pickup"]
    assert result.updated == [changed.id]
    assert result.unchanged == [demo_entries()[0].id]


def test_the_category_tree_is_bilingual() -> None:
    from kefu.knowledge.tree import build_tree

    tree = build_tree(demo_entries())
    zh, en = tree.to_dict("zh"), tree.to_dict("en")
    assert [c["id"] for c in zh["children"]] == [c["id"] for c in en["children"]]
    refunds = next(c for c in en["children"] if c["id"] == "refunds")
    assert refunds["label"] == "Refunds"
    assert {c["id"] for c in refunds["children"]} == {"refund-apply", "refund-progress"}
