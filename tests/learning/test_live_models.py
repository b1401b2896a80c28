"""A promoted model goes live without a restart: promoting publishes `model.promoted`, and
every instance that hears it swaps the intent classifier its language engine reads."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.domain.errors import Conflict
from kefu.domain.events import DomainEvent, ModelPromoted
from kefu.learning.live import LiveModels
from kefu.learning.registry import ModelRegistry
from kefu.nlu.build import INTENT_DIR, MODELS_DIR
from kefu.nlu.intent import IntentClassifier
from tests.conftest import make_settings
from tests.factories import create_agent, login
from tests.learning.conftest import NOW, person


def add_version(registry: ModelRegistry, tmp: Path, *, passed: bool = True) -> str:
    """A registry version holding a copy of the built-in intent model."""
    built = tmp / f"built-{len(registry.versions())}"
    shutil.copytree(MODELS_DIR / INTENT_DIR, built / "intent")
    verdict = "no metric fell" if passed else "refused: CLINC150 dev in-scope accuracy fell"
    return registry.add(built, {"promoted": passed, "verdict": verdict}, NOW).name


@dataclass
class Engine:
    intent: Any = None


@dataclass
class Bus:
    """Delivers what one instance publishes to every instance's handler, itself included."""

    instances: list[LiveModels] = field(default_factory=list)
    heard: list[DomainEvent] = field(default_factory=list)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        self.heard.extend(events)
        for event in events:
            assert isinstance(event, ModelPromoted)
            for instance in self.instances:
                await instance.on_promoted(event)


def test_a_promotion_on_one_instance_swaps_the_model_of_the_other(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    first, second = add_version(registry, tmp_path), add_version(registry, tmp_path)
    refused = add_version(registry, tmp_path, passed=False)
    registry.promote(first, NOW)
    bus = Bus()
    a, b = (LiveModels(registry, Engine(), bus.publish, lambda: NOW) for _ in range(2))
    bus.instances += [a, b]
    assert a.load_current() == first and b.load_current() == first
    before = b.engine.intent
    assert isinstance(before, IntentClassifier)

    asyncio.run(a.promote(person(), second))
    assert b.running == second and b.engine.intent is not before
    [event] = bus.heard
    assert isinstance(event, ModelPromoted)
    assert (event.version, event.action, event.components) == (second, "promote", ["intent"])

    with pytest.raises(Conflict, match="did not pass the evaluation gate: refused: CLINC150"):
        asyncio.run(a.promote(person(), refused))
    assert b.running == second

    asyncio.run(b.rollback(person()))
    assert a.running == first and b.running == first


def test_the_api_lists_versions_and_promotes_one_that_passed_the_gate(
    tmp_path: Path, database_url: str
) -> None:
    from kefu.web.app import create_app

    registry = ModelRegistry(tmp_path / "models")
    first, second = add_version(registry, tmp_path), add_version(registry, tmp_path)
    refused = add_version(registry, tmp_path, passed=False)
    registry.promote(first, NOW)
    settings = make_settings(database_url, model_registry=str(registry.root))
    with TestClient(create_app(settings)) as client:
        create_agent(database_url, "lead@kefu.test", role="supervisor")
        create_agent(database_url, "lina@kefu.test")
        lead, lina = login(client, "lead@kefu.test"), login(client, "lina@kefu.test")
        url = "/api/v1/admin/learning/models"
        listed = client.get(url, headers=lead.auth).json()
        assert (listed["current"], listed["running"]) == (first, first)
        assert [v["passed_gate"] for v in listed["versions"]] == [True, True, False]
        assert client.post(f"{url}/{second}/promote", headers=lina.auth).status_code == 403

        no = client.post(f"{url}/{refused}/promote", headers=lead.auth)
        assert no.status_code == 409
        assert "did not pass the evaluation gate" in no.json()["error"]["message"]
        yes = client.post(f"{url}/{second}/promote", headers=lead.auth)
        assert yes.status_code == 200, yes.text
        assert client.get(url, headers=lead.auth).json()["running"] == second
        back = client.post(f"{url}/rollback", headers=lead.auth)
        assert back.json()["version"] == first
        assert client.get(url, headers=lead.auth).json()["running"] == first


def test_without_a_registry_the_models_api_says_how_to_get_one(client: TestClient) -> None:
    response = client.get("/api/v1/admin/learning/models")
    assert response.status_code in (401, 404)
