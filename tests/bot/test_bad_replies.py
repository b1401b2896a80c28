"""The bad replies real customers got, end to end through the API with the real language
engine, knowledge base and demo business system: the message in, the decision and reply out."""

from __future__ import annotations

from typing import Any

from kefu.bot.events import KnowledgeGap
from kefu.domain.events import DomainEvent

CONTRACT = {"decision", "knowledge_id", "flow", "confidence"}


def test_every_bot_message_says_what_the_bot_did(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    conversation.send("我的外卖到哪了")
    conversation.send("火星上的天气怎么样")
    messages = conversation.bot_messages()
    assert len(messages) == 3
    for message in messages:
        assert set(message["payload"]) >= CONTRACT, message
    greeting, status, unknown = (m["payload"] for m in messages)
    assert greeting["decision"] == "greeting"
    assert (status["decision"], status["flow"]) == ("flow", "order_status")
    assert unknown["decision"] == "unknown" and unknown["knowledge_id"] is None


def test_a_greeting_in_front_of_a_question_answers_the_question(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    reply = conversation.reply("你好，我的外卖到哪了")
    assert reply["payload"]["decision"] == "flow"
    assert "预计" in reply["text"]


def test_human_please_gets_a_person(chat: Any) -> None:
    conversation = chat(external_id="stu-1004", language="en")
    reply = conversation.reply("human please")
    assert reply["payload"]["decision"] == "handover"
    assert reply["payload"]["reason_text"] == "you asked for a person"
    status = conversation.status()
    assert (status["status"], status["handover_reason"]) == ("queued", "explicit_request")


def test_an_upset_customer_with_a_late_order_is_not_sent_the_same_status_again(
    chat: Any,
) -> None:
    conversation = chat(external_id="stu-1001", language="en")
    first = conversation.reply("where is my order?")
    assert "minutes late" in first["text"]
    again = conversation.reply("this is ridiculous, it's an hour late")
    assert again["payload"]["decision"] == "handover"
    assert "minutes late" not in again["text"]
    status = conversation.status()
    assert (status["status"], status["handover_reason"]) == ("queued", "negative_emotion")


def test_a_neutral_question_is_admitted_not_handed_over_for_emotion(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    gaps: list[KnowledgeGap] = []

    async def record(event: DomainEvent) -> None:
        if isinstance(event, KnowledgeGap):
            gaps.append(event)

    conversation.container.bus.subscribe(record)
    reply = conversation.reply("宇宙的尽头是什么")
    assert reply["payload"]["decision"] == "unknown"
    assert "还没学会" in reply["text"] and "转人工" in reply["text"]
    assert any(c["value"] == "human" for c in reply["payload"]["choices"])
    assert conversation.status()["status"] == "bot"
    [gap] = gaps
    assert (gap.text, gap.language, gap.decision) == ("宇宙的尽头是什么", "zh", "unknown")


def test_price_protection_is_not_offered_a_refund(chat: Any) -> None:
    conversation = chat(external_id="stu-1001", language="zh")
    reply = conversation.reply("申请价保")
    assert reply["payload"]["decision"] != "flow"
    assert "申请退款" not in reply["text"]
    assert conversation.container.business.calls.count("request_refund") == 0


def test_a_question_about_where_the_refund_goes_is_not_a_refund_flow(chat: Any) -> None:
    conversation = chat(external_id="stu-1001", language="zh")
    reply = conversation.reply("这单退款，钱是退到哪?")
    payload = reply["payload"]
    assert payload["decision"] in ("answer", "clarify", "unknown") and payload["flow"] is None
    offered = [c["value"] for c in payload.get("choices", [])]
    assert payload["knowledge_id"] == "refund-destination" or "kb:refund-destination" in offered


def test_masked_gaps_never_carry_a_phone_number(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    gaps: list[KnowledgeGap] = []

    async def record(event: DomainEvent) -> None:
        if isinstance(event, KnowledgeGap):
            gaps.append(event)

    conversation.container.bus.subscribe(record)
    conversation.send("推荐一本小说，我电话13812345678")
    assert gaps and "13812345678" not in gaps[0].text and "<phone>" in gaps[0].text
