"""What customers, agents and supervisors see of feedback and quality over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from kefu.quality import demo
from kefu.quality.model import Outcome
from kefu.services import conversations as conv
from tests.factories import AgentSession, create_agent, login, start_customer

from .app import app_on, quality, serve, settle
from .conftest import HandClock


@pytest.fixture
def clock() -> HandClock:
    return HandClock(datetime.now(UTC))


@pytest.fixture
def team(database_url: str) -> dict[str, str]:
    return {
        "lina": create_agent(database_url, "lina@example.com"),
        "wei": create_agent(database_url, "wei@example.com"),
        "boss": create_agent(database_url, "boss@example.com", role="supervisor"),
    }


@pytest.fixture
def client(database_url: str, clock: HandClock, team: dict[str, str]) -> Iterator[TestClient]:
    with app_on(database_url, clock) as test_client:
        yield test_client


def test_a_customer_rates_a_conversation_once_with_a_comment(
    client: TestClient, clock: HandClock
) -> None:
    customer = serve(client, login(client, "lina@example.com"), clock)
    url = f"/api/v1/public/conversations/{customer.conversation_id}/rating"
    first = client.post(
        url, json={"score": 4, "comment": "  快，但是有点冷淡 "}, headers=customer.auth
    )
    assert first.status_code == 201
    assert first.json() == {
        "conversation_id": customer.conversation_id,
        "score": 4,
        "comment": "快，但是有点冷淡",
    }
    assert client.post(url, json={"score": 1}, headers=customer.auth).status_code == 409
    assert client.post(url, json={"score": 9}, headers=customer.auth).status_code == 422
    assert client.post(url, json={"score": 5}).status_code == 401


def test_an_abandoned_chat_is_neither_rated_nor_surveyed(client: TestClient) -> None:
    customer = start_customer(client, external_id="stu-1002", language="zh")
    customer.say("在吗")
    customer.ask_for_human()
    closed = client.post(
        f"/api/v1/public/conversations/{customer.conversation_id}/close", headers=customer.auth
    )
    assert closed.json()["status"] == "abandoned"
    settle(client)
    rated = client.post(
        f"/api/v1/public/conversations/{customer.conversation_id}/rating",
        json={"score": 5},
        headers=customer.auth,
    )
    assert rated.status_code == 409
    boss = login(client, "boss@example.com")
    nps = client.get("/api/v1/quality/nps", headers=boss.auth).json()
    assert nps["pending"] == 0
    review = client.get(f"/api/v1/quality/reviews/{customer.conversation_id}", headers=boss.auth)
    assert review.json()["scores"]["resolution"] == 0


def test_thumbs_go_on_bot_answers_only(client: TestClient, clock: HandClock) -> None:
    customer = serve(client, login(client, "lina@example.com"), clock)
    agent_line = next(m for m in customer.messages() if m["sender"] == "agent")
    url = (
        f"/api/v1/public/conversations/{customer.conversation_id}"
        f"/messages/{agent_line['seq']}/feedback"
    )
    refused = client.put(url, json={"helpful": True}, headers=customer.auth)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"

    ctx = client.app.state.container.ctx  # type: ignore[attr-defined]
    assert client.portal is not None
    answer = client.portal.call(
        conv.post_bot_message, ctx, customer.conversation_id, "骑手预计 10 分钟后送达"
    )
    bot_url = f"/api/v1/public/conversations/{customer.conversation_id}/messages/{answer.seq}"
    down = client.put(f"{bot_url}/feedback", json={"helpful": False}, headers=customer.auth)
    assert down.status_code == 200 and down.json()["helpful"] is False
    up = client.put(f"{bot_url}/feedback", json={"helpful": True}, headers=customer.auth)
    assert up.json()["helpful"] is True  # the customer changed their mind: one vote
    boss = _supervisor(client)
    votes = client.get("/api/v1/quality/csat", headers=boss.auth).json()["bot_answers"]
    assert votes == {"votes": 1, "helpful": 1, "helpful_rate": 1.0}


def _supervisor(client: TestClient) -> AgentSession:
    return login(client, "boss@example.com")


def test_a_supervisor_reviews_a_conversation_with_the_sentences_behind_its_scores(
    client: TestClient, clock: HandClock
) -> None:
    customer = serve(
        client, login(client, "lina@example.com"), clock, replies=("按规定无法加急，请等待",)
    )
    boss = _supervisor(client)
    review = client.get(f"/api/v1/quality/reviews/{customer.conversation_id}", headers=boss.auth)
    assert review.status_code == 200
    body = review.json()
    assert body["stiff_policy"] == 1
    costs = [e for e in body["evidence"] if e["reason"] == "stiff_policy"]
    assert costs[0]["sentence"].startswith("按规定无法加急") and costs[0]["points"] < 0
    queue = client.get("/api/v1/quality/reviews", headers=boss.auth).json()["reviews"]
    assert queue[0]["conversation_id"] == customer.conversation_id


def test_an_agent_sees_their_own_scorecard_and_nobody_elses(
    client: TestClient, clock: HandClock, team: dict[str, str]
) -> None:
    lina, wei = login(client, "lina@example.com"), login(client, "wei@example.com")
    mine = serve(client, lina, clock)
    serve(client, wei, clock, external_id="stu-1003")
    own = client.get("/api/v1/quality/scorecards", headers=lina.auth).json()["scorecards"]
    assert {row["agent_id"] for row in own} == {team["lina"]}
    assert own[0]["conversations"] == 1 and own[0]["empathy_per_conversation"] >= 1
    other = client.get(
        "/api/v1/quality/scorecards", params={"agent_id": team["wei"]}, headers=lina.auth
    )
    assert other.status_code == 403
    assert client.get("/api/v1/quality/team", headers=lina.auth).status_code == 403
    assert (
        client.get(f"/api/v1/quality/reviews/{mine.conversation_id}", headers=lina.auth).status_code
        == 200
    )
    boss = _supervisor(client)
    everyone = client.get(
        "/api/v1/quality/scorecards", params={"period": "week"}, headers=boss.auth
    ).json()["scorecards"]
    assert {row["agent_id"] for row in everyone} == {team["lina"], team["wei"]}
    board = client.get("/api/v1/quality/team", headers=boss.auth).json()
    assert board["team"]["conversations"] == 2
    assert "coefficient" in board["collaboration"]


def test_outcomes_upload_as_csv_and_join_the_service_history(
    client: TestClient, clock: HandClock
) -> None:
    lina = login(client, "lina@example.com")
    for n in range(3):
        serve(client, lina, clock, external_id=f"stu-{3000 + n}")
    boss = _supervisor(client)
    rows = [
        Outcome(f"stu-{3000 + n}", datetime(2026, 12, 1).date(), "renewal", float(n % 2))
        for n in range(3)
    ]
    upload = client.post(
        "/api/v1/quality/outcomes.csv",
        content=demo.outcomes_csv(rows).encode(),
        headers={**boss.auth, "Content-Type": "text/csv"},
    )
    assert upload.status_code == 201 and upload.json()["imported"] == 3
    report = client.get("/api/v1/quality/outcomes", headers=boss.auth).json()
    assert report["customers"] == 3
    assert report["effects"]["renewal_per_10s_faster_first_response"] is None  # too few
    bad = client.post(
        "/api/v1/quality/outcomes",
        json={
            "outcomes": [
                {"customer_external_id": "x", "date": "2026-12-01", "kind": "vibes", "value": 1}
            ]
        },
        headers=boss.auth,
    )
    assert bad.status_code == 422
    agent_upload = client.post(
        "/api/v1/quality/outcomes",
        json={
            "outcomes": [
                {"customer_external_id": "x", "date": "2026-12-01", "kind": "renewal", "value": 1}
            ]
        },
        headers=lina.auth,
    )
    assert agent_upload.status_code == 403


def _row(kind: str = "renewal") -> dict[str, object]:
    return {"customer_external_id": "x", "date": "2026-12-01", "kind": kind, "value": 1}


def test_qa_reads_the_emotion_the_bot_recorded_instead_of_analysing_again(
    database_url: str, clock: HandClock, team: dict[str, str]
) -> None:
    with app_on(database_url, clock, bot_enabled=True) as client:
        actions = quality(client).actions
        read_again: list[str] = []
        engine_reading = actions.emotion

        def counting(text: str) -> int:
            read_again.append(text)
            return engine_reading(text)

        actions.emotion = counting
        container = client.app.state.container  # type: ignore[attr-defined]
        assert client.portal is not None
        customer = start_customer(client, external_id="stu-1001", language="zh")
        customer.say("我的外卖一个小时了还没到，太过分了")
        customer.ask_for_human()
        lina = login(client, "lina@example.com")
        clock.move(seconds=15)
        lina.take(customer.conversation_id)
        lina.reply(customer.conversation_id, "非常抱歉让您久等了，马上为您查询")
        customer.say("好的谢谢，麻烦你了")
        client.portal.call(container.settle)
        resolved = lina.call("POST", f"/conversations/{customer.conversation_id}/resolve")
        assert resolved.status_code == 200, resolved.text
        settle(client)
        boss = _supervisor(client)
        url = f"/api/v1/quality/reviews/{customer.conversation_id}"
        review = client.get(url, headers=boss.auth).json()
    # The angry first message and the calm thanks, as the engine read them on arrival.
    assert review["start_emotion"] < review["end_emotion"]
    assert read_again == []


def test_a_review_shows_where_the_agent_contradicted_what_the_bot_answered(
    database_url: str, clock: HandClock, team: dict[str, str]
) -> None:
    from tests.factories import settle as settle_all

    with app_on(database_url, clock, bot_enabled=True) as client:
        customer = start_customer(client, external_id="stu-2001", language="zh")
        customer.say("取消订单后钱怎么退？")
        settle_all(client)  # the bot answers from the knowledge base
        assert any("1–3 个工作日" in m["text"] for m in customer.messages())
        customer.ask_for_human()
        lina = login(client, "lina@example.com")
        lina.take(customer.conversation_id)
        clock.move(seconds=10)
        reply = "您好，银行卡退款要7个工作日才能到账"
        assert lina.reply(customer.conversation_id, reply).status_code == 201
        clock.move(seconds=20)
        lina.call("POST", f"/conversations/{customer.conversation_id}/resolve")
        settle(client)
        boss = _supervisor(client)
        review = client.get(
            f"/api/v1/quality/reviews/{customer.conversation_id}", headers=boss.auth
        ).json()
    costs = [e for e in review["evidence"] if e["reason"] == "contradicts_knowledge"]
    assert len(costs) == 1 and "7个工作日" in costs[0]["sentence"] and costs[0]["points"] < 0
    assert review["scores"]["professionalism"] <= 70
