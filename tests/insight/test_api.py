"""Insight through the HTTP API, fed by real conversations, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import time

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.factories import AgentSession, create_agent, login, start_customer


def wait_for_bot(customer, replies: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if sum(m["sender"] == "bot" for m in customer.messages()) >= replies:
            return
        time.sleep(0.05)
    raise AssertionError("the bot did not answer")


def supervisor(client: TestClient, database_url: str) -> AgentSession:
    create_agent(database_url, "lead@kefu.test", role="supervisor")
    return login(client, "lead@kefu.test")


def journey(client: TestClient, customer, action: str, node: str, level: int) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/public/conversations/{customer.conversation_id}/journey",
        json={"action": action, "node": node, "level": level},
        headers=customer.auth,
    )
    assert response.status_code == 201, response.text


def close(client: TestClient, customer) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/public/conversations/{customer.conversation_id}/close", headers=customer.auth
    )
    assert response.status_code == 200, response.text


def test_a_supervisor_sees_where_customers_gave_up_drills_in_and_exports(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    browser = start_customer(client, entry_point="order_page", name="张三丰", phone="13812345678")
    journey(client, browser, "open", "root", 0)
    journey(client, browser, "click", "orders", 1)
    journey(client, browser, "exit", "orders", 1)
    close(client, browser)
    asker = start_customer(client, entry_point="home", channel="app")
    asker.ask_for_human()

    got = client.get("/api/v1/insight/journeys", headers=lead.auth)
    assert got.status_code == 200, got.text
    indicators = got.json()["indicators"]
    for key in (
        "entry_share", "path_depth_mean", "menu_abandonment_rate", "abandonment_by_level",
        "abandonment_by_node", "self_service_rate", "bot_resolution_rate",
        "repeat_contact_rate_24h", "suggestion_ctr", "transfer_rate", "unknown_rate",
        "clarify_rate", "time_to_resolution_s_p50", "service_time_s_mean",
    ):  # fmt: skip
        assert key in indicators
    assert indicators["conversations"] == 2
    assert indicators["entry_share"] == {"home": 0.5, "order_page": 0.5}
    assert indicators["menu_abandonment_rate"] == 1.0
    assert indicators["abandonment_by_node"] == {"orders": 1}
    assert indicators["transfer_rate"] == 0.5  # the one who asked for a person
    only_app = client.get(
        "/api/v1/insight/journeys", params={"channel": "app"}, headers=lead.auth
    ).json()["indicators"]
    assert only_app["conversations"] == 1

    drilled = client.get(
        "/api/v1/insight/drill",
        params={"metric": "abandon_node", "key": "orders"},
        headers=lead.auth,
    ).json()
    assert [c["conversation_id"] for c in drilled["conversations"]] == [browser.conversation_id]
    assert drilled["conversations"][0]["phone"] == "138****5678"
    assert drilled["conversations"][0]["customer_name"] == "张**"

    exported = client.get(
        "/api/v1/insight/export",
        params={"table": "drill", "metric": "abandon_node", "key": "orders", "format": "csv"},
        headers=lead.auth,
    )
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [r["conversation_id"] for r in rows] == [browser.conversation_id]
    assert "13812345678" not in exported.text and "张三丰" not in exported.text

    excel = client.get(
        "/api/v1/insight/export",
        params={"table": "heatmap:hour_weekday", "format": "xlsx"},
        headers=lead.auth,
    )
    assert excel.status_code == 200
    sheet = load_workbook(io.BytesIO(excel.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("row", "col", "count")
    assert sum(int(r[2]) for r in values[1:]) == 2  # type: ignore[arg-type]


def test_reports_are_for_supervisors_and_bad_filters_are_refused(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "agent@kefu.test", role="agent")
    agent = login(client, "agent@kefu.test")
    assert client.get("/api/v1/insight/journeys", headers=agent.auth).status_code == 403
    lead = supervisor(client, database_url)
    bad = client.get("/api/v1/insight/journeys", params={"from": "yesterday"}, headers=lead.auth)
    assert bad.status_code in (400, 422) and bad.json()["error"]["code"]
    assert client.get("/api/v1/insight/heatmaps/nope", headers=lead.auth).status_code in (400, 422)


def test_the_demo_experiment_reports_dynamic_against_static_suggestions(
    bot_client: TestClient, database_url: str
) -> None:
    client = bot_client
    lead = supervisor(client, database_url)
    for n in range(12):
        customer = start_customer(client, external_id=f"stu-{n}")
        customer.say("我的外卖到哪了")
        wait_for_bot(customer, replies=2)  # the greeting (with suggestions) and the answer
        close(client, customer)
    found = client.get("/api/v1/insight/experiments", headers=lead.auth).json()["experiments"]
    demo = next(e for e in found if e["experiment"]["id"] == "suggestions-dynamic-vs-static")
    by_variant = demo["primary"]["by_variant"]
    assert set(by_variant) == {"static", "contextual"}
    assert demo["units"] == 12  # every customer exposed once, at the greeting
    assert demo["peeking_warning"] is True  # far below the planned size
    assert demo["verdicts"]["contextual"] in ("too_early", "guard_breached")
    assert "contextual" in demo["primary"]["comparisons"]


def test_a_supervisor_promotes_a_deep_question_to_the_first_level_in_one_click(
    client: TestClient, database_url: str
) -> None:
    lead = supervisor(client, database_url)
    deep = (("open", "root", 0), ("click", "orders", 1), ("click", "order-status", 2),
            ("click", "order-where", 3))  # fmt: skip
    for _ in range(2):
        finder = start_customer(client)
        for action, node, level in deep:
            journey(client, finder, action, node, level)
        close(client, finder)
    quitter = start_customer(client)
    for action, node, level in (("open", "root", 0), ("click", "orders", 1),
                                ("click", "order-status", 2)):  # fmt: skip
        journey(client, quitter, action, node, level)
    close(client, quitter)

    proposals = client.get("/api/v1/insight/proposals", headers=lead.auth).json()["proposals"]
    top = proposals[0]
    assert (top["knowledge_id"], top["action"]) == ("order-where", "first_level")
    # reached twice at level 3, one gave up at a category above it: 2 × (3 − 1) + 1
    assert (top["reached"], top["depth"], top["gave_up_above"], top["score"]) == (2, 3, 1, 5)
    before = client.get("/api/v1/admin/knowledge/order-where", headers=lead.auth).json()
    applied = client.post(
        "/api/v1/insight/proposals/apply",
        json={"knowledge_id": "order-where", "action": "first_level"},
        headers=lead.auth,
    )
    assert applied.status_code == 200, applied.text
    after = client.get("/api/v1/admin/knowledge/order-where", headers=lead.auth).json()
    assert after["category"] == [] and after["version"] == before["version"] + 1
    history = client.get("/api/v1/admin/knowledge/order-where/history", headers=lead.auth).json()
    assert history["versions"][-1]["author"] == "lead@kefu.test"
    menu = client.get(
        f"/api/v1/public/conversations/{quitter.conversation_id}/menu", headers=quitter.auth
    ).json()
    assert "order-where" in [child["id"] for child in menu["children"]]  # on the first screen
