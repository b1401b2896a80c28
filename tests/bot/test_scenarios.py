"""The bot as a product person describes it: what a customer says, what they get back."""

from __future__ import annotations

from typing import Any

from kefu.adapters.business.demo_data import DemoScenario
from kefu.adapters.business.fake import FakeFoodDelivery


def _order(chat: Any, scenario: DemoScenario) -> Any:
    business = chat.container.business
    assert isinstance(business, FakeFoodDelivery)
    order_id = business.scenario_order_id(scenario)
    return next(o for o in business.all_orders() if o.order_id == order_id)


def test_the_bot_greets_and_offers_a_human_up_front(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    [greeting] = conversation.bot_messages()
    assert "有什么可以帮您" in greeting["text"]
    assert {"label": "转人工", "value": "human"} in greeting["payload"]["choices"]


def test_where_is_my_order_gets_the_real_eta(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    reply = conversation.reply("我的外卖到哪了")
    order = _order(conversation, DemoScenario.PREPARING)
    assert order.eta.strftime("%H:%M") in reply["text"]
    assert reply["payload"]["orders"][0]["order_id"] == order.order_id
    assert conversation.status()["status"] == "bot"


def test_where_is_my_order_in_english(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="en")
    reply = conversation.reply("where is my order?")
    order = _order(conversation, DemoScenario.PREPARING)
    assert f"expected at {order.eta.strftime('%H:%M')}" in reply["text"]


def test_asking_the_same_thing_four_times_hands_over_as_repeated(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    for _ in range(3):
        assert conversation.reply("我的外卖到哪了")["payload"]["kind"] == "flow"
    conversation.send("我的外卖到哪了")
    status = conversation.status()
    assert status["status"] == "queued"
    assert status["handover_reason"] == "repeated"


def test_an_angry_complaint_is_handed_over_first_in_line(chat: Any) -> None:
    calm = chat(external_id="stu-1003", language="zh")
    calm.send("转人工")
    angry = chat(external_id="stu-1005", language="zh")
    reply = angry.reply("你们太垃圾了，我要投诉")
    assert "抱歉" in reply["text"]
    status = angry.status()
    assert status["status"] == "queued"
    assert status["handover_reason"] == "complaint"
    assert status["queue_position"] == 1  # ahead of the calm customer who asked first


def test_an_elderly_customer_is_offered_a_human_at_once(chat: Any) -> None:
    conversation = chat(name="王奶奶", language="zh", tags=["elderly"])
    [greeting] = conversation.bot_messages()
    assert greeting["payload"]["offer_human"] is True
    assert greeting["payload"]["choices"][0]["value"] == "human"
    conversation.send("转人工", action={"type": "choice", "value": "human"})
    assert conversation.status()["handover_reason"] == "protected_customer"


def test_asking_for_a_human_in_the_middle_of_a_flow(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    asked = conversation.reply("能改一下送餐地址吗")
    assert "新的送餐地址" in asked["text"]
    conversation.send("转人工")
    status = conversation.status()
    assert (status["status"], status["handover_reason"]) == ("queued", "explicit_request")


def test_after_the_hand_over_the_bot_says_nothing_more(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="en")
    conversation.send("I want to talk to a real person")
    assert conversation.status()["handover_reason"] == "explicit_request"
    assert conversation.send("hello? where is my order") == []
    assert conversation.send("谢谢") == []


def test_cancelling_before_the_restaurant_accepts(chat: Any) -> None:
    conversation = chat(external_id="stu-1004", language="en")
    asked = conversation.reply("cancel my order please")
    assert "Cancel your order" in asked["text"]
    done = conversation.reply("yes", action={"type": "choice", "value": "yes"})
    assert "cancelled" in done["text"]
    assert _order(conversation, DemoScenario.JUST_PLACED).status.value == "cancelled"


def test_cancelling_after_the_restaurant_accepted_is_refused_politely(chat: Any) -> None:
    conversation = chat(external_id="stu-1002", language="zh")
    reply = conversation.reply("我想取消订单")  # the restaurant has accepted it already
    assert "商家已接单，无法直接取消" in reply["text"]
    assert any(c["value"] == "human" for c in reply["payload"]["choices"])


def test_the_business_system_being_down_gets_an_honest_answer(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    conversation.container.business.go_down()
    reply = conversation.reply("我的外卖到哪了")
    assert "暂时无法查询" in reply["text"]
    assert conversation.status()["status"] == "bot"


def test_unknown_questions_are_admitted_and_then_handed_over(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    first = conversation.reply("火星上的天气怎么样")
    assert "还没学会" in first["text"]
    assert any(c["value"] == "human" for c in first["payload"]["choices"])
    conversation.send("推荐一本好看的小说")
    assert conversation.status()["handover_reason"] == "failures"


def test_a_customer_can_rate_the_conversation_once(chat: Any) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    url = f"/api/v1/public/conversations/{conversation.id}/rating"
    client, auth = conversation.session.client, conversation.session.auth
    assert client.post(url, json={"score": 5}, headers=auth).status_code == 201
    again = client.post(url, json={"score": 1}, headers=auth)
    assert again.status_code == 409
    bad = client.post(url, json={"score": 9}, headers=auth)
    assert bad.status_code == 422


def test_a_message_left_unanswered_by_a_crash_is_answered_on_restart(database_url: str) -> None:
    from fastapi.testclient import TestClient

    from kefu.web.app import create_app
    from tests.conftest import make_settings
    from tests.factories import start_customer

    without_bot = make_settings(database_url, bot_enabled=False, auto_assign=False)
    with TestClient(create_app(without_bot)) as client:
        session = start_customer(client, external_id="stu-1003", language="zh")
        session.say("我的外卖到哪了")
    with TestClient(create_app(make_settings(database_url, bot_enabled=True))) as client:
        container = client.app.state.container  # type: ignore[attr-defined]
        assert client.portal is not None
        client.portal.call(container.settle)
        session.client = client
        replies = [m for m in session.messages() if m["sender"] == "bot"]
    assert len(replies) == 1 and "预计" in replies[0]["text"]
