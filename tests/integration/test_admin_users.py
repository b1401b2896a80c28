"""Admins manage the team (users, roles, lock-outs) and the retention settings; supervisors
may look; agents may not; and the browser pages are served by kefu itself."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, create_agent, login


def test_an_admin_adds_a_user_who_can_then_log_in(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "boss@example.com", role="admin")
    boss = login(client, "boss@example.com")
    created = client.post(
        "/api/v1/admin/users",
        json={
            "email": "New.Agent@example.com",
            "name": "新人 New",
            "password": "a-long-password",
            "role": "agent",
            "skills": ["Refunds", " orders "],
            "languages": ["zh", "en"],
        },
        headers=boss.auth,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["email"], body["role"], body["skills"], body["active"]) == (
        "new.agent@example.com",
        "agent",
        ["orders", "refunds"],
        True,
    )
    listed = client.get("/api/v1/admin/users", headers=boss.auth).json()
    assert sorted(u["email"] for u in listed) == ["boss@example.com", "new.agent@example.com"]
    assert login(client, "new.agent@example.com", "a-long-password").agent_id == body["id"]

    again = client.post(
        "/api/v1/admin/users",
        json={"email": "new.agent@example.com", "name": "x", "password": "a-long-password"},
        headers=boss.auth,
    )
    assert again.status_code == 409


def test_an_admin_changes_a_role_and_locks_a_user_out(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "boss@example.com", role="admin")
    lina_id = create_agent(database_url, "lina@example.com")
    boss = login(client, "boss@example.com")
    promoted = client.patch(
        f"/api/v1/admin/users/{lina_id}",
        json={"role": "supervisor", "skills": ["payments"], "max_concurrent": 8},
        headers=boss.auth,
    )
    assert promoted.status_code == 200, promoted.text
    assert (promoted.json()["role"], promoted.json()["skills"]) == ("supervisor", ["payments"])
    lina = login(client, "lina@example.com")
    assert client.get("/api/v1/admin/users", headers=lina.auth).status_code == 200

    locked = client.patch(
        f"/api/v1/admin/users/{lina_id}", json={"active": False}, headers=boss.auth
    )
    assert locked.status_code == 200 and locked.json()["active"] is False
    refused = client.post(
        "/api/v1/agent/login", json={"email": "lina@example.com", "password": PASSWORD}
    )
    assert refused.status_code == 401


def test_admins_cannot_lock_out_or_demote_themselves(client: TestClient, database_url: str) -> None:
    boss_id = create_agent(database_url, "boss@example.com", role="admin")
    boss = login(client, "boss@example.com")
    for change in ({"active": False}, {"role": "agent"}):
        response = client.patch(f"/api/v1/admin/users/{boss_id}", json=change, headers=boss.auth)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "invalid_input"
    renamed = client.patch(
        f"/api/v1/admin/users/{boss_id}", json={"name": "Boss"}, headers=boss.auth
    )
    assert renamed.json()["name"] == "Boss"


def test_only_admins_manage_users_and_agents_see_nothing(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "lead@example.com", role="supervisor")
    agent_id = create_agent(database_url, "agent@example.com")
    lead = login(client, "lead@example.com")
    agent = login(client, "agent@example.com")
    new_user = {"email": "x@example.com", "name": "X", "password": "a-long-password"}
    assert client.post("/api/v1/admin/users", json=new_user, headers=lead.auth).status_code == 403
    patch = client.patch(
        f"/api/v1/admin/users/{agent_id}", json={"role": "admin"}, headers=lead.auth
    )
    assert patch.status_code == 403
    assert client.get("/api/v1/admin/users", headers=agent.auth).status_code == 403
    bad = client.post("/api/v1/admin/users", json={**new_user, "role": "owner"}, headers=lead.auth)
    assert bad.status_code == 422


def test_retention_settings_are_stored(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "boss@example.com", role="admin")
    create_agent(database_url, "lead@example.com", role="supervisor")
    boss = login(client, "boss@example.com")
    lead = login(client, "lead@example.com")
    defaults = client.get("/api/v1/admin/settings/retention", headers=lead.auth).json()
    assert (defaults["transcript_days"], defaults["updated_at"]) == (365, None)

    saved = client.put(
        "/api/v1/admin/settings/retention",
        json={"transcript_days": 90, "customer_data_days": 400, "keep_ratings": False},
        headers=boss.auth,
    )
    assert saved.status_code == 200, saved.text
    for _ in range(2):  # a second save updates the same document
        read = client.get("/api/v1/admin/settings/retention", headers=lead.auth).json()
        assert (read["transcript_days"], read["customer_data_days"], read["keep_ratings"]) == (
            90,
            400,
            False,
        )
        assert read["updated_by"] == boss.agent_id
        client.put(
            "/api/v1/admin/settings/retention",
            json={"transcript_days": 90, "customer_data_days": 400, "keep_ratings": False},
            headers=boss.auth,
        )
    too_short = client.put(
        "/api/v1/admin/settings/retention", json={"transcript_days": 0}, headers=boss.auth
    )
    assert too_short.status_code == 422
    by_lead = client.put(
        "/api/v1/admin/settings/retention", json={"transcript_days": 30}, headers=lead.auth
    )
    assert by_lead.status_code == 403


def test_the_pages_and_the_widget_script_are_served(client: TestClient) -> None:
    for path in ("/chat", "/agent", "/admin"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert '<script type="module"' in page.text
    widget = client.get("/widget.js")
    assert widget.headers["content-type"].startswith("text/javascript")
    assert "kefu-widget-button" in widget.text
    assert client.get("/static/common/i18n.js").status_code == 200
    assert client.get("/", follow_redirects=False).headers["location"] == "/chat"
