"""An app release breaks payments: "payment failed" jumps, a burst is raised, and a knowledge
pack reaches the online agent's live stream, the board, agent assist and the supervisor's
editor."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu import bootstrap
from kefu.bot.events import MessageAnalysed
from kefu.domain.clock import FrozenClock
from kefu.web.app import create_app
from tests.conftest import make_settings
from tests.factories import AgentSession, create_agent, login, start_customer

# The language engine is stood in for by publishing `message.analysed` for each message (the
# bot is off), so the intents are exactly the ones written here.
ORDER_TEXTS = ["我的外卖到哪了", "帮我查一下订单状态", "where is my order", "track my delivery"]
PAYMENT_TEXTS = [
    "支付失败了",
    "付款一直不成功",
    "微信支付不了",
    "支付宝付款失败怎么办",
    "银行卡支付提示错误",
    "payment failed",
    "i can't pay for my order",
    "my card was declined",
]


@pytest.fixture
def shop(database_url: str) -> Iterator[tuple[TestClient, FrozenClock]]:
    # Tokens are checked against real time, so simulated time starts now.
    clock = FrozenClock(datetime.now(UTC).replace(second=0, microsecond=0))
    settings = make_settings(database_url, auto_assign=False, bot_enabled=False)
    container = bootstrap.build(settings, clock=clock)
    with TestClient(create_app(settings, container)) as client:
        yield client, clock


def board(client: TestClient, lead: AgentSession) -> dict[str, Any]:
    response = client.get("/api/v1/ops/board", headers=lead.auth)
    assert response.status_code == 200, response.text
    return dict(response.json())


def customers_write(client: TestClient, clock: FrozenClock, texts: list[str]) -> None:
    """Each text from a new customer, analysed as its intent."""
    container = client.app.state.container  # type: ignore[attr-defined]
    for text in texts:
        customer = start_customer(client)
        message = customer.say(text)
        intent = "payment_failed" if text in PAYMENT_TEXTS else "order_status"
        analysed = MessageAnalysed(
            occurred_at=clock.now,
            conversation_id=customer.conversation_id,
            status="bot",
            message_id=message["id"],
            seq=message["seq"],
            language="zh",
            intent=intent,
            confidence=0.95,
            is_oos=False,
            category="payments" if intent == "payment_failed" else "orders",
            emotion_index=2 if intent == "payment_failed" else 3,
            emotion_category="anger" if intent == "payment_failed" else "neutral",
        )
        client.portal.call(container.bus.publish, [analysed])  # type: ignore[union-attr]


def test_a_payment_outage_reaches_every_online_agent_as_a_knowledge_pack(
    shop: tuple[TestClient, FrozenClock], database_url: str
) -> None:
    client, clock = shop
    create_agent(database_url, "lead@shop.test", role="supervisor")
    create_agent(database_url, "lina@shop.test", skills=("payments",))
    lead = login(client, "lead@shop.test")
    lina = login(client, "lina@shop.test")
    assert lina.call("PUT", "/me/presence", json={"presence": "online"}).status_code == 200

    # A normal morning: a few questions a minute, now and then a failed payment.
    for minute in range(20):
        texts = [ORDER_TEXTS[minute % 4], ORDER_TEXTS[(minute + 1) % 4]]
        if minute % 4 == 0:
            texts.append(PAYMENT_TEXTS[minute % len(PAYMENT_TEXTS)])
        customers_write(client, clock, texts)
        clock.advance(60)
    assert board(client, lead)["bursts"]["active"] == []

    with client.websocket_connect(f"/api/v1/agent/stream?token={lina.token}") as stream:
        assert stream.receive_json()["type"] == "hello"
        # 09:20 the new app version ships and payments fail for everyone.
        for _ in range(2):
            customers_write(client, clock, PAYMENT_TEXTS[:7])
            clock.advance(30)
        packs: dict[str, dict[str, Any]] = {}
        for _ in range(200):
            frame = stream.receive_json()
            if frame.get("name") == "knowledge_pack.published":
                published = frame["payload"]["pack"]
                packs[published["key"]] = published
                if len(packs) == 2:
                    break
        else:
            pytest.fail(f"the knowledge packs did not reach the agent: {packs}")

    # The intent and its category both jumped: one pack each.
    assert sorted(packs) == ["category:payments", "intent:payment_failed"]
    pack = packs["intent:payment_failed"]
    assert pack["intent"] == "payment_failed"
    assert pack["key"] == "intent:payment_failed"
    assert set(pack["samples"]) <= set(PAYMENT_TEXTS) and len(pack["samples"]) >= 3
    assert "支付" in pack["answer"]
    assert "支付失败" in pack["script"] and "failed payments" in pack["script"]

    now = board(client, lead)
    assert "intent:payment_failed" in now["bursts"]["active"]
    assert {r["key"] for r in now["bursts"]["rising"][:2]} == set(packs)
    assert {p["id"] for p in now["packs"]} == {p["id"] for p in packs.values()}

    # The supervisor edits the script; the team gets the new version.
    with client.websocket_connect(f"/api/v1/agent/stream?token={lina.token}") as stream:
        stream.receive_json()
        edited = client.patch(
            f"/api/v1/ops/packs/{pack['id']}",
            json={"script": "新版本支付问题已定位，请客户先用余额支付。"},
            headers=lead.auth,
        )
        assert edited.status_code == 200, edited.text
        for _ in range(50):
            frame = stream.receive_json()
            if frame.get("name") == "knowledge_pack.published":
                break
        assert frame["payload"]["pack"]["script"] == "新版本支付问题已定位，请客户先用余额支付。"
        assert frame["payload"]["pack"]["updated_by"] == lead.agent_id

    listed = client.get("/api/v1/ops/packs?status=active", headers=lead.auth).json()["packs"]
    assert {p["id"] for p in listed} == {p["id"] for p in packs.values()}
    # Agent assist reads the same packs through its PackSource port.
    ops = client.app.state.container.ops  # type: ignore[attr-defined]
    assert ops is not None

    async def assist_packs() -> Any:
        return await ops.active_packs(
            account_id="default", language="zh", intent="payment_failed", now=clock.now
        )

    notices = client.portal.call(assist_packs)  # type: ignore[union-attr]
    assert notices[0].id == pack["id"]  # the packs of the customer's intent first
    assert notices[0].text.startswith("新版本支付问题已定位")


def test_packs_and_the_board_are_for_supervisors(
    shop: tuple[TestClient, FrozenClock], database_url: str
) -> None:
    client, _ = shop
    create_agent(database_url, "emma@shop.test")
    create_agent(database_url, "boss@shop.test", role="supervisor")
    emma = login(client, "emma@shop.test")
    boss = login(client, "boss@shop.test")
    assert client.get("/api/v1/ops/board", headers=emma.auth).status_code == 403
    assert client.get("/api/v1/ops/board").status_code == 401
    missing = client.patch("/api/v1/ops/packs/nope", json={"title": "x"}, headers=boss.auth)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    with client.websocket_connect(f"/api/v1/ops/stream?token={emma.token}") as ws:
        assert ws.receive_json()["error"]["code"] == "permission_denied"
    with client.websocket_connect(f"/api/v1/ops/stream?token={boss.token}") as ws:
        frame = ws.receive_json()
        assert frame["type"] == "board"
        assert frame["board"]["now"]["active"] == 0


def test_alert_settings_are_validated_and_stored(
    shop: tuple[TestClient, FrozenClock], database_url: str
) -> None:
    client, _ = shop
    create_agent(database_url, "boss@shop.test", role="supervisor")
    boss = login(client, "boss@shop.test")
    bad = client.put(
        "/api/v1/ops/settings",
        json={"rules": [{"id": "q", "indicator": "now.waiting", "raise_at": 5, "clear_at": 9}]},
        headers=boss.auth,
    )
    assert bad.status_code == 422 or bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_input"
    rules = [{"id": "q", "indicator": "now.waiting", "raise_at": 1, "clear_at": 0}]
    internal = client.put(
        "/api/v1/ops/settings",
        json={"rules": rules, "webhooks": ["http://127.0.0.1:9/hook"]},
        headers=boss.auth,
    )
    assert internal.status_code == 422  # an internal address needs the admin's allow-list
    good = client.put(
        "/api/v1/ops/settings",
        json={"rules": rules, "webhooks": ["https://hooks.example.com/hook"]},
        headers=boss.auth,
    )
    assert good.status_code == 200, good.text
    stored = client.get("/api/v1/ops/settings", headers=boss.auth).json()
    assert [r["id"] for r in stored["rules"]] == ["q"]
    assert stored["webhooks"] == ["https://hooks.example.com/hook"]
    # One customer waiting raises the alert on the board.
    start_customer(client).ask_for_human()
    deadline = time.monotonic() + 10
    while not board(client, boss)["alerts"]:
        assert time.monotonic() < deadline, "the alert was not raised"
        time.sleep(0.05)
    assert board(client, boss)["alerts"][0]["id"] == "q"
