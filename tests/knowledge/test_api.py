"""The knowledge base through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from kefu.bootstrap import Container
from kefu.knowledge.suggestion_service import DEFAULT_STATIC
from kefu.knowledge.suggestions import ContextualStrategy, Experiment, StaticStrategy
from tests.factories import AgentSession, create_agent, login, start_customer

ENTRY: dict[str, Any] = {
    "id": "library-pickup",
    "question": {
        "zh": "图书馆取餐点几点关门？",
        "en": "When does the library pick-up point close?",
    },
    "answer": {"zh": "{customer.name}，图书馆取餐点开到 23:00。", "en": "It is open until 23:00."},
    "phrasings": ["图书馆外卖点晚上开到几点", "library food pickup closing time"],
    "category": [{"id": "dorm", "zh": "宿舍与取餐点", "en": "Dorms and pick-up points"}],
    "tags": ["pickup"],
}


def supervisor(
    client: TestClient, database_url: str, email: str = "lead@kefu.test"
) -> AgentSession:
    create_agent(database_url, email, role="supervisor")
    return login(client, email)


def container(client: TestClient) -> Container:
    found: Container = client.app.state.container  # type: ignore[attr-defined]
    return found


def test_an_admin_adds_an_entry_and_the_bot_finds_it_at_once(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    kb = container(client).knowledge
    assert kb is not None and len(kb.all()) >= 60  # the demo knowledge base was seeded
    assert kb.match("图书馆的取餐点晚上几点关")[0].entry.id != "library-pickup"
    created = client.post("/api/v1/admin/knowledge", json=ENTRY, headers=lead.auth)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    hit = kb.match("图书馆的取餐点晚上几点关", language="zh")[0]
    assert hit.entry.id == "library-pickup"
    assert kb.render_answer(hit.entry, "zh", {}) == "您，图书馆取餐点开到 23:00。"
    found = client.get("/api/v1/admin/knowledge", params={"q": "图书馆"}, headers=lead.auth).json()
    assert "library-pickup" in [e["id"] for e in found["entries"]]
    assert (
        client.delete("/api/v1/admin/knowledge/library-pickup", headers=lead.auth).status_code
        == 204
    )
    assert all(h.entry.id != "library-pickup" for h in kb.match("图书馆的取餐点晚上几点关"))
    assert (
        client.get("/api/v1/admin/knowledge/library-pickup", headers=lead.auth).status_code == 404
    )


def test_agents_cannot_edit_knowledge_and_bad_entries_are_refused(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "agent@kefu.test")
    agent = login(client, "agent@kefu.test")
    assert client.post("/api/v1/admin/knowledge", json=ENTRY, headers=agent.auth).status_code == 403
    assert client.get("/api/v1/admin/knowledge").status_code == 401
    lead = supervisor(client, database_url)
    bad = {**ENTRY, "id": "Bad Id", "answer": {"zh": "{order.eta", "en": ""}}
    refused = client.post("/api/v1/admin/knowledge", json=bad, headers=lead.auth)
    assert refused.status_code == 422
    fields = {p["field"] for p in refused.json()["error"]["problems"]}
    assert {"id", "answer.zh", "answer.en"} <= fields
    exists = client.post(
        "/api/v1/admin/knowledge", json={**ENTRY, "id": "order-where"}, headers=lead.auth
    )
    assert exists.status_code == 409
    wrong = client.put("/api/v1/admin/knowledge/order-where", json={**ENTRY}, headers=lead.auth)
    assert wrong.status_code == 422


def test_history_after_two_edits(client: TestClient, database_url: str) -> None:
    lead = supervisor(client, database_url)
    client.post("/api/v1/admin/knowledge", json=ENTRY, headers=lead.auth)
    for closing in ("22:30", "23:30"):
        body = {**ENTRY, "answer": {"zh": f"开到 {closing}。", "en": f"Open until {closing}."}}
        response = client.put(
            "/api/v1/admin/knowledge/library-pickup", json=body, headers=lead.auth
        )
        assert response.status_code == 200, response.text
    history = client.get("/api/v1/admin/knowledge/library-pickup/history", headers=lead.auth).json()
    versions = history["versions"]
    assert [(v["version"], v["action"], v["author"]) for v in versions] == [
        (1, "create", "lead@kefu.test"),
        (2, "update", "lead@kefu.test"),
        (3, "update", "lead@kefu.test"),
    ]
    assert versions[2]["diff"]["answer"]["to"]["en"] == "Open until 23:30."
    assert versions[2]["snapshot"]["answer"]["zh"] == "开到 23:30。"
    unknown = client.get("/api/v1/admin/knowledge/never-was/history", headers=lead.auth)
    assert unknown.status_code == 404
    tree = client.get("/api/v1/admin/knowledge/categories?language=en", headers=lead.auth).json()
    dorm = next(c for c in tree["children"] if c["id"] == "dorm")
    assert dorm["label"] == "Dorms and pick-up points"
    assert "library-pickup" in [e["id"] for e in dorm["entries"]]


def test_csv_and_yaml_export_import_round_trip(client: TestClient, database_url: str) -> None:
    lead = supervisor(client, database_url)
    for fmt in ("csv", "yaml"):
        exported = client.get(
            "/api/v1/admin/knowledge/export", params={"format": fmt}, headers=lead.auth
        )
        assert exported.status_code == 200
        back = client.post(
            "/api/v1/admin/knowledge/import",
            params={"format": fmt},
            content=exported.content,
            headers=lead.auth,
        )
        assert back.status_code == 200, back.text
        assert back.json()["created"] == [] and back.json()["updated"] == []
        assert len(back.json()["unchanged"]) >= 60
    rows = list(csv.DictReader(io.StringIO(exported_csv(client, lead))))
    rows[0]["answer_en"] = "A new answer."
    response = client.post(
        "/api/v1/admin/knowledge/import",
        content=write_csv(rows),
        headers={**lead.auth, "Content-Type": "text/csv"},
    )
    assert response.json()["updated"] == [rows[0]["id"]]


def exported_csv(client: TestClient, lead: AgentSession) -> str:
    response = client.get(
        "/api/v1/admin/knowledge/export", params={"format": "csv"}, headers=lead.auth
    )
    return response.text


def write_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_bad_import_names_the_rows_and_changes_nothing(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    rows = list(csv.DictReader(io.StringIO(exported_csv(client, lead))))
    rows[0]["answer_en"] = "Changed, but the file is refused."
    rows[2]["question_zh"] = ""
    rows[4]["valid_from"] = "next tuesday"
    response = client.post(
        "/api/v1/admin/knowledge/import",
        params={"format": "csv"},
        content=write_csv(rows),
        headers=lead.auth,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_import"
    assert {(p["row"], p["field"]) for p in error["problems"]} == {
        (4, "question.zh"),
        (6, "valid_from"),
    }
    entry = client.get(f"/api/v1/admin/knowledge/{rows[0]['id']}", headers=lead.auth).json()
    assert entry["answer"]["en"] != "Changed, but the file is refused."
    garbage = client.post(
        "/api/v1/admin/knowledge/import",
        params={"format": "yaml"},
        content=b"entries: [unclosed",
        headers=lead.auth,
    )
    assert garbage.status_code == 422


def test_menu_navigation_and_journey_drop_off(client: TestClient, database_url: str) -> None:
    lead = supervisor(client, database_url)
    customer = start_customer(client, name="Emily", language="en", entry_point="help_center")
    base = f"/api/v1/public/conversations/{customer.conversation_id}"
    top = client.get(f"{base}/menu", headers=customer.auth)
    assert top.status_code == 200
    assert "Refunds" in [c["label"] for c in top.json()["children"]]
    refunds = client.get(f"{base}/menu", params={"node": "refunds"}, headers=customer.auth).json()
    assert {c["id"] for c in refunds["children"]} == {"refund-apply", "refund-progress"}
    progress = client.get(f"{base}/menu", params={"node": "refund-progress"}, headers=customer.auth)
    answer = next(c for c in progress.json()["children"] if c["id"] == "refund-time")["answer"]
    assert "working day" in answer
    assert (
        client.get(f"{base}/menu", params={"node": "nope"}, headers=customer.auth).status_code
        == 404
    )
    assert client.get(f"{base}/menu").status_code == 401

    for action, node, level in [
        ("open", "root", 0),
        ("click", "refunds", 1),
        ("click", "refund-progress", 2),
        ("back", "refunds", 1),
        ("exit", "refunds", 1),
    ]:
        step = client.post(
            f"{base}/journey",
            json={"action": action, "node": node, "level": level},
            headers=customer.auth,
        )
        assert step.status_code == 201, step.text
        assert step.json()["entry_point"] == "help_center"
    bad = client.post(
        f"{base}/journey", json={"action": "fly", "node": "x", "level": 0}, headers=customer.auth
    )
    assert bad.status_code == 422
    report = client.get("/api/v1/admin/journeys/dropoff", headers=lead.auth).json()["nodes"]
    worst = report[0]
    assert worst["node"] == "refunds" and worst["exits"] == 1 and worst["visits"] == 2
    assert next(n for n in report if n["node"] == "refund-progress")["backs"] == 1


def test_a_customer_with_a_late_order_is_offered_where_is_my_order_first(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    started = client.post(
        "/api/v1/public/conversations",
        json={"external_id": "stu-1001", "name": "张伟", "language": "zh"},
    ).json()
    conversation_id, customer_id = started["conversation_id"], started["customer_id"]
    suggestions = container(client).suggestions
    assert suggestions is not None
    everyone = Experiment(ContextualStrategy(), StaticStrategy(DEFAULT_STATIC), treatment_share=1.0)
    suggestions.experiment = everyone
    portal = client.portal
    assert portal is not None
    now = suggestions.knowledge.clock()
    chosen = portal.call(suggestions.suggest, conversation_id, customer_id, "zh", now)
    assert chosen[0].knowledge_id == "order-where" and chosen[0].text == "我的外卖到哪了？"
    assert 3 <= len(chosen) <= 5
    portal.call(suggestions.record_click, conversation_id, chosen[0].id)
    report = client.get("/api/v1/admin/suggestions/report", headers=lead.auth).json()["variants"]
    contextual = next(v for v in report if v["variant"] == "contextual")
    assert contextual["clicks"] == 1 and contextual["impressions"] >= len(chosen)
    assert 0 < contextual["ctr"] <= 1
