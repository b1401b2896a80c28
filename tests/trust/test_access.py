"""Access boundaries a person would run into: customers, agents and their tokens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import make_settings
from tests.factories import PASSWORD, create_agent, login, start_customer


@pytest.fixture
def limited(sqlite_url: str) -> Iterator[TestClient]:
    """An app with the abuse limits on, as in production."""
    from kefu.web.app import create_app

    settings = make_settings(
        sqlite_url,
        rate_limits=True,
        login_failures_per_account=3,
        starts_per_address=5,
        messages_per_customer=4,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_a_stranger_cannot_read_a_conversations_status(client: TestClient) -> None:
    customer = start_customer(client)
    other = start_customer(client)
    url = f"/api/v1/public/conversations/{customer.conversation_id}"
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "authentication_failed"
    wrong = client.get(url, headers=other.auth)
    assert wrong.status_code == 403
    assert client.get(url, headers=customer.auth).json()["status"] == "bot"


def test_the_customer_sees_the_agent_by_name_only(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "lina@example.com")
    lina = login(client, "lina@example.com")
    customer = start_customer(client)
    customer.say("你好")
    customer.ask_for_human()
    lina.take(customer.conversation_id)
    assert lina.reply(customer.conversation_id, "您好，我是林娜").status_code == 201
    [_, reply] = customer.messages()
    assert reply["author_name"] == "lina"
    assert "author_id" not in reply and "internal" not in reply
    with client.websocket_connect(
        f"/api/v1/public/conversations/{customer.conversation_id}/stream?token={customer.token}"
    ) as ws:
        frames = [ws.receive_json() for _ in range(3)]
    streamed = [f["message"] for f in frames if f["type"] == "message"]
    assert streamed[-1]["author_name"] == "lina" and "author_id" not in streamed[-1]


def test_only_the_assignee_or_a_supervisor_edits_the_card(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "alice@example.com")
    create_agent(database_url, "bob@example.com")
    create_agent(database_url, "lead@example.com", role="supervisor")
    alice, bob = login(client, "alice@example.com"), login(client, "bob@example.com")
    lead = login(client, "lead@example.com")
    customer = start_customer(client)
    customer.say("我要投诉")
    customer.ask_for_human()
    alice.take(customer.conversation_id)
    path = f"/conversations/{customer.conversation_id}/card"
    card = bob.call("GET", path).json()  # bob may read it: the queue is his too
    refused = bob.call("PATCH", path, json={"version": card["version"], "summary": "改掉"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    mine = alice.call("PATCH", path, json={"version": card["version"], "summary": "要退款"})
    assert mine.status_code == 200
    by_lead = lead.call("PATCH", path, json={"version": mine.json()["version"], "summary": "跟进"})
    assert by_lead.status_code == 200


def test_log_in_is_throttled_per_account_with_retry_after(
    limited: TestClient, sqlite_url: str
) -> None:
    create_agent(sqlite_url, "wang@example.com")
    for _ in range(3):
        wrong = {"email": "wang@example.com", "password": "not-the-password"}
        assert limited.post("/api/v1/agent/login", json=wrong).status_code == 401
    right = {"email": "wang@example.com", "password": PASSWORD}
    throttled = limited.post("/api/v1/agent/login", json=right)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert throttled.json()["error"]["code"] == "too_many_requests"


def test_an_unknown_e_mail_takes_as_long_as_a_wrong_password(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "zhou@example.com")

    def timed(email: str) -> float:
        began = time.perf_counter()
        body = {"email": email, "password": "wrong-password"}
        assert client.post("/api/v1/agent/login", json=body).status_code == 401
        return time.perf_counter() - began

    known = min(timed("zhou@example.com") for _ in range(3))
    unknown = min(timed("nobody@example.com") for _ in range(3))
    # Both verify one argon2 hash; without the dummy verification unknown is ~50x faster.
    assert unknown > known * 0.4


def test_a_password_change_ends_every_old_session(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "admin@example.com", role="admin")
    agent_id = create_agent(database_url, "li@example.com")
    admin, li = login(client, "admin@example.com"), login(client, "li@example.com")
    assert li.call("GET", "/me").status_code == 200
    changed = client.patch(
        f"/api/v1/admin/users/{agent_id}", json={"password": "a-new-password"}, headers=admin.auth
    )
    assert changed.status_code == 200
    revoked = li.call("GET", "/me")
    assert revoked.status_code == 401
    with client.websocket_connect(f"/api/v1/agent/stream?token={li.token}") as ws:
        assert ws.receive_json()["type"] == "error"
    again = login(client, "li@example.com", "a-new-password")
    assert again.call("GET", "/me").status_code == 200
    client.patch(f"/api/v1/admin/users/{agent_id}", json={"active": False}, headers=admin.auth)
    assert again.call("GET", "/me").status_code == 401


def _closed_with(ws: Any) -> tuple[int, str]:
    """Reads frames until the server closes the socket; the close code and the last error."""
    message = ""
    while True:
        try:
            frame = ws.receive_json()
        except WebSocketDisconnect as closed:
            return closed.code, message
        if frame.get("type") == "error":
            message = frame["error"]["message"]


def test_an_agents_open_streams_close_when_the_password_changes(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "admin@example.com", role="admin")
    lead_id = create_agent(database_url, "lead@example.com", role="supervisor")
    admin, lead = login(client, "admin@example.com"), login(client, "lead@example.com")
    with (
        client.websocket_connect(f"/api/v1/agent/stream?token={lead.token}") as agent_ws,
        client.websocket_connect(f"/api/v1/ops/stream?token={lead.token}") as board_ws,
        client.websocket_connect(f"/api/v1/agent/stream?token={admin.token}") as admin_ws,
    ):
        assert agent_ws.receive_json()["type"] == "hello"
        assert board_ws.receive_json()["type"] == "board"
        assert admin_ws.receive_json()["type"] == "hello"
        changed = client.patch(
            f"/api/v1/admin/users/{lead_id}",
            json={"password": "a-new-password"},
            headers=admin.auth,
        )
        assert changed.status_code == 200
        for ws in (agent_ws, board_ws):
            code, message = _closed_with(ws)
            assert code == 4401 and "password changed" in message
        # Someone else's stream stays open: it still hears the team.
        start_customer(client).ask_for_human()
        assert admin_ws.receive_json()["type"] == "event"


def test_a_deactivated_agents_stream_closes(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "admin@example.com", role="admin")
    agent_id = create_agent(database_url, "li@example.com")
    admin, li = login(client, "admin@example.com"), login(client, "li@example.com")
    with client.websocket_connect(f"/api/v1/agent/stream?token={li.token}") as ws:
        assert ws.receive_json()["type"] == "hello"
        client.patch(f"/api/v1/admin/users/{agent_id}", json={"active": False}, headers=admin.auth)
        code, message = _closed_with(ws)
        assert code == 4401 and "deactivated" in message
    # A name change revokes nothing: a new stream of a new login stays open.
    client.patch(f"/api/v1/admin/users/{agent_id}", json={"active": True}, headers=admin.auth)
    li = login(client, "li@example.com")
    with client.websocket_connect(f"/api/v1/agent/stream?token={li.token}") as ws:
        assert ws.receive_json()["type"] == "hello"
        client.patch(f"/api/v1/admin/users/{agent_id}", json={"name": "Li Na"}, headers=admin.auth)
        ws.send_json({"watch": "nope"})
        assert ws.receive_json()["type"] == "error"  # a reply to the command: still open


def test_one_address_cannot_flood_new_conversations_or_messages(limited: TestClient) -> None:
    started = [limited.post("/api/v1/public/conversations", json={}) for _ in range(6)]
    assert [r.status_code for r in started] == [201] * 5 + [429]
    assert "Retry-After" in started[-1].headers
    body = started[0].json()
    auth = {"Authorization": f"Bearer {body['customer_token']}"}
    url = f"/api/v1/public/conversations/{body['conversation_id']}/messages"
    posted = [limited.post(url, json={"text": f"hi {n}"}, headers=auth) for n in range(5)]
    assert [r.status_code for r in posted] == [201] * 4 + [429]


def test_pages_carry_security_headers_and_only_the_chat_may_be_framed(
    client: TestClient,
) -> None:
    for page in ("/agent", "/admin", "/board", "/docs"):
        response = client.get(page)
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        assert "<script>" not in response.text  # no inline script for the policy to block
    chat = client.get("/chat")
    assert "frame-ancestors *" in chat.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in chat.headers


def test_the_agent_stream_refuses_another_sites_origin(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "lina@example.com")
    lina = login(client, "lina@example.com")
    url = f"/api/v1/agent/stream?token={lina.token}"
    with client.websocket_connect(url, headers={"Origin": "https://evil.example"}) as ws:
        refused = ws.receive_json()
    assert refused["type"] == "error" and refused["error"]["code"] == "permission_denied"
    with client.websocket_connect(url, headers={"Origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "hello"


def test_a_visitor_cannot_claim_another_customers_identity(sqlite_url: str) -> None:
    from kefu.web.app import create_app
    from kefu.web.identity import sign

    secret = "shared-with-the-shop-0123456789"
    settings = make_settings(sqlite_url, widget_identity_secret=secret)
    with TestClient(create_app(settings)) as client:
        create_agent(sqlite_url, "lina@example.com")
        lina = login(client, "lina@example.com")

        def profile(**body: object) -> dict[str, object]:
            customer = start_customer(client, external_id="stu-1001", **body)
            customer.say("我的订单呢")
            customer.ask_for_human()
            lina.take(customer.conversation_id)
            path = f"/conversations/{customer.conversation_id}/customer"
            found: dict[str, object] = lina.call("GET", path).json()
            return found

        signed = profile(identity_signature=sign(secret, "stu-1001"))
        assert signed["customer"]["external_id"] == "stu-1001"  # type: ignore[index]
        assert signed["orders"]
        forged = profile(identity_signature=sign("guessed-secret", "stu-1001"))
        assert forged["customer"]["external_id"] is None  # type: ignore[index]
        assert forged["orders"] == []
        assert profile()["orders"] == []  # unsigned: an anonymous visitor


def test_internal_notes_leave_no_gap_in_what_the_customer_sees(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "lina@example.com")
    lina = login(client, "lina@example.com")
    customer = start_customer(client)
    customer.say("你好")
    customer.ask_for_human()
    lina.take(customer.conversation_id)
    assert lina.reply(customer.conversation_id, "VIP, be kind", internal=True).status_code == 201
    assert lina.reply(customer.conversation_id, "您好").status_code == 201
    customer.say("谢谢")
    assert [m["seq"] for m in customer.messages()] == [1, 2, 3]
    assert [m["seq"] for m in customer.messages(after=1)] == [2, 3]
    assert customer.status()["last_seq"] == 3
    url = f"/api/v1/public/conversations/{customer.conversation_id}/stream"
    with client.websocket_connect(f"{url}?token={customer.token}&after=1") as ws:
        frames = [ws.receive_json() for _ in range(3)]
    assert [f["message"]["seq"] for f in frames if f["type"] == "message"] == [2, 3]
