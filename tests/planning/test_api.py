"""The planning API on SQLite and PostgreSQL: supervisors plan, agents may not, and the
history comes from kefu's own conversations."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from kefu.adapters.db.engine import create_engine
from kefu.adapters.db.planning_history import SqlContactHistory
from kefu.planning.volumes import synthetic_series, to_csv
from tests.factories import create_agent, login, start_customer


def supervisor(client: TestClient, database_url: str) -> dict[str, str]:
    create_agent(database_url, "lead@example.com", role="supervisor")
    return login(client, "lead@example.com").auth


def test_a_supervisor_gets_the_staffing_and_an_agent_is_refused(client, database_url):
    auth = supervisor(client, database_url)
    body = {
        "contacts": 100,
        "interval_min": 30,
        "aht_s": 180,
        "target_s": 20,
        "service_level": 0.8,
        "max_occupancy": 0.85,
        "shrinkage": 0.3,
    }
    answer = client.post("/api/v1/planning/staffing", json=body, headers=auth)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["agents_raw"], answer.json()["agents"]) == (14, 20)

    create_agent(database_url, "mei@example.com")
    refused = client.post(
        "/api/v1/planning/staffing", json=body, headers=login(client, "mei@example.com").auth
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert client.post("/api/v1/planning/staffing", json=body).status_code == 401
    bad = client.post("/api/v1/planning/staffing", json={**body, "shrinkage": 1.2}, headers=auth)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"


def test_the_forecast_reads_kefus_conversations_and_says_when_there_are_too_few(
    client, database_url
):
    auth = supervisor(client, database_url)
    for _ in range(3):
        start_customer(client, language="zh")
    history = SqlContactHistory(create_engine(database_url))
    now = datetime.now(UTC)

    async def read() -> tuple[int, int]:
        starts = await history.conversation_starts(
            "default", now - timedelta(days=1), now + timedelta(minutes=1)
        )
        sample = await history.handling(
            "default", now - timedelta(days=1), now + timedelta(minutes=1)
        )
        await history.engine.dispose()
        return len(starts), sample.conversations

    assert asyncio.run(read()) == (3, 3)
    short = client.post("/api/v1/planning/forecast", json={"source": "history"}, headers=auth)
    assert short.status_code == 422
    assert "at least 3 days" in short.json()["error"]["message"]
    measured = client.get("/api/v1/planning/measured", headers=auth).json()
    assert measured["conversations"] == 3


def test_an_imported_csv_is_forecast_and_staffed_per_interval(client, database_url):
    auth = supervisor(client, database_url)
    series = synthetic_series(start=datetime(2026, 9, 7), days=21)
    body = {
        "source": "csv",
        "volumes_csv": to_csv(series),
        "horizon_days": 1,
        "rostered": 10,
        "bot_containment": 0.5,
        "staffing": {"contacts": 0, "aht_s": 420, "concurrency": 3},
    }
    answer = client.post("/api/v1/planning/forecast", json=body, headers=auth)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert len(data["forecast"]) == len(data["staffing"]) == 48
    assert 0 < data["wape"] < 0.2
    peak = max(data["staffing"], key=lambda s: s["agents"])
    night = min(data["staffing"], key=lambda s: s["agents"])
    assert peak["agents"] > night["agents"] and peak["rostered"] == 10


def test_a_simulation_runs_in_the_background_and_reports_progress(client, database_url):
    auth = supervisor(client, database_url)
    started = client.post(
        "/api/v1/planning/simulations",
        json={
            "contacts_per_hour": 600,
            "agents": 10,
            "concurrency": 3,
            "aht_s": 420,
            "bot_containment": 0.6,
            "hours": 2,
        },
        headers=auth,
    )
    assert started.status_code == 202, started.text
    job = started.json()["id"]
    deadline = time.monotonic() + 60
    while True:
        state = client.get(f"/api/v1/planning/simulations/{job}", headers=auth).json()
        if state["status"] != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert state["status"] == "done" and state["progress"] == 1.0
    assert 0 <= state["result"]["service_level"] <= 1
    assert client.get("/api/v1/planning/simulations/nope", headers=auth).status_code == 404


def test_the_peak_question_and_the_cost_curve(client, database_url):
    auth = supervisor(client, database_url)
    peak = client.post("/api/v1/planning/peak", json={"check_hours": 0}, headers=auth).json()
    with_bot, people = peak["scenarios"]["with_bot"], peak["scenarios"]["all_human"]
    assert with_bot["staffing"]["agents"] < people["staffing"]["agents"]
    assert with_bot["cost_per_hour"] < people["cost_per_hour"]
    curve = client.post(
        "/api/v1/planning/cost", json={"contacts_per_hour": 1000}, headers=auth
    ).json()
    assert 0 < curve["threshold"] < 1


def test_a_huge_peak_is_checked_on_a_shorter_run_or_refused_with_a_reason(client, database_url):
    auth = supervisor(client, database_url)
    body = {"contacts_per_hour": 900_000, "aht_s": 60, "concurrency": 1}
    peak = client.post("/api/v1/planning/peak", json=body, headers=auth)
    assert peak.status_code == 200, peak.text
    assert 0 < peak.json()["simulation_check"]["hours"] < 1
    refused = client.post("/api/v1/planning/peak", json={**body, "check_hours": 2}, headers=auth)
    assert refused.status_code == 422 and "check_hours" in refused.text
