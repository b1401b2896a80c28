"""What an agent is offered for one customer message: pure composition, remedies within
limits, and the team's past replies found again."""

from __future__ import annotations

from kefu.assist.knowledge import KnowledgeCard
from kefu.assist.replies import ReplyIndex, ReplyPair
from kefu.assist.scripts import DEFAULT_REMEDIES, RemedyRule, suggest_remedy
from kefu.assist.suggest import MessageReading, compose_assist


def _reading(intent: str, emotion: str = "neutral", index: int = 3) -> MessageReading:
    return MessageReading(
        seq=3,
        text="…",
        language="zh",
        intent=intent,
        confidence=0.9,
        emotion_index=index,
        emotion_category=emotion,
    )


def _card(entry_id: str, score: float, *, tags: tuple[str, ...] = ()) -> KnowledgeCard:
    return KnowledgeCard(
        entry_id=entry_id,
        question=f"{entry_id}?",
        answer=f"answer of {entry_id}",
        score=score,
        category=("orders:订单",),
        tags=tags,
        intent="refund",
    )


def test_an_angry_customer_gets_a_soothing_script_and_a_remedy_in_limits() -> None:
    result = compose_assist(
        _reading("complaint", "anger", 1),
        language="zh",
        cards=[],
        past_replies=[],
        packs=[],
        remedies=DEFAULT_REMEDIES,
    )
    assert result["negative_emotion"] is True
    assert result["soothing"]["id"] == "soothe:anger"
    assert "抱歉" in result["soothing"]["text"]
    assert result["remedy"]["amount_cents"] <= result["remedy"]["max_cents"]
    assert "¥5.00" in result["remedy"]["text"]


def test_a_calm_customer_gets_no_soothing_and_no_complaint_remedy() -> None:
    result = compose_assist(
        _reading("complaint"),
        language="en",
        cards=[],
        past_replies=[],
        packs=[],
        remedies=DEFAULT_REMEDIES,
    )
    assert result["soothing"] is None
    assert result["remedy"] is None


def test_a_partial_refund_never_exceeds_what_the_order_can_refund() -> None:
    rules = [RemedyRule("food_quality", "partial_refund", 1500, 2000)]
    remedy = suggest_remedy(rules, "food_quality", upset=False, language="en", refundable_cents=800)
    assert remedy is not None and remedy.amount_cents == 800
    assert "¥8.00" in remedy.text
    assert (
        suggest_remedy(rules, "food_quality", upset=False, language="en", refundable_cents=0)
        is None
    )


def test_policy_entries_are_shown_as_policy_not_as_answers() -> None:
    result = compose_assist(
        _reading("refund"),
        language="zh",
        cards=[_card("refund-rules", 0.8, tags=("policy",)), _card("refund-how", 0.7)],
        past_replies=[],
        packs=[],
        remedies=(),
    )
    assert [c["entry_id"] for c in result["knowledge_cards"]] == ["refund-how"]
    assert result["policy"]["id"] == "policy:refund-rules"
    assert result["suggested_replies"][0]["id"] == "kb:refund-how"


def test_past_replies_to_similar_messages_come_back_with_how_often_they_were_sent() -> None:
    index = ReplyIndex()
    index.add(ReplyPair("我的外卖怎么还没到", "骑手正在路上，预计 10 分钟送达", "c1", 4))
    index.add(ReplyPair("外卖还没到啊", "骑手正在路上，预计 10 分钟送达", "c2", 6))
    index.add(ReplyPair("饭菜里有头发", "非常抱歉，请拍照给我，我们为您退款", "c3", 2))
    [hit] = index.search("外卖怎么还没送到")
    assert hit.reply_text == "骑手正在路上，预计 10 分钟送达"
    assert hit.uses == 2
    assert index.search("怎么开发票") == []


def test_the_oldest_replies_make_room_for_new_ones() -> None:
    index = ReplyIndex(max_pairs=2)
    index.add(ReplyPair("where is my food", "It is on the way", "c1", 2))
    index.add(ReplyPair("my coupon does not work", "Let me check the coupon", "c2", 2))
    index.add(ReplyPair("I want an invoice", "I will request the invoice", "c3", 2))
    assert len(index) == 2
    assert index.search("where is my food") == []
