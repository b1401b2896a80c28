"""Automated QA scores conversations the way a supervisor reading them would."""

from __future__ import annotations

import dataclasses
from functools import cache

from kefu.quality.consistency import KnowledgeAnswer
from kefu.quality.model import Transcript
from kefu.quality.qa import QaLimits, score
from kefu.quality.styles import ReplyStyleClassifier, load_default

from .factories import late_delivery, transcript


@cache
def model() -> ReplyStyleClassifier:
    return load_default()


def test_an_empathetic_agent_scores_higher_than_a_stiff_one_on_the_same_conversation() -> None:
    warm = late_delivery("非常抱歉让您久等了，我理解您着急的心情，马上为您催促骑手")
    stiff = late_delivery("按平台规定无法加急，请耐心等待")
    warm_report, stiff_report = score(warm, model().predict), score(stiff, model().predict)

    assert warm_report.total > stiff_report.total
    assert warm_report.scores["empathy"] > stiff_report.scores["empathy"]
    # Everything that does not depend on the words is the same.
    for same in ("responsiveness", "resolution", "emotion"):
        assert warm_report.scores[same] == stiff_report.scores[same]
    earned = [e.sentence for e in warm_report.evidence if e.reason == "empathy"]
    assert any("抱歉" in s for s in earned)
    cost = [e for e in stiff_report.evidence if e.reason == "stiff_policy"]
    assert cost and "无法加急" in cost[0].sentence and cost[0].points < 0
    assert stiff_report.stiff_policy == 1 and warm_report.stiff_policy == 0


def test_a_policy_explained_with_an_apology_is_not_stiff() -> None:
    kind = late_delivery("很抱歉，按平台规定已出餐的订单无法取消，我帮您联系骑手尽快送达")
    report = score(kind, model().predict)
    assert report.stiff_policy == 0
    assert report.empathy_expressions >= 1


def test_a_promise_above_the_compensation_limit_costs_professionalism() -> None:
    within = late_delivery("非常抱歉，给您补偿10元优惠券")
    beyond = late_delivery("非常抱歉，给您补偿50元优惠券")
    limits = QaLimits(max_compensation_yuan=20)
    ok, over = score(within, model().predict, limits), score(beyond, model().predict, limits)
    assert ok.scores["professionalism"] > over.scores["professionalism"]
    assert any(e.reason == "over_limit" and "50元" in e.sentence for e in over.evidence)


def test_a_slow_first_reply_costs_responsiveness_and_says_how_slow() -> None:
    quick = late_delivery("非常抱歉让您久等了")
    slow = transcript(
        [("customer", "在吗", 2), ("agent", "非常抱歉让您久等了", None), ("customer", "好", 3)],
        gap_s=240,
    )
    fast_report, slow_report = score(quick, model().predict), score(slow, model().predict)
    assert slow_report.scores["responsiveness"] < fast_report.scores["responsiveness"]
    assert slow_report.first_response_s == 240
    assert any(e.sentence == "240s" for e in slow_report.evidence)


def test_an_abandoned_chat_scores_no_resolution_and_a_bot_chat_no_agent_dimensions() -> None:
    left = transcript(
        [("customer", "我要退款", 2), ("bot", "请问是哪一个订单？", None)],
        status="abandoned",
        agent_id=None,
    )
    report = score(left, model().predict)
    assert report.scores["resolution"] == 0
    assert "empathy" not in report.scores and "politeness" not in report.scores
    assert left.tier == "bot"


def test_the_customer_ending_happier_than_they_started_raises_the_emotion_score() -> None:
    better = late_delivery("非常抱歉让您久等了")
    worse = transcript(
        [
            ("customer", "还没到吗", 3),
            ("agent", "非常抱歉让您久等了", None),
            ("customer", "太差了", 1),
        ]
    )
    assert (
        score(better, model().predict).scores["emotion"]
        > score(worse, model().predict).scores["emotion"]
    )


REFUND_AFTER_CANCELLING = KnowledgeAnswer(
    "refund-cancelled",
    "取消成功后无需另外申请，款项会自动原路退回：微信和支付宝一般即时到账，"
    "校园卡和银行卡 1–3 个工作日。",
)


def _cancelled_order(agent_reply: str) -> Transcript:
    """The bot answered from the knowledge base; the customer still asked for a person."""
    base = transcript(
        [
            ("customer", "取消订单后钱怎么退？", 3),
            ("bot", REFUND_AFTER_CANCELLING.text, None),
            ("customer", "我用的银行卡，多久能到账", 3),
            ("agent", agent_reply, None),
            ("customer", "好的", 3),
        ]
    )
    return dataclasses.replace(base, knowledge=(REFUND_AFTER_CANCELLING,))


def test_an_agent_who_contradicts_the_knowledge_base_loses_professionalism() -> None:
    right = score(_cancelled_order("您好，银行卡退款1-3个工作日到账，请留意"), model().predict)
    wrong = score(_cancelled_order("您好，银行卡退款要7个工作日才能到账，请留意"), model().predict)
    assert right.scores["professionalism"] > wrong.scores["professionalism"]
    assert right.total > wrong.total
    cost = [e for e in wrong.evidence if e.reason == "contradicts_knowledge"]
    assert len(cost) == 1 and "7个工作日" in cost[0].sentence and cost[0].points < 0
    assert [e.reason for e in right.evidence if "knowledge" in e.reason] == [
        "consistent_with_knowledge"
    ]
    # A figure about something else (a call back in two hours) is not judged.
    other = score(_cancelled_order("您好，我2小时内给您回电"), model().predict)
    assert not [e for e in other.evidence if "knowledge" in e.reason]
