"""The facade other teams call, with the built-in models."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kefu.nlu.engine import NluEngine
from kefu.nlu.matcher import KnowledgeEntry
from kefu.nlu.types import EMOTION_CATEGORIES, Analysis

from .factories import AWKWARD_INPUTS


@pytest.fixture(scope="module")
def engine(models_dir: Path) -> NluEngine:
    return NluEngine.load(models_dir)


def test_a_late_order_with_an_order_number_and_a_time(engine: NluEngine) -> None:
    analysis = engine.analyse("我的订单号DD2024010112345，半小时前就该到了，怎么还没送到？")
    assert isinstance(analysis, Analysis)
    assert analysis.language == "zh"
    assert "半小时" in analysis.tokens
    assert {e.label for e in analysis.entities} == {"order_id", "relative_time"}
    assert analysis.intent.label in ("delivery_late", "order_status")
    assert analysis.knowledge and len(analysis.knowledge) <= 5
    assert set(analysis.emotion.scores) == set(EMOTION_CATEGORIES)


def test_a_customer_asking_for_a_human(engine: NluEngine) -> None:
    assert engine.analyse("转人工").intent.label == "human_agent"
    assert engine.analyse("let me talk to a real person").intent.label == "human_agent"


def test_an_angry_customer_has_a_low_emotion_index(engine: NluEngine) -> None:
    angry = engine.analyse("等了两个小时还没送到，气死我了，什么垃圾服务！")
    happy = engine.analyse("送得很快，饭菜很好吃，谢谢！")
    assert angry.emotion.index <= 2 < 4 <= happy.emotion.index
    assert angry.emotion.negative_intensity > happy.emotion.negative_intensity


def test_a_question_is_matched_to_its_knowledge_entry(engine: NluEngine) -> None:
    assert engine.analyse("退款要多久才能到账").knowledge[0].entry_id == "kb-refund-time"
    assert engine.analyse("how can I get an invoice").knowledge[0].entry_id == "kb-invoice"


def test_an_entry_added_by_an_admin_is_matched_at_once(models_dir: Path) -> None:
    engine = NluEngine.load(models_dir)
    engine.knowledge.add(KnowledgeEntry("kb-rain", "下雨天配送费会加价吗", ("雨天加价",)))
    assert engine.analyse("下雨天配送费会加价吗？", top_k=1).knowledge[0].entry_id == "kb-rain"


@pytest.mark.parametrize("text", AWKWARD_INPUTS, ids=range(len(AWKWARD_INPUTS)))
def test_any_input_gets_an_analysis(engine: NluEngine, text: str) -> None:
    analysis = engine.analyse(text)
    assert analysis.text == text
    assert 1 <= analysis.emotion.index <= 5


def test_analysis_is_fast(engine: NluEngine) -> None:
    texts = ["我的外卖到哪了", "where is my order", "退款怎么还没到账，都三天了", "优惠券用不了"]
    engine.analyse(texts[0])
    start = time.perf_counter()
    for _ in range(25):
        for text in texts:
            engine.analyse(text + "?")
    assert (time.perf_counter() - start) / 100 < 0.05


def test_the_trajectory_of_a_conversation(engine: NluEngine) -> None:
    messages = [
        "我的外卖怎么还没到",
        "都超时一个小时了，气死我了",
        "好的，谢谢，问题解决了，很满意",
    ]
    trajectory = engine.trajectory([engine.analyse(m).emotion for m in messages])
    assert len(trajectory.series) == 3
    assert trajectory.peak == 1
