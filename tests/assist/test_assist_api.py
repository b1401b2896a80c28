"""Agent assist through the HTTP API, on SQLite and PostgreSQL: a customer talks to the bot,
is handed over, and the agent starts with the whole story and help for every message."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.bootstrap import Container
from kefu.knowledge.model import Bilingual, Category, KnowledgeEntry
from kefu.knowledge.template import render
from tests.conftest import make_settings
from tests.factories import AgentSession, CustomerSession, create_agent, login, start_customer

ORDER_STATUS = KnowledgeEntry(
    id="where-is-my-order",
    question=Bilingual("我的外卖到哪了", "Where is my order?"),
    answer=Bilingual("您的订单预计 {order.eta} 送达。", "Your order should arrive at {order.eta}."),
    phrasings=("外卖到哪了", "订单到哪了", "外卖怎么还没到"),
    category=(Category("orders", "订单", "Orders"),),
    intent="order_status",
)
LATE_POLICY = KnowledgeEntry(
    id="late-delivery-policy",
    question=Bilingual("超时赔付规则", "Late delivery compensation"),
    answer=Bilingual("超时 30 分钟以上可获 ¥5 优惠券。", "Over 30 minutes late: a ¥5 coupon."),
    phrasings=("外卖到哪了", "外卖超时"),
    category=(Category("policies", "规则", "Policies"),),
    tags=("policy",),
    intent="order_status",
)


@dataclass(frozen=True)
class Hit:
    entry: KnowledgeEntry
    score: float


class SmallKnowledgeBase:
    """Stands in for `kefu.knowledge`: an entry matches when one of its phrasings is in the
    message."""

    def __init__(self, entries: Sequence[KnowledgeEntry]) -> None:
        self.entries = entries

    def match(
        self,
        text: str,
        *,
        language: str,
        channel: str | None,
        customer_tags: Sequence[str],
        now: datetime,
        top_k: int,
    ) -> list[Hit]:
        return [Hit(e, 0.9) for e in self.entries if any(p in text for p in e.texts)][:top_k]

    def render_answer(
        self, entry: KnowledgeEntry, language: str, variables: Mapping[str, object]
    ) -> str:
        return render(entry.answer.in_language(language), language, variables)


@pytest.fixture
def app_client(database_url: str) -> Iterator[TestClient]:
    from kefu.web.app import create_app

    settings = make_settings(database_url, bot_enabled=True, auto_assign=False)
    with TestClient(create_app(settings)) as client:
        container = _container(client)
        assert container.assist is not None
        knowledge = SmallKnowledgeBase([ORDER_STATUS, LATE_POLICY])
        container.assist.knowledge = lambda: knowledge
        container.bus.keep_history = True
        yield client


def _container(client: TestClient) -> Container:
    container: Container = client.app.state.container  # type: ignore[attr-defined]
    return container


def _settle(client: TestClient) -> None:
    """Waits until the bot has answered everything it was sent."""
    assert client.portal is not None
    client.portal.call(_container(client).settle)


def _customer(client: TestClient, external_id: str, language: str = "zh") -> CustomerSession:
    session = start_customer(client, external_id=external_id, language=language)
    _settle(client)
    return session


def _say(client: TestClient, session: CustomerSession, text: str) -> None:
    session.say(text)
    _settle(client)


def _agents(client: TestClient, database_url: str, *names: str) -> list[AgentSession]:
    agents = []
    for name in names:
        create_agent(database_url, f"{name}@kefu.test")
        agents.append(login(client, f"{name}@kefu.test"))
    return agents


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_an_angry_complaint_reaches_the_agent_with_the_story_and_a_soothing_script(
    app_client: TestClient, database_url: str
) -> None:
    [alice] = _agents(app_client, database_url, "alice")
    angry = _customer(app_client, "stu-1005")
    _say(app_client, angry, "你们太垃圾了，我要投诉")
    assert angry.status()["handover_reason"] == "complaint"

    package = _ok(alice.call("GET", f"/conversations/{angry.conversation_id}/handover"))
    card = package["card"]
    assert card["handover_reason"] == "complaint"
    assert card["intent"] == "complaint"
    assert card["emotion_now"] == "anger"
    assert card["priority"] > 0
    assert card["language"] == "zh" and card["channel"] == "web_widget"
    assert package["summary"].startswith("顾客提出投诉")
    assert [t["intent"] for t in package["understanding"]] == ["complaint"]
    assert package["emotion"]["series"] == [1]
    assert package["customer"]["external_id"] == "stu-1005"
    assert any(m["text"] == "你们太垃圾了，我要投诉" for m in package["transcript"])

    alice.take(angry.conversation_id)
    assist = _ok(alice.call("GET", f"/conversations/{angry.conversation_id}/assist"))
    assert assist["negative_emotion"] is True
    assert assist["soothing"]["emotion"] == "anger"
    assert "抱歉" in assist["soothing"]["text"]
    assert assist["remedy"]["kind"] == "remedy"


def test_the_card_keeps_an_agents_edit_through_a_transfer_and_refuses_stale_edits(
    app_client: TestClient, database_url: str
) -> None:
    alice, bob = _agents(app_client, database_url, "alice", "bob")
    customer = _customer(app_client, "stu-1003")
    _say(app_client, customer, "转人工")
    path = f"/conversations/{customer.conversation_id}/card"
    card = _ok(alice.call("GET", path))
    assert card["handover_reason"] == "explicit_request"
    assert card["owner"] is None

    alice.take(customer.conversation_id)
    card = _ok(alice.call("GET", path))
    assert card["owner"] == alice.agent_id
    edit = {
        "version": card["version"],
        "summary": "顾客要改地址到 6 号楼",
        "promises": ["10 分钟内回电"],
    }
    edited = _ok(alice.call("PATCH", path, json=edit))
    assert edited["summary"] == "顾客要改地址到 6 号楼"
    assert edited["version"] == card["version"] + 1

    stale = alice.call("PATCH", path, json={"version": card["version"], "next_step": "退款"})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    bad = alice.call("PATCH", path, json={"version": edited["version"], "priority": 1000})
    assert bad.status_code == 422

    transfer = {"to_agent_id": bob.agent_id, "note": "请跟进"}
    _ok(alice.call("POST", f"/conversations/{customer.conversation_id}/transfer", json=transfer))
    _settle(app_client)  # the card follows the transfer on the queued lane
    moved = _ok(bob.call("GET", path))
    assert moved["owner"] == bob.agent_id
    assert moved["summary"] == "顾客要改地址到 6 号楼"
    assert moved["promises"] == ["10 分钟内回电"]

    edits = _ok(bob.call("GET", f"{path}/history"))["edits"]
    mine = [e for e in edits if e["action"] == "edited"]
    assert [e["author"] for e in mine] == [alice.agent_id]
    assert mine[0]["changes"]["summary"]["new"] == "顾客要改地址到 6 号楼"
    assert edits[-1]["action"] == "owner_changed"
    names = [e.name for e in _container(app_client).bus.published]
    assert "handover_card.updated" in names


def test_an_order_question_brings_knowledge_cards_and_a_used_one_is_recorded(
    app_client: TestClient, database_url: str
) -> None:
    [alice] = _agents(app_client, database_url, "alice")
    customer = _customer(app_client, "stu-1003")
    _say(app_client, customer, "转人工")
    alice.take(customer.conversation_id)
    _say(app_client, customer, "我的外卖到哪了")
    base = f"/conversations/{customer.conversation_id}"

    assist = _ok(alice.call("GET", f"{base}/assist"))
    assert assist["message"]["text"] == "我的外卖到哪了"
    assert assist["message"]["intent"] == "order_status"
    [card] = assist["knowledge_cards"]
    assert card["entry_id"] == "where-is-my-order"
    assert card["answer"].startswith("您的订单预计")
    assert "{order.eta}" not in card["answer"]
    assert assist["policy"]["entry_id"] == "late-delivery-policy"
    assert assist["knowledge_packs"] == []
    suggestion = assist["suggested_replies"][0]
    assert suggestion["id"] == "kb:where-is-my-order"

    used = {"suggestion_id": suggestion["id"], "kind": "knowledge", "edited": True}
    recorded = _ok(alice.call("POST", f"{base}/assist/used", json=used), 201)
    assert recorded["agent_id"] == alice.agent_id
    [row] = _ok(alice.call("GET", f"{base}/assist/used"))["used"]
    assert (row["suggestion_id"], row["kind"], row["edited"]) == (
        suggestion["id"],
        "knowledge",
        True,
    )
    assert "assist.used" in [e.name for e in _container(app_client).bus.published]

    wrong = alice.call("POST", f"{base}/assist/used", json={**used, "kind": "magic"})
    assert wrong.status_code == 422
    missing = alice.call("GET", f"{base}/assist", params={"seq": 999})
    assert missing.status_code == 404


def test_an_agents_reply_is_suggested_for_a_similar_later_message(
    app_client: TestClient, database_url: str
) -> None:
    [alice] = _agents(app_client, database_url, "alice")
    first = _customer(app_client, "stu-1003")
    _say(app_client, first, "转人工")
    alice.take(first.conversation_id)
    _say(app_client, first, "食堂的饭里有一根头发，太恶心了")
    _ok(alice.call("GET", f"/conversations/{first.conversation_id}/assist"))  # index warm
    reply = "非常抱歉！请拍一张照片发给我，我马上为您申请部分退款。"
    assert alice.reply(first.conversation_id, reply).status_code == 201

    second = _customer(app_client, "stu-1005")
    _say(app_client, second, "转人工")
    alice.take(second.conversation_id)
    _say(app_client, second, "饭里有头发，太恶心了")
    assist = _ok(alice.call("GET", f"/conversations/{second.conversation_id}/assist"))
    from_team = [s for s in assist["suggested_replies"] if s["kind"] == "reply"]
    assert [s["text"] for s in from_team] == [reply]
    assert from_team[0]["id"].startswith("reply:")


def test_an_agent_outside_the_queue_cannot_read_the_card(
    app_client: TestClient, database_url: str
) -> None:
    alice, carol = _agents(app_client, database_url, "alice", "carol")
    customer = _customer(app_client, "stu-1003")
    _say(app_client, customer, "转人工")
    alice.take(customer.conversation_id)
    to_refunds = {"to_queue": "refunds"}
    _ok(alice.call("POST", f"/conversations/{customer.conversation_id}/transfer", json=to_refunds))
    for path in ("card", "handover", "assist"):
        response = carol.call("GET", f"/conversations/{customer.conversation_id}/{path}")
        assert response.status_code == 404, path
    nobody = app_client.get(f"/api/v1/agent/conversations/{customer.conversation_id}/card")
    assert nobody.status_code == 401


def test_canned_responses_are_shared_by_the_team(app_client: TestClient, database_url: str) -> None:
    alice, bob = _agents(app_client, database_url, "alice", "bob")
    body = {"shortcut": "/eta", "text_zh": "骑手正在路上～", "text_en": "The rider is on the way."}
    created = _ok(alice.call("POST", "/canned", json=body), 201)
    assert created["shortcut"] == "eta"
    assert [c["shortcut"] for c in _ok(bob.call("GET", "/canned"))["canned"]] == ["eta"]
    assert alice.call("POST", "/canned", json=body).status_code == 409
    empty = alice.call("POST", "/canned", json={"shortcut": "x"})
    assert empty.status_code == 422
    assert bob.call("DELETE", f"/canned/{created['id']}").status_code == 403
    changed = {**body, "text_en": "Your rider is close."}
    assert _ok(alice.call("PUT", f"/canned/{created['id']}", json=changed))["text_en"] == (
        "Your rider is close."
    )
    assert alice.call("DELETE", f"/canned/{created['id']}").status_code == 204
    assert _ok(bob.call("GET", "/canned"))["canned"] == []
