"""A chat with the bot through the public API, waiting for each reply like a customer would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.bootstrap import Container
from tests.conftest import make_settings
from tests.factories import CustomerSession, start_customer


@dataclass
class BotChat:
    session: CustomerSession
    container: Container

    @property
    def id(self) -> str:
        return self.session.conversation_id

    def settle(self) -> None:
        """Waits until the bot has finished with everything it was given."""
        portal = self.session.client.portal
        assert portal is not None
        portal.call(self.container.settle)

    def send(self, text: str, action: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Sends a message and returns what the bot said back to it."""
        before = self.last_seq()
        body: dict[str, Any] = {"text": text}
        if action is not None:
            body["action"] = action
        response = self.session.client.post(
            f"/api/v1/public/conversations/{self.id}/messages", json=body, headers=self.session.auth
        )
        assert response.status_code == 201, response.text
        self.settle()
        return [m for m in self.session.messages(after=before) if m["sender"] == "bot"]

    def reply(self, text: str, action: dict[str, str] | None = None) -> dict[str, Any]:
        replies = self.send(text, action)
        assert len(replies) == 1, replies
        return replies[0]

    def last_seq(self) -> int:
        messages = self.session.messages()
        return int(messages[-1]["seq"]) if messages else 0

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.session.messages() if m["sender"] == "bot"]

    def status(self) -> dict[str, Any]:
        return self.session.status()


@pytest.fixture
def bot_client(database_url: str) -> Iterator[TestClient]:
    from kefu.web.app import create_app

    settings = make_settings(database_url, bot_enabled=True, auto_assign=False)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def chat(bot_client: TestClient) -> Any:
    def start(**customer: Any) -> BotChat:
        session = start_customer(bot_client, **customer)
        container: Container = bot_client.app.state.container  # type: ignore[attr-defined]
        bot_chat = BotChat(session, container)
        bot_chat.settle()
        return bot_chat

    return start
