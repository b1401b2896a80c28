"""A model promoted on one kefu instance changes the answers of another, without a restart:
two apps on PostgreSQL and Redis sharing a model registry folder."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.learning.registry import ModelRegistry
from kefu.nlu.build import INTENT_DIR, MODELS_DIR, demo_intents
from kefu.nlu.data import Example
from kefu.nlu.intent import IntentClassifier
from kefu.web.app import create_app
from tests.conftest import POSTGRES_URL, REDIS_URL, make_settings, reset_postgres
from tests.factories import create_agent, login, start_customer
from tests.learning.conftest import NOW

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

#: A nickname customers of this business use for a person on the service desk.
ASKS_FOR_BEE = (
    "我找小蜜蜂",
    "小蜜蜂在吗",
    "叫小蜜蜂来",
    "让小蜜蜂跟我说",
    "小蜜蜂快出来",
    "请小蜜蜂接一下",
    "小蜜蜂呢",
    "找一下小蜜蜂",
    "我要小蜜蜂",
    "小蜜蜂帮我看看",
    "换小蜜蜂来",
    "小蜜蜂你在哪",
)


def registry_with_a_taught_model(root: Path) -> tuple[ModelRegistry, str, str]:
    """v0001: the built-in intent model; v0002: the same examples plus "小蜜蜂" as a request
    for a person (passed the gate)."""
    registry = ModelRegistry(root / "models")
    shipped = root / "shipped"
    shutil.copytree(MODELS_DIR / INTENT_DIR, shipped / "intent")
    first = registry.add(shipped, {"promoted": True, "verdict": "built-in"}, NOW).name
    taught = root / "taught"
    examples = [*demo_intents(), *(Example(t, "human_agent") for t in ASKS_FOR_BEE)]
    IntentClassifier().train(examples).save(taught / "intent")
    second = registry.add(taught, {"promoted": True, "verdict": "no metric fell"}, NOW).name
    registry.promote(first, NOW)
    return registry, first, second


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient, str]]:
    from kefu.adapters.db import migrate

    registry, _, second = registry_with_a_taught_model(tmp_path)
    reset_postgres()
    migrate.upgrade(POSTGRES_URL)
    common = {"redis_url": REDIS_URL, "model_registry": str(registry.root), "auto_assign": False}
    # Only b runs the bot, so every bot turn in this test is b's.
    a_settings = make_settings(POSTGRES_URL, bot_enabled=False, **common)
    b_settings = make_settings(POSTGRES_URL, bot_enabled=True, **common)
    with TestClient(create_app(a_settings)) as a, TestClient(create_app(b_settings)) as b:
        yield a, b, second


def status_after(client: TestClient, text: str) -> str:
    """A new customer on `client` says `text`; the conversation's status once the bot has
    finished its turn."""
    customer = start_customer(client, external_id=f"stu-bee-{time.monotonic_ns()}")
    customer.say(text)
    portal = client.portal
    assert portal is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        portal.call(client.app.state.container.settle)  # type: ignore[attr-defined]
        if any(m["sender"] == "bot" and m["seq"] > 1 for m in customer.messages()):
            portal.call(client.app.state.container.settle)  # type: ignore[attr-defined]
            return str(customer.status()["status"])
        time.sleep(0.1)
    raise AssertionError(f"the bot never answered {text!r}")


def test_a_model_promoted_on_one_instance_changes_what_the_bot_does_on_the_other(
    pair: tuple[TestClient, TestClient, str],
) -> None:
    a, b, taught = pair
    assert status_after(b, "我找小蜜蜂") == "bot"  # the built-in model: nobody asked for a person

    create_agent(POSTGRES_URL, "lead@example.com", role="supervisor")
    lead = login(a, "lead@example.com")
    url = "/api/v1/admin/learning/models"
    promoted = a.post(f"{url}/{taught}/promote", headers=lead.auth)
    assert promoted.status_code == 200, promoted.text

    deadline = time.monotonic() + 10
    running: Any = None
    while time.monotonic() < deadline and running != taught:
        running = b.get(url, headers=lead.auth).json()["running"]  # b heard it through Redis
        time.sleep(0.1)
    assert running == taught
    assert status_after(b, "我找小蜜蜂") == "queued"  # handed over to a person
