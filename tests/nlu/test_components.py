"""Behaviour of the components beyond the shared contract."""

from __future__ import annotations

import pytest

from kefu.nlu.data import Example
from kefu.nlu.emotion import EmotionClassifier, emotion_index
from kefu.nlu.intent import IntentClassifier
from kefu.nlu.matcher import KnowledgeEntry, KnowledgeMatcher
from kefu.nlu.pairs import PairScorer
from kefu.nlu.trajectory import EmotionTrajectory
from kefu.nlu.types import EmotionReading

from . import factories


@pytest.fixture(scope="module")
def intent() -> IntentClassifier:
    return IntentClassifier().train(factories.intent_examples())


@pytest.fixture(scope="module")
def matcher() -> KnowledgeMatcher:
    """Ranking by TF-IDF cosine alone: the pair scorer needs real data to help (the
    built-in one, trained on AFQMC, is tested in test_engine.py)."""
    return KnowledgeMatcher().train(factories.knowledge_entries())


def test_a_customer_asking_for_a_human_is_understood(intent: IntentClassifier) -> None:
    prediction = intent.predict("转人工")
    assert prediction.label == "human_agent"
    assert not prediction.is_oos


def test_an_english_customer_whose_food_is_late(intent: IntentClassifier) -> None:
    assert intent.predict("my food is so late").best_guess == "delivery_late"


def test_a_question_about_something_else_is_out_of_scope(intent: IntentClassifier) -> None:
    prediction = intent.predict("给我讲个关于恐龙的笑话")
    assert prediction.is_oos
    assert prediction.label == "oos"
    assert prediction.best_guess != "oos"


def test_without_oos_examples_the_least_confident_messages_are_rejected() -> None:
    data = [e for e in factories.intent_examples() if e.label != "oos"]
    clf = IntentClassifier().train(data)
    assert 0.0 < clf.threshold < 1.0
    assert "oos" not in clf.labels


def test_training_on_one_label_is_refused() -> None:
    with pytest.raises(ValueError, match="2 classes"):
        IntentClassifier().train([Example("hi", "greeting"), Example("hello", "greeting")])


def test_the_matcher_finds_the_entry_for_a_paraphrase(matcher: KnowledgeMatcher) -> None:
    best = matcher.match("退款要多久才到账", k=3)
    assert best[0].entry_id == "kb-refund-time"
    assert best[0].score >= best[-1].score


def test_an_added_entry_is_matched_at_once(matcher: KnowledgeMatcher) -> None:
    entry = KnowledgeEntry("kb-rain", "下雨天会加收配送费吗", ("雨天配送费",), "会加收1元")
    matcher.add(entry)
    try:
        assert matcher.match("下雨天配送费会涨吗", k=1)[0].entry_id == "kb-rain"
    finally:
        matcher.remove("kb-rain")
    assert all(m.entry_id != "kb-rain" for m in matcher.match("下雨天配送费会涨吗"))


def test_an_entry_gets_better_as_it_gains_phrasings() -> None:
    base = factories.knowledge_entries()
    matcher = KnowledgeMatcher().train(base)
    query = "电话联系不上送餐小哥"
    before = {m.entry_id: m.score for m in matcher.match(query, k=15)}
    rider = next(e for e in base if e.id == "kb-rider")
    matcher.update(KnowledgeEntry(rider.id, rider.question, (*rider.phrasings, "联系不上送餐小哥")))
    after = matcher.match(query, k=1)
    assert after[0].entry_id == "kb-rider"
    assert after[0].score > before.get("kb-rider", 0.0)


def test_updating_or_removing_an_unknown_entry_is_an_error(matcher: KnowledgeMatcher) -> None:
    with pytest.raises(KeyError):
        matcher.remove("nope")
    with pytest.raises(KeyError):
        matcher.update(KnowledgeEntry("nope", "q"))


def test_an_empty_knowledge_base_matches_nothing() -> None:
    assert KnowledgeMatcher().train([]).match("退款") == ()


def test_a_pair_scorer_prefers_near_duplicates() -> None:
    scorer = PairScorer().train(factories.pair_examples())
    assert scorer.score("怎么申请退款", "请问怎么申请退款") > scorer.score(
        "怎么申请退款", "骑手电话多少"
    )


def test_emotion_index_runs_from_very_negative_to_very_positive() -> None:
    angry = {"anger": 0.9, "neutral": 0.1}
    happy = {"joy": 0.9, "neutral": 0.1}
    calm = {"neutral": 1.0}
    assert emotion_index(angry, 0.05)[0] == 1
    assert emotion_index(calm, 0.5)[0] == 3
    assert emotion_index(happy, 0.95)[0] == 5


def test_an_angry_customer_reads_as_negative() -> None:
    clf = EmotionClassifier().train(factories.emotion_examples())
    reading = clf.predict("气死我了，等了一个多小时，什么破服务")
    assert reading.category == "anger"
    assert reading.index <= 2
    assert reading.negative_intensity > 0.5


def _reading(index: int, category: str = "neutral") -> EmotionReading:
    valence = (index - 3) / 2
    return EmotionReading(index, valence, category, {category: 1.0})


def test_a_conversation_that_calms_down_is_improving() -> None:
    readings = [_reading(1, "anger"), _reading(2, "anger"), _reading(3), _reading(4, "joy")]
    trajectory = EmotionTrajectory.of(readings)
    assert trajectory.series == (1, 2, 3, 4)
    assert trajectory.trend == "improving"
    assert trajectory.peak == 0 and trajectory.peak_category == "anger"
    assert 2.0 < trajectory.current < 4.0


def test_a_conversation_that_turns_sour_is_worsening() -> None:
    trajectory = EmotionTrajectory.of([_reading(4), _reading(3), _reading(2), _reading(1)])
    assert trajectory.trend == "worsening"
    assert trajectory.peak == 3


def test_an_empty_conversation_is_neutral_and_stable() -> None:
    trajectory = EmotionTrajectory.of([])
    assert (trajectory.current, trajectory.trend, trajectory.peak) == (3.0, "stable", None)
