"""When the queue is too long or closed, customers are offered another way — and can take it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kefu.services import conversations as conv
from tests.factories import AgentSession, create_agent, login, start_customer


def supervisor(client: TestClient, database_url: str) -> AgentSession:
    create_agent(database_url, "lead@example.com", role="supervisor")
    return login(client, "lead@example.com")


def put_queue(lead: AgentSession, queue: str, settings: dict[str, Any]) -> Any:
    return lead.client.put(f"/api/v1/admin/queues/{queue}", json=settings, headers=lead.auth)


def test_past_the_threshold_the_next_customer_is_offered_a_callback_and_books_it(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    rule = {"action": "offer_callback", "max_waiting": 2, "share": 1.0, "simple_only": False}
    assert put_queue(lead, "general", {"overflow": [rule]}).status_code == 200
    waiting = [start_customer(client) for _ in range(3)]
    for customer in waiting:
        customer.ask_for_human()
    assert [c.status()["offer"] for c in waiting] == [None, None, None]

    late = start_customer(client)
    status = late.ask_for_human()
    assert (status["status"], status["offer"]) == ("queued", "offer_callback")

    booked = client.post(
        f"/api/v1/public/conversations/{late.conversation_id}/callback",
        json={"phone": "138 0000 1234", "preferred_time": "今天 18:00 以后"},
        headers=late.auth,
    )
    assert booked.status_code == 201, booked.text
    after = late.status()
    assert (after["queue"], after["offer"]) == ("callback", None)
    metrics = client.get("/metrics").text
    assert 'kefu_overflows_total{action="offer_callback"} 1.0' in metrics
    assert 'kefu_events_total{name="conversation.handed_over"} 4.0' in metrics
    listed = lead.client.get("/api/v1/admin/callbacks", headers=lead.auth).json()
    # Masked for the supervisor: the full number is for whoever calls back.
    assert [(c["conversation_id"], c["phone"]) for c in listed] == [
        (late.conversation_id, "138****1234")
    ]


def test_only_simple_questions_are_diverted_when_the_rule_says_so(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    rule = {"action": "offer_callback", "max_waiting": 0, "share": 1.0, "simple_only": True}
    put_queue(lead, "general", {"overflow": [rule]})
    start_customer(client).ask_for_human()
    ctx = client.app.state.container.ctx  # type: ignore[attr-defined]
    hard, simple = start_customer(client), start_customer(client)
    portal = client.portal  # type: ignore[attr-defined]
    assert portal is not None
    portal.call(lambda: conv.hand_over(ctx, hard.conversation_id, reason="repeated"))
    portal.call(
        lambda: conv.hand_over(ctx, simple.conversation_id, reason="repeated", simple_intent=True)
    )
    assert hard.status()["offer"] is None
    assert simple.status()["offer"] == "offer_callback"


def test_a_busy_queue_sends_simple_questions_back_to_the_bot(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    rule = {"action": "back_to_bot_busy", "max_waiting": 0, "share": 1.0}
    put_queue(lead, "general", {"overflow": [rule]})
    start_customer(client).ask_for_human()
    ctx = client.app.state.container.ctx  # type: ignore[attr-defined]
    customer = start_customer(client, language="en")
    client.portal.call(  # type: ignore[union-attr]
        lambda: conv.hand_over(ctx, customer.conversation_id, reason="low", simple_intent=True)
    )
    assert customer.status()["status"] == "bot"
    [reply] = customer.messages()
    assert reply["sender"] == "bot"
    assert "busy" in reply["text"]


def test_a_long_queue_spills_over_to_its_secondary_queue(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    rule = {
        "action": "spill_over",
        "max_waiting": 1,
        "spill_to": "backup",
        "simple_only": False,
    }
    put_queue(lead, "general", {"overflow": [rule]})
    first, second, third = (start_customer(client) for _ in range(3))
    first.ask_for_human()
    second.ask_for_human()
    assert third.ask_for_human()["queue"] == "backup"
    assert second.status()["queue"] == "general"


def test_a_closed_queue_offers_a_callback(client: TestClient, database_url: str) -> None:
    lead = supervisor(client, database_url)
    closed = {"hours": {"timezone": "Asia/Shanghai", "weekly": {}}, "after_hours": "offer_callback"}
    assert put_queue(lead, "general", closed).status_code == 200
    status = start_customer(client).ask_for_human()
    assert (status["status"], status["offer"]) == ("queued", "offer_callback")


def test_bad_queue_settings_are_refused_with_a_reason(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    no_target = put_queue(
        lead, "general", {"overflow": [{"action": "spill_over", "max_waiting": 1}]}
    )
    assert no_target.status_code == 422
    assert "spill_to" in no_target.json()["error"]["message"]
    bad_hours = put_queue(lead, "general", {"hours": {"weekly": {"0": ["25:00-26:00"]}}})
    assert bad_hours.status_code == 422
    create_agent(database_url, "agent@example.com")
    agent = login(client, "agent@example.com")
    assert put_queue(agent, "general", {}).status_code == 403
    customer = start_customer(client)
    customer.ask_for_human()
    bad_phone = client.post(
        f"/api/v1/public/conversations/{customer.conversation_id}/callback",
        json={"phone": "call me maybe"},
        headers=customer.auth,
    )
    assert bad_phone.status_code == 422
    assert "phone" in bad_phone.json()["error"]["message"]
