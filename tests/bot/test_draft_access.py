"""Drafts belong to an account and to the agents who may act on the conversation: an agent
who gets 404 on the conversation gets 404 on its draft and never sees it."""

from __future__ import annotations

from typing import Any

from tests.factories import create_agent, login


def _drafted(chat: Any, database_url: str) -> tuple[Any, Any, dict[str, Any]]:
    conversation = chat(external_id="stu-1003", language="zh")
    client = conversation.session.client
    create_agent(database_url, "lead@kefu.test", role="supervisor")
    lead = login(client, "lead@kefu.test")
    rules = client.put(
        "/api/v1/admin/bot/rules", json={"draft_intents": ["refund"]}, headers=lead.auth
    )
    assert rules.status_code == 200, rules.text
    assert "正在为您确认" in conversation.reply("退款多久能到账")["text"]
    [draft] = client.get("/api/v1/agent/drafts", headers=lead.auth).json()
    return conversation, lead, draft


def test_an_agent_who_cannot_see_the_conversation_cannot_see_or_decide_its_draft(
    chat: Any, database_url: str
) -> None:
    conversation, lead, draft = _drafted(chat, database_url)
    client = conversation.session.client
    # The conversation moves to the payments queue, outside the orders agent's skills.
    conversation.send("转人工")
    lead.take(conversation.id)
    moved = lead.call(
        "POST", f"/conversations/{conversation.id}/transfer", json={"to_queue": "payments"}
    )
    assert moved.status_code == 200, moved.text
    create_agent(database_url, "orders@kefu.test", skills=("orders",))
    outsider = login(client, "orders@kefu.test")
    assert outsider.call("GET", f"/conversations/{conversation.id}").status_code == 404

    assert client.get("/api/v1/agent/drafts", headers=outsider.auth).json() == []
    base = f"/api/v1/agent/drafts/{draft['draft_id']}"
    approve = client.post(f"{base}/approve", json={"text": "点我领红包"}, headers=outsider.auth)
    assert approve.status_code == 404
    assert client.post(f"{base}/reject", headers=outsider.auth).status_code == 404
    assert "点我领红包" not in [m["text"] for m in conversation.bot_messages()]

    # The supervisor of the account still can.
    approved = client.post(f"{base}/approve", headers=lead.auth)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_an_agent_who_sees_it_but_another_handles_it_may_not_decide(
    chat: Any, database_url: str
) -> None:
    conversation, _lead, draft = _drafted(chat, database_url)
    client = conversation.session.client
    create_agent(database_url, "mei@kefu.test")
    create_agent(database_url, "ann@kefu.test")
    mei, ann = login(client, "mei@kefu.test"), login(client, "ann@kefu.test")
    conversation.send("转人工")
    mei.take(conversation.id)
    assert ann.call("GET", f"/conversations/{conversation.id}").status_code == 200
    base = f"/api/v1/agent/drafts/{draft['draft_id']}"
    assert client.post(f"{base}/reject", headers=ann.auth).status_code == 403
    assert client.post(f"{base}/approve", headers=mei.auth).status_code == 200
