"""The public channel API as a widget or an integration uses it (SQLite and PostgreSQL)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import start_customer


def test_a_customer_starts_a_conversation_with_the_bot(client: TestClient) -> None:
    response = client.post(
        "/api/v1/public/conversations",
        json={
            "customer": {
                "external_id": "stu-1001",
                "name": "陈晓明",
                "language": "zh",
                "tags": ["elderly"],
            },
            "channel": "app",
            "entry_point": "order_page",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "bot"
    assert body["channel"] == "app"
    assert body["entry_point"] == "order_page"
    assert body["customer_token"]
    status = client.get(
        f"/api/v1/public/conversations/{body['conversation_id']}",
        headers={"Authorization": f"Bearer {body['customer_token']}"},
    ).json()
    assert status["status"] == "bot"
    assert status["queue_position"] is None


def test_a_returning_customer_keeps_one_profile(client: TestClient) -> None:
    first = client.post("/api/v1/public/conversations", json={"external_id": "stu-7", "name": "A"})
    second = client.post(
        "/api/v1/public/conversations", json={"customer": {"external_id": "stu-7"}}
    )
    assert first.json()["customer_id"] == second.json()["customer_id"]
    assert first.json()["conversation_id"] != second.json()["conversation_id"]


def test_messages_get_increasing_seq_and_come_back_in_order(client: TestClient) -> None:
    customer = start_customer(client)
    sent = [customer.say(text) for text in ("我的外卖到哪了", "订单号 DD20261123001", "谢谢")]
    assert [m["seq"] for m in sent] == [1, 2, 3]
    listed = customer.messages()
    assert [(m["seq"], m["sender"], m["text"]) for m in listed] == [
        (1, "customer", "我的外卖到哪了"),
        (2, "customer", "订单号 DD20261123001"),
        (3, "customer", "谢谢"),
    ]
    assert [m["seq"] for m in customer.messages(after=2)] == [3]
    assert all("created_at" in m for m in listed)


def test_the_same_client_id_twice_stores_one_message(client: TestClient) -> None:
    customer = start_customer(client)
    first = customer.say("退款什么时候到账", client_id="retry-1")
    again = customer.say("退款什么时候到账", client_id="retry-1")
    assert first == again
    assert len(customer.messages()) == 1


def test_text_is_kept_exactly_as_typed_including_markup(client: TestClient) -> None:
    customer = start_customer(client)
    text = "  <script>alert('x')</script> 😀 ＡＢＣ  "
    assert customer.say(text)["text"] == text
    assert customer.messages()[0]["text"] == text


def test_the_human_button_queues_the_conversation_with_its_reason(client: TestClient) -> None:
    customer = start_customer(client)
    status = customer.ask_for_human()
    assert status["status"] == "queued"
    assert status["handover_reason"] == "customer_request"
    assert status["queue_position"] == 1
    # Pressing it again does no harm.
    assert customer.ask_for_human()["status"] == "queued"


def test_queue_position_counts_who_waited_longer(client: TestClient) -> None:
    first, second = start_customer(client), start_customer(client)
    first.ask_for_human()
    second.ask_for_human()
    assert second.status()["queue_position"] == 2
    assert first.status()["queue_position"] == 1


def _error(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body["error"]) == {"code", "message"}
    return str(body["error"]["message"])


def test_bad_input_gets_a_clear_4xx(client: TestClient) -> None:
    customer = start_customer(client)
    url = f"/api/v1/public/conversations/{customer.conversation_id}/messages"
    cases = [
        (client.post(url, json={"text": ""}, headers=customer.auth), 422, "empty"),
        (client.post(url, json={"text": "x" * 4001}, headers=customer.auth), 422, "4000"),
        (client.post(url, json={"text": 42}, headers=customer.auth), 422, "text"),
        (client.post(url, json={}, headers=customer.auth), 422, "text"),
        (
            client.post(
                url,
                content=b"{not json",
                headers={**customer.auth, "content-type": "application/json"},
            ),
            400,
            "not valid JSON",
        ),
        (client.post(url, json={"text": "hi"}), 401, "customer_token"),
        (
            client.post(url, json={"text": "hi"}, headers={"Authorization": "Bearer nonsense"}),
            401,
            "not valid",
        ),
        (
            client.post(url, json={"text": "hi"}, headers={"Authorization": "Basic abc"}),
            401,
            "Bearer",
        ),
        (client.get("/api/v1/public/conversations/nope"), 401, "customer_token"),
        (client.post("/api/v1/public/conversations", json={"language": "fr"}), 422, "language"),
        (client.post("/api/v1/public/conversations", json={"channel": "fax"}), 422, "channel"),
        (client.post("/api/v1/public/conversations", json={"tags": "vip"}), 422, "tags"),
        (client.get(f"{url}?after=-1", headers=customer.auth), 422, "after"),
    ]
    for response, status, fragment in cases:
        assert response.status_code == status, (fragment, response.text)
        assert fragment in _error(response), response.text


def test_a_customer_token_opens_only_its_own_conversation(client: TestClient) -> None:
    alice, bob = start_customer(client), start_customer(client)
    url = f"/api/v1/public/conversations/{bob.conversation_id}/messages"
    assert client.post(url, json={"text": "hi"}, headers=alice.auth).status_code == 403
    assert client.get(url, headers=alice.auth).status_code == 403
    assert (
        client.get(
            f"/api/v1/public/conversations/{bob.conversation_id}", headers=alice.auth
        ).status_code
        == 403
    )
    assert bob.messages() == []


def test_an_expired_token_is_refused(database_url: str) -> None:
    from kefu.web.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(database_url, customer_token_ttl_s=-10))
    with TestClient(app) as short_lived:
        customer = start_customer(short_lived)
        response = short_lived.post(
            f"/api/v1/public/conversations/{customer.conversation_id}/messages",
            json={"text": "hi"},
            headers=customer.auth,
        )
    assert response.status_code == 401
    assert "expired" in _error(response)


def test_an_oversized_body_is_refused_before_parsing(client: TestClient) -> None:
    response = client.post("/api/v1/public/conversations", content=b"x" * 300_000)
    assert response.status_code == 413
    assert "larger than" in _error(response)


def test_a_customer_who_gives_up_while_waiting_is_counted_as_abandoned(client: TestClient) -> None:
    customer = start_customer(client)
    customer.ask_for_human()
    url = f"/api/v1/public/conversations/{customer.conversation_id}/close"
    closed = client.post(url, headers=customer.auth)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["queue_position"]) == ("abandoned", None)
    assert client.post(url, headers=customer.auth).json()["status"] == "abandoned"
    customer.say("还在吗？")  # coming back reopens it
    assert customer.status()["status"] == "bot"
    assert client.post(url).status_code == 401
