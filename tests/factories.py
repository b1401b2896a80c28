"""Small builders for the people in our tests: customers, agents, supervisors."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import make_settings

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@dataclass
class CustomerSession:
    client: TestClient
    conversation_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def say(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        body = {"text": text, "client_id": client_id or f"c-{next(_counter)}"}
        response = self.client.post(
            f"/api/v1/public/conversations/{self.conversation_id}/messages",
            json=body,
            headers=self.auth,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def messages(self, after: int = 0) -> list[dict[str, Any]]:
        response = self.client.get(
            f"/api/v1/public/conversations/{self.conversation_id}/messages",
            params={"after": after},
            headers=self.auth,
        )
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])

    def status(self) -> dict[str, Any]:
        response = self.client.get(
            f"/api/v1/public/conversations/{self.conversation_id}", headers=self.auth
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def ask_for_human(self) -> dict[str, Any]:
        response = self.client.post(
            f"/api/v1/public/conversations/{self.conversation_id}/handover", headers=self.auth
        )
        assert response.status_code == 200, response.text
        return dict(response.json())


def start_customer(client: TestClient, **body: Any) -> CustomerSession:
    response = client.post("/api/v1/public/conversations", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return CustomerSession(client, data["conversation_id"], data["customer_token"])


@dataclass
class AgentSession:
    client: TestClient
    agent_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.request(method, f"/api/v1/agent{path}", headers=self.auth, **kwargs)

    def take(self, conversation_id: str) -> dict[str, Any]:
        response = self.call("POST", f"/conversations/{conversation_id}/take")
        assert response.status_code == 200, response.text
        settle(self.client)  # the card follows its owner on the queued lane
        return dict(response.json())

    def reply(self, conversation_id: str, text: str, *, internal: bool = False) -> Any:
        return self.call(
            "POST",
            f"/conversations/{conversation_id}/messages",
            json={"text": text, "client_id": f"a-{next(_counter)}", "internal": internal},
        )


def settle(client: TestClient) -> None:
    """Waits until every event is delivered and every queued job has run."""
    portal = client.portal
    if portal is not None:
        portal.call(client.app.state.container.settle)  # type: ignore[attr-defined]


def create_agent(
    database_url: str, email: str, *, role: str = "agent", skills: tuple[str, ...] = ()
) -> str:
    """Adds a member of the team straight through the service layer, as `kefu users create`
    does, and returns their id."""
    from kefu import core
    from kefu.domain.agent import Role
    from kefu.services.agents import NewAgent
    from kefu.services.agents import create_agent as create

    async def run() -> str:
        container = core.build_core(make_settings(database_url))
        try:
            new = NewAgent(
                email, email.split("@")[0], PASSWORD, Role(role), list(skills), ["zh", "en"]
            )
            return (await create(container.ctx, new)).id
        finally:
            await container.stop()

    return asyncio.run(run())


def login(client: TestClient, email: str, password: str = PASSWORD) -> AgentSession:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    data = response.json()
    return AgentSession(client, data["agent"]["id"], data["token"])
