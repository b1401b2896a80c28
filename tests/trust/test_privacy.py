"""Privacy that is enforced: expiry of emotion data and transcripts on a moved clock across a
restart, export and erasure of one customer, masking, and the audit log."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from kefu import bootstrap
from kefu.adapters.db import tables as t
from kefu.adapters.db import tables_bot as tb
from kefu.domain.events import DomainEvent
from kefu.web.app import create_app
from tests.conftest import make_settings
from tests.factories import create_agent, login, start_customer


class HandClock:
    """A clock a test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _app(url: str, clock: HandClock, **overrides: Any) -> TestClient:
    settings = make_settings(url, bot_enabled=True, auto_assign=False, **overrides)
    return TestClient(create_app(settings, bootstrap.build(settings, clock=clock)))


def _counts(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {
            "messages": conn.execute(select(func.count()).select_from(t.messages)).scalar_one(),
            "turns": conn.execute(select(func.count()).select_from(tb.bot_turns)).scalar_one(),
            "conversations": conn.execute(
                select(func.count()).select_from(t.conversations)
            ).scalar_one(),
            "texts": sorted(r[0] for r in conn.execute(select(t.messages.c.text))),
            "emotions": sorted(r[0] for r in conn.execute(select(tb.bot_turns.c.emotion_category))),
        }
    engine.dispose()
    return found


def _wait_for(check: Any, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_emotion_and_old_transcripts_are_purged_after_a_restart_counts_stay(
    sqlite_url: str,
) -> None:
    clock = HandClock(datetime.now(UTC))
    create_agent(sqlite_url, "admin@example.com", role="admin")
    with _app(sqlite_url, clock) as client:
        admin = login(client, "admin@example.com")
        retention = {"transcript_days": 7, "customer_data_days": 730, "keep_ratings": True}
        assert (
            client.put(
                "/api/v1/admin/settings/retention", json=retention, headers=admin.auth
            ).status_code
            == 200
        )
        customer = start_customer(client)
        customer.say("你们太过分了，我非常生气")
        portal = client.portal
        assert portal is not None
        container = client.app.state.container  # type: ignore[attr-defined]
        portal.call(container.settle)
    before = _counts(sqlite_url)
    assert before["turns"] >= 1 and "expired" not in before["emotions"]
    assert all(before["texts"])

    clock.now += timedelta(hours=73)  # past the emotion TTL, within the transcript retention
    with _app(sqlite_url, clock, purge_interval_s=0.05):
        _wait_for(lambda: set(_counts(sqlite_url)["emotions"]) == {"expired"})
    after_emotion = _counts(sqlite_url)
    assert after_emotion["texts"] == before["texts"]  # messages stay until retention ends

    clock.now += timedelta(days=8)  # past the admin's transcript retention
    with _app(sqlite_url, clock, purge_interval_s=0.05):
        _wait_for(lambda: set(_counts(sqlite_url)["texts"]) == {""})
    after = _counts(sqlite_url)
    # Anonymous counts stay: every message, turn and conversation is still counted.
    for key in ("messages", "turns", "conversations"):
        assert after[key] == before[key]


def test_customer_profiles_idle_past_the_admins_retention_are_erased_after_a_restart(
    sqlite_url: str,
) -> None:
    clock = HandClock(datetime.now(UTC))
    create_agent(sqlite_url, "admin@example.com", role="admin")
    with _app(sqlite_url, clock) as client:
        admin = login(client, "admin@example.com")
        retention = {"transcript_days": 365, "customer_data_days": 30, "keep_ratings": True}
        saved = client.put("/api/v1/admin/settings/retention", json=retention, headers=admin.auth)
        assert saved.status_code == 200, saved.text
        gone = start_customer(client, external_id="stu-1001", name="陈晓明", phone="13812341234")
        gone.say("我的订单 A1001 还没到")
        back = start_customer(client, external_id="stu-2002", name="王芳", phone="13900001111")
        back.say("你好")
        settle = client.app.state.container.settle  # type: ignore[attr-defined]
        assert client.portal is not None
        client.portal.call(settle)  # the bot has answered before the clock moves on
        clock.now += timedelta(days=20)
        start_customer(client, external_id="stu-2002").say("又是我")  # came back at day 20
        client.portal.call(settle)

    clock.now += timedelta(days=15)  # day 35: stu-1001 idle 35 days, stu-2002 15 days
    with _app(sqlite_url, clock, purge_interval_s=0.05) as client:
        admin = login(client, "admin@example.com")

        def exported(external_id: str) -> int:
            url = f"/api/v1/admin/customers/{external_id}/export"
            return int(client.get(url, headers=admin.auth).status_code)

        _wait_for(lambda: exported("stu-1001") == 404)
        assert exported("stu-2002") == 200
        kept = client.get("/api/v1/admin/customers/stu-2002/export", headers=admin.auth).json()
        assert (kept["customer"]["name"], kept["customer"]["phone"]) == ("王芳", "13900001111")
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        profiles = {
            r.id: (r.external_id, r.name, r.phone, r.tags)
            for r in conn.execute(select(t.customers))
        }
        texts = sorted(
            r[0]
            for r in conn.execute(
                select(t.messages.c.text).where(t.messages.c.sender == "customer")
            )
        )
    engine.dispose()
    # The profile is anonymous; the customer, their conversation and its transcript (kept
    # 365 days) are still counted.
    assert sorted(profiles.values(), key=str) == sorted(
        [(None, None, None, []), ("stu-2002", "王芳", "13900001111", [])], key=str
    )
    assert texts == sorted(["我的订单 A1001 还没到", "你好", "又是我"])


def test_an_admin_exports_then_erases_one_customer(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "admin@example.com", role="admin")
    create_agent(database_url, "agent@example.com")
    admin, agent = login(client, "admin@example.com"), login(client, "agent@example.com")
    erased: list[DomainEvent] = []

    async def on_event(event: DomainEvent) -> None:
        if event.name == "customer.erased":
            erased.append(event)

    client.app.state.container.bus.subscribe(on_event)  # type: ignore[attr-defined]
    customer = start_customer(client, external_id="stu-1001", name="陈晓明", phone="13812341234")
    customer.say("我的订单 A1001 还没到")
    other = start_customer(client, external_id="stu-2002", name="王芳")
    other.say("你好")

    refused = client.get("/api/v1/admin/customers/stu-1001/export", headers=agent.auth)
    assert refused.status_code == 403
    export = client.get("/api/v1/admin/customers/stu-1001/export", headers=admin.auth)
    assert export.status_code == 200
    data = export.json()
    assert data["customer"]["name"] == "陈晓明" and data["customer"]["phone"] == "13812341234"
    assert [m["text"] for m in data["messages"]] == ["我的订单 A1001 还没到"]

    gone = client.delete("/api/v1/admin/customers/stu-1001", headers=admin.auth)
    assert gone.status_code == 200 and gone.json()["conversations"] == 1
    assert (
        client.get("/api/v1/admin/customers/stu-1001/export", headers=admin.auth).status_code == 404
    )
    assert [m["text"] for m in customer.messages()] == [""]  # the message is counted, not kept
    assert [m["text"] for m in other.messages()] == ["你好"]  # nobody else is touched
    _wait_for(lambda: bool(erased))

    log = client.get("/api/v1/admin/audit", headers=admin.auth).json()["entries"]
    actions = [(e["action"], e["target"], e["actor_id"]) for e in log]
    assert ("customer.erased", "stu-1001", admin.agent_id) in actions
    assert ("customer.exported", "stu-1001", admin.agent_id) in actions
    assert client.get("/api/v1/admin/audit", headers=agent.auth).status_code == 403


def test_the_customers_name_is_in_full_only_for_the_agent_handling_the_conversation(
    client: TestClient, database_url: str
) -> None:
    create_agent(database_url, "agent@example.com")
    create_agent(database_url, "lead@example.com", role="supervisor")
    agent, lead = login(client, "agent@example.com"), login(client, "lead@example.com")
    customer = start_customer(client, name="陈晓明", phone="13812341234")
    customer.say("你好")
    customer.ask_for_human()
    cid = customer.conversation_id

    def seen_by(person: Any) -> dict[str, Any]:
        """The name in the conversation list, the header (the customer tab) and the
        hand-over package, and every phone number shown."""
        listed = {
            c["id"]: c["customer_name"]
            for scope in ("mine", "queued", "open")
            for c in person.call("GET", "/conversations", params={"scope": scope}).json()[
                "conversations"
            ]
        }
        header = person.call("GET", f"/conversations/{cid}/customer").json()["customer"]
        package = person.call("GET", f"/conversations/{cid}/handover").json()
        assert "13812341234" not in str(package)
        return {
            "list": listed[cid],
            "header": header["name"],
            "package": package["customer"]["name"],
            "phones": {header["phone"], package["customer"]["phone"]},
        }

    masked = {"list": "陈**", "header": "陈**", "package": "陈**", "phones": {"138****1234"}}
    assert seen_by(agent) == masked  # looking into the queue: nobody handles it yet
    agent.take(cid)
    # The agent talking with the customer addresses them by name; a chat needs no number.
    assert seen_by(agent) == {**masked, "list": "陈晓明", "header": "陈晓明", "package": "陈晓明"}
    assert seen_by(lead) == masked  # a supervisor watching the conversation
    # Exports and reports mask the same way, whoever asks.
    from kefu.insight.export import mask_name, mask_phone

    assert (mask_name("陈晓明"), mask_phone("13812341234")) == ("陈**", "138****1234")
