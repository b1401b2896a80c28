"""Two kefu instances sharing PostgreSQL and Redis: an edit on one is answered by the other."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kefu.bootstrap import Container
from kefu.knowledge.service import KnowledgeService
from kefu.web.app import create_app
from tests.conftest import POSTGRES_URL, REDIS_URL, make_settings, reset_postgres
from tests.factories import create_agent, login

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def pair() -> Iterator[tuple[TestClient, TestClient]]:
    from kefu.adapters.db import migrate

    reset_postgres()
    migrate.upgrade(POSTGRES_URL)
    settings = make_settings(POSTGRES_URL, redis_url=REDIS_URL)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        yield a, b


def knowledge(client: TestClient) -> KnowledgeService:
    container: Container = client.app.state.container  # type: ignore[attr-defined]
    assert container.knowledge is not None
    return container.knowledge


def wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def test_an_entry_added_on_one_instance_is_matched_on_the_other(
    pair: tuple[TestClient, TestClient],
) -> None:
    a, b = pair
    create_agent(POSTGRES_URL, "lead@kefu.test", role="supervisor")
    lead = login(a, "lead@kefu.test")
    entry_id = f"night-market-{uuid.uuid4().hex[:8]}"
    body = {
        "id": entry_id,
        "question": {"zh": "夜市档口几点收摊？", "en": "When does the night market close?"},
        "answer": {
            "zh": "夜市档口营业到凌晨一点。",
            "en": "The night market stalls close at 1 am.",
        },
        "phrasings": ["夜市开到几点", "night market closing hours"],
    }
    assert a.post("/api/v1/admin/knowledge", json=body, headers=lead.auth).status_code == 201

    def b_finds_it() -> bool:
        hits = knowledge(b).match("夜市档口几点收摊")
        return bool(hits) and hits[0].entry.id == entry_id

    assert wait_for(b_finds_it)
    assert a.delete(f"/api/v1/admin/knowledge/{entry_id}", headers=lead.auth).status_code == 204
    assert wait_for(lambda: knowledge(b).get(entry_id) is None)
    assert entry_id not in knowledge(b).matcher.entries


def test_a_topic_pinned_on_one_instance_is_suggested_by_the_other(
    pair: tuple[TestClient, TestClient],
) -> None:
    a, b = pair
    create_agent(POSTGRES_URL, "lead@kefu.test", role="supervisor")
    lead = login(a, "lead@kefu.test")
    pinned = a.post(
        "/api/v1/admin/suggestions/pins", json={"topic": "payment_failed"}, headers=lead.auth
    )
    assert pinned.status_code == 201 and pinned.json()["knowledge_id"] == "payment-failed"
    container: Container = b.app.state.container  # type: ignore[attr-defined]
    suggestions = container.suggestions
    assert suggestions is not None
    assert wait_for(
        lambda: [p.topic for p in suggestions.pins(knowledge(b).clock())] == ["payment_failed"]
    )
    assert (
        a.delete("/api/v1/admin/suggestions/pins/payment_failed", headers=lead.auth).status_code
        == 204
    )
    assert wait_for(lambda: suggestions.pins(knowledge(b).clock()) == [])
    assert (
        a.delete("/api/v1/admin/suggestions/pins/payment_failed", headers=lead.auth).status_code
        == 404
    )
