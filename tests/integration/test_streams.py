"""Live streams: replay after a seq, then live messages and status changes, nothing twice."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from tests.factories import create_agent, login, start_customer


def _next_message(ws: WebSocketTestSession) -> dict[str, Any]:
    while True:
        frame = ws.receive_json()
        if frame["type"] == "message":
            return dict(frame["message"])


def _next_status(ws: WebSocketTestSession) -> dict[str, Any]:
    while True:
        frame = ws.receive_json()
        if frame["type"] == "status":
            return dict(frame)


def test_a_reconnecting_customer_gets_exactly_what_they_missed(client: TestClient) -> None:
    customer = start_customer(client)
    for text in ("一", "二", "三"):
        customer.say(text)
    url = (
        f"/api/v1/public/conversations/{customer.conversation_id}/stream"
        f"?token={customer.token}&after=1"
    )
    with client.websocket_connect(url) as ws:
        assert _next_status(ws)["status"] == "bot"
        assert [_next_message(ws)["seq"] for _ in range(2)] == [2, 3]
        customer.say("四")
        live = _next_message(ws)
        assert (live["seq"], live["text"]) == (4, "四")
        customer.say("四", client_id="same")
        customer.say("四", client_id="same")  # a retry: stored once, pushed once
        customer.say("五")
        assert [_next_message(ws)["seq"] for _ in range(2)] == [5, 6]


def test_the_customer_sees_the_agent_join_and_reply_but_no_notes(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "lina@example.com")
    lina = login(client, "lina@example.com")
    customer = start_customer(client)
    url = f"/api/v1/public/conversations/{customer.conversation_id}/stream?token={customer.token}"
    with client.websocket_connect(url) as ws:
        _next_status(ws)
        customer.ask_for_human()
        queued = _next_status(ws)
        assert (queued["status"], queued["handover_reason"], queued["queue_position"]) == (
            "queued",
            "customer_request",
            1,
        )
        lina.take(customer.conversation_id)
        assert _next_status(ws)["status"] == "assigned"
        lina.reply(customer.conversation_id, "内部备注", internal=True)
        lina.reply(customer.conversation_id, "您好，我是李娜")
        reply = _next_message(ws)
        assert (reply["sender"], reply["text"], reply["seq"]) == ("agent", "您好，我是李娜", 1)


def test_an_agent_stream_carries_their_conversations_live(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "emma@example.com")
    emma = login(client, "emma@example.com")
    customer = start_customer(client)
    customer.ask_for_human()
    with client.websocket_connect(f"/api/v1/agent/stream?token={emma.token}") as ws:
        assert ws.receive_json()["type"] == "hello"
        emma.take(customer.conversation_id)
        assigned = ws.receive_json()
        assert (assigned["name"], assigned["payload"]["agent_id"]) == (
            "conversation.assigned",
            emma.agent_id,
        )
        customer.say("Where is my order?")
        message = _next_message(ws)
        assert (message["sender"], message["text"]) == ("customer", "Where is my order?")


def test_a_stream_with_a_wrong_token_is_closed_with_a_reason(client: TestClient) -> None:
    alice, bob = start_customer(client), start_customer(client)
    url = f"/api/v1/public/conversations/{bob.conversation_id}/stream?token={alice.token}"
    with client.websocket_connect(url) as ws:
        frame = ws.receive_json()
        assert frame["error"]["message"] == "this token belongs to another conversation"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4403
    with client.websocket_connect("/api/v1/agent/stream?token=garbage") as ws:
        assert ws.receive_json()["error"]["code"] == "authentication_failed"


def test_a_waiting_customer_sees_their_place_move_up_live(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "lina@example.com")
    lina = login(client, "lina@example.com")
    first, second = start_customer(client), start_customer(client)
    first.ask_for_human()
    second.ask_for_human()
    url = f"/api/v1/public/conversations/{second.conversation_id}/stream?token={second.token}"
    with client.websocket_connect(url) as ws:
        assert _next_status(ws)["queue_position"] == 2
        lina.take(first.conversation_id)  # someone else is served
        moved = _next_status(ws)
        assert (moved["status"], moved["queue_position"], moved["event"]) == ("queued", 1, None)
