"""Emotion response, the draft-and-approve tier, and the rules admins edit."""

from __future__ import annotations

from typing import Any

from tests.factories import create_agent, login


def test_an_anxious_customer_with_a_late_order_is_soothed_and_offered_a_coupon(chat: Any) -> None:
    conversation = chat(external_id="stu-1001", language="zh")
    reply = conversation.reply("我好着急啊，饭还没到，快饿死了")
    assert reply["text"].startswith("非常理解您着急的心情")
    assert "已超时" in reply["text"]  # the real state of the late order
    assert "¥5.00" in reply["text"] and "优惠券" in reply["text"]
    assert conversation.status()["status"] == "bot"
    # The remedy is offered once per conversation, within the configured limit.
    again = conversation.reply("还没到，我真的很着急")
    assert "优惠券" not in again["text"]


def test_configured_intents_are_drafted_and_sent_only_after_a_person_approves(
    chat: Any, database_url: str
) -> None:
    first = chat(external_id="stu-1003", language="zh")
    client = first.session.client
    create_agent(database_url, "lead@kefu.test", role="supervisor")
    lead = login(client, "lead@kefu.test")
    rules = client.put(
        "/api/v1/admin/bot/rules", json={"draft_intents": ["refund"]}, headers=lead.auth
    )
    assert rules.status_code == 200, rules.text

    holding = first.reply("退款多久能到账")
    assert "正在为您确认" in holding["text"]
    [draft] = client.get("/api/v1/agent/drafts", headers=lead.auth).json()
    assert draft["conversation_id"] == first.id and draft["intent"] == "refund"

    edited = "退款已原路退回，1-3 个工作日到账，请留意微信通知。"
    approved = client.post(
        f"/api/v1/agent/drafts/{draft['draft_id']}/approve",
        json={"text": edited},
        headers=lead.auth,
    )
    assert approved.status_code == 200 and approved.json()["status"] == "edited"
    assert first.bot_messages()[-1]["text"] == edited
    twice = client.post(f"/api/v1/agent/drafts/{draft['draft_id']}/approve", headers=lead.auth)
    assert twice.status_code == 409


def test_rules_are_validated_and_take_effect_at_once(chat: Any, database_url: str) -> None:
    conversation = chat(external_id="stu-1003", language="zh")
    client = conversation.session.client
    create_agent(database_url, "admin@kefu.test", role="admin")
    admin = login(client, "admin@kefu.test")
    bad = client.put("/api/v1/admin/bot/rules", json={"repeat_limit": -1}, headers=admin.auth)
    assert bad.status_code in (400, 422) and "repeat_limit" in bad.text
    create_agent(database_url, "ann@kefu.test")
    agent = login(client, "ann@kefu.test")
    forbidden = client.put("/api/v1/admin/bot/rules", json={}, headers=agent.auth)
    assert forbidden.status_code == 403

    ok = client.put("/api/v1/admin/bot/rules", json={"repeat_limit": 1}, headers=admin.auth)
    assert ok.json()["repeat_limit"] == 1
    conversation.send("我的外卖到哪了")
    conversation.send("我的外卖到哪了")
    assert conversation.status()["handover_reason"] == "repeated"
