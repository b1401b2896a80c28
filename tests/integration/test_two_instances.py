"""Two kefu apps sharing PostgreSQL and Redis deliver each other's events live."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kefu.web.app import create_app
from tests.conftest import POSTGRES_URL, REDIS_URL, make_settings, reset_postgres
from tests.factories import create_agent, login, start_customer

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def pair() -> Iterator[tuple[TestClient, TestClient]]:
    from kefu.adapters.db import migrate

    reset_postgres()
    migrate.upgrade(POSTGRES_URL)
    settings = make_settings(POSTGRES_URL, redis_url=REDIS_URL)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        yield a, b


def _next_message(ws: Any) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = ws.receive_json()
        if frame["type"] == "message":
            return frame


def test_a_customer_on_one_instance_reaches_an_agent_on_the_other(
    pair: tuple[TestClient, TestClient],
) -> None:
    a, b = pair
    create_agent(POSTGRES_URL, "lina@example.com")
    agent = login(b, "lina@example.com")
    customer = start_customer(a)
    customer.ask_for_human()
    stream = (
        f"/api/v1/public/conversations/{customer.conversation_id}/stream?token={customer.token}"
    )
    with (
        a.websocket_connect(stream) as customer_ws,
        b.websocket_connect(f"/api/v1/agent/stream?token={agent.token}") as agent_ws,
    ):
        assert customer_ws.receive_json()["status"] == "queued"
        assert agent_ws.receive_json()["type"] == "hello"
        agent.take(customer.conversation_id)  # on b
        assert agent_ws.receive_json()["name"] == "conversation.assigned"
        assert customer_ws.receive_json()["status"] == "assigned"  # heard on a, via Redis

        customer.say("我的外卖到哪了")  # on a
        frame = _next_message(agent_ws)  # the card following its new owner comes first
        assert (frame["type"], frame["message"]["text"]) == ("message", "我的外卖到哪了")
        assert customer_ws.receive_json()["message"]["seq"] == 1  # the customer's own line

        started = time.monotonic()
        agent.reply(customer.conversation_id, "骑手还有5分钟到")  # on b
        frame = customer_ws.receive_json()
        assert (frame["type"], frame["message"]["text"]) == ("message", "骑手还有5分钟到")
        assert time.monotonic() - started < 5
