"""The service team's API: log in, take work, reply, note, transfer, resolve."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import create_agent, login, start_customer


def test_an_agent_takes_a_waiting_customer_and_replies(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "lina@example.com", skills=("orders",))
    lina = login(client, "lina@example.com")
    customer = start_customer(client)
    customer.say("我要退款")
    customer.ask_for_human()

    queued = lina.call("GET", "/conversations", params={"scope": "queued"}).json()["conversations"]
    assert [c["id"] for c in queued] == [customer.conversation_id]
    assert lina.call("GET", "/queues").json()["queues"]["general"] == 1

    taken = lina.take(customer.conversation_id)
    assert (taken["status"], taken["assignee_id"]) == ("assigned", lina.agent_id)
    assert customer.status()["status"] == "assigned"
    assert lina.reply(customer.conversation_id, "您好，我来帮您处理退款").status_code == 201
    assert [m["sender"] for m in customer.messages()] == ["customer", "agent"]
    mine = lina.call("GET", "/conversations", params={"scope": "mine"}).json()["conversations"]
    assert [c["id"] for c in mine] == [customer.conversation_id]


def test_internal_notes_are_never_shown_to_the_customer(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "wei@example.com")
    wei = login(client, "wei@example.com")
    customer = start_customer(client)
    customer.ask_for_human()
    wei.take(customer.conversation_id)
    wei.reply(customer.conversation_id, "客户情绪激动，注意安抚", internal=True)
    wei.reply(customer.conversation_id, "您好！")
    assert [m["text"] for m in customer.messages()] == ["您好！"]
    transcript = wei.call("GET", f"/conversations/{customer.conversation_id}/messages").json()
    assert [(m["text"], m["internal"]) for m in transcript["messages"]] == [
        ("客户情绪激动，注意安抚", True),
        ("您好！", False),
    ]


def test_an_agent_cannot_reply_in_a_conversation_they_do_not_handle(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "a@example.com")
    create_agent(database_url, "b@example.com")
    a, b = login(client, "a@example.com"), login(client, "b@example.com")
    customer = start_customer(client)
    customer.ask_for_human()
    a.take(customer.conversation_id)
    response = b.reply(customer.conversation_id, "我来")
    assert response.status_code == 403
    assert "assigned agent" in response.json()["error"]["message"]
    assert b.call("POST", f"/conversations/{customer.conversation_id}/resolve").status_code == 403


def test_an_agent_does_not_see_queues_outside_their_skills(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "orders@example.com", skills=("orders",))
    create_agent(database_url, "lead@example.com", role="supervisor")
    agent, lead = login(client, "orders@example.com"), login(client, "lead@example.com")
    customer = start_customer(client)
    customer.ask_for_human()
    lead.take(customer.conversation_id)
    lead.call(
        "POST",
        f"/conversations/{customer.conversation_id}/transfer",
        json={"to_queue": "payments", "note": "支付问题"},
    )
    assert agent.call("GET", f"/conversations/{customer.conversation_id}").status_code == 404
    assert agent.call("POST", f"/conversations/{customer.conversation_id}/take").status_code == 404
    seen_by_lead = lead.call("GET", "/conversations", params={"scope": "queued"}).json()
    assert [c["queue"] for c in seen_by_lead["conversations"]] == ["payments"]


def test_a_transfer_to_a_colleague_moves_the_conversation(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "first@example.com")
    second_id = create_agent(database_url, "second@example.com")
    first, second = login(client, "first@example.com"), login(client, "second@example.com")
    customer = start_customer(client)
    customer.ask_for_human()
    first.take(customer.conversation_id)
    moved = first.call(
        "POST",
        f"/conversations/{customer.conversation_id}/transfer",
        json={"to_agent_id": second_id, "note": "英文客户"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["assignee_id"] == second_id
    assert second.reply(customer.conversation_id, "Hello!").status_code == 201
    resolved = second.call("POST", f"/conversations/{customer.conversation_id}/resolve")
    assert resolved.json()["status"] == "resolved"
    # The customer writes again: back to the queue for a human.
    customer.say("还有一个问题")
    assert customer.status()["status"] == "queued"


def test_presence_and_login_errors(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "p@example.com")
    bad = client.post(
        "/api/v1/agent/login", json={"email": "p@example.com", "password": "wrong-password"}
    )
    assert bad.status_code == 401
    assert bad.json()["error"]["message"] == "wrong e-mail or password"
    unknown = client.post(
        "/api/v1/agent/login", json={"email": "x@example.com", "password": "whatever1"}
    )
    assert unknown.json()["error"]["message"] == "wrong e-mail or password"
    p = login(client, "p@example.com")
    assert p.call("PUT", "/me/presence", json={"presence": "online"}).json()["presence"] == "online"
    assert p.call("PUT", "/me/presence", json={"presence": "asleep"}).status_code == 422
    assert client.get("/api/v1/agent/me").status_code == 401
    customer = start_customer(client)
    as_customer = client.get("/api/v1/agent/me", headers=customer.auth)
    assert as_customer.status_code == 401
    assert "not an agent token" in as_customer.json()["error"]["message"]


def test_taking_a_conversation_twice_is_refused(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "x@example.com")
    create_agent(database_url, "y@example.com")
    x, y = login(client, "x@example.com"), login(client, "y@example.com")
    customer = start_customer(client)
    customer.ask_for_human()
    x.take(customer.conversation_id)
    again = y.call("POST", f"/conversations/{customer.conversation_id}/take")
    assert again.status_code == 409
    assert "assigned" in again.json()["error"]["message"]


def test_the_agent_sees_the_customers_recent_orders(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "orders@example.com")
    agent = login(client, "orders@example.com")
    customer = start_customer(client, customer={"external_id": "stu-1001", "name": "张伟"})
    customer.ask_for_human()
    agent.take(customer.conversation_id)
    found = agent.call("GET", f"/conversations/{customer.conversation_id}/customer").json()
    assert found["customer"]["external_id"] == "stu-1001"
    assert found["business_profile"]["name"] == "张伟"
    assert found["orders"], "the demo customer has orders"
    assert all(order["customer_id"] == "stu-1001" for order in found["orders"])
    assert found["business_error"] is None


def test_the_agent_still_sees_the_customer_when_the_order_system_is_down(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "down@example.com")
    agent = login(client, "down@example.com")
    customer = start_customer(client, external_id="stu-1002")
    customer.ask_for_human()
    agent.take(customer.conversation_id)
    client.app.state.container.business.go_down("maintenance")  # type: ignore[attr-defined]
    found = agent.call("GET", f"/conversations/{customer.conversation_id}/customer")
    assert found.status_code == 200
    assert found.json()["customer"]["external_id"] == "stu-1002"
    assert found.json()["orders"] == []
    assert "maintenance" in found.json()["business_error"]


def test_an_agent_hands_the_conversation_back_to_the_bot(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "back@example.com")
    agent = login(client, "back@example.com")
    customer = start_customer(client)
    customer.ask_for_human()
    agent.take(customer.conversation_id)
    back = agent.call(
        "POST",
        f"/conversations/{customer.conversation_id}/transfer",
        json={"to_bot": True, "note": "只剩查询配送费的问题"},
    )
    assert back.status_code == 200, back.text
    assert (back.json()["status"], back.json()["assignee_id"]) == ("bot", None)
    assert customer.status()["status"] == "bot"
    both = agent.call(
        "POST",
        f"/conversations/{customer.conversation_id}/transfer",
        json={"to_bot": True, "to_queue": "general"},
    )
    assert both.status_code == 422


def test_the_agent_lists_name_the_customer_and_never_show_their_phone(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "mei@example.com")
    mei = login(client, "mei@example.com")
    named = start_customer(client, external_id="u-1", name="王小明", phone="13812345678")
    anonymous = start_customer(client)
    named.ask_for_human()
    anonymous.ask_for_human()

    queued = mei.call("GET", "/conversations", params={"scope": "queued"}).json()["conversations"]
    names = {c["id"]: c["customer_name"] for c in queued}
    # Looking into the queue, nobody handles it yet: masked (the header masks it the same).
    assert names == {named.conversation_id: "王**", anonymous.conversation_id: None}
    assert "13812345678" not in str(queued) and "5678" not in str(queued)
    # The existing fields stay.
    assert {c["status"] for c in queued} == {"queued"}

    mei.take(named.conversation_id)
    mine = mei.call("GET", "/conversations", params={"scope": "mine"}).json()["conversations"]
    # Handling it, Mei addresses the customer by name.
    assert [(c["id"], c["customer_name"]) for c in mine] == [(named.conversation_id, "王小明")]
