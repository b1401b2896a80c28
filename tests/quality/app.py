"""A kefu app on a hand-moved clock, and a customer served from hello to resolution."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from kefu import bootstrap
from kefu.quality.wiring import Quality
from kefu.web.app import create_app
from tests.conftest import make_settings
from tests.factories import AgentSession, CustomerSession, start_customer

from .conftest import HandClock


@contextmanager
def app_on(database_url: str, clock: HandClock, **settings: Any) -> Iterator[TestClient]:
    config = make_settings(database_url, **settings)
    container = bootstrap.build(config, clock=clock)
    assert container.quality is not None
    # Ticks happen when the test says so (the loop still ticks once at start-up).
    container.quality.scheduler.interval_s = 3600
    with TestClient(create_app(config, container)) as client:
        yield client


def quality(client: TestClient) -> Quality:
    found: Quality = client.app.state.container.quality  # type: ignore[attr-defined]
    return found


def settle(client: TestClient) -> None:
    """Waits until quality has handled every event so far."""
    assert client.portal is not None
    client.portal.call(quality(client).handlers.drain)


def tick(client: TestClient) -> int:
    assert client.portal is not None
    sent: int = client.portal.call(quality(client).scheduler.tick)
    return sent


def serve(
    client: TestClient,
    agent: AgentSession,
    clock: HandClock,
    replies: tuple[str, ...] = ("非常抱歉让您久等了，我理解您着急的心情，马上为您查询",),
    external_id: str = "stu-1001",
) -> CustomerSession:
    customer = start_customer(client, external_id=external_id, language="zh")
    customer.say("我的外卖一个小时了还没到，太过分了")
    customer.ask_for_human()
    clock.move(seconds=15)
    agent.take(customer.conversation_id)
    for text in replies:
        clock.move(seconds=10)
        assert agent.reply(customer.conversation_id, text).status_code == 201
        clock.move(seconds=20)
        customer.say("好的谢谢")
    clock.move(seconds=30)
    response = agent.call("POST", f"/conversations/{customer.conversation_id}/resolve")
    assert response.status_code == 200, response.text
    settle(client)
    return customer


def surveys(customer: CustomerSession) -> list[dict[str, Any]]:
    return [m for m in customer.messages() if (m.get("payload") or {}).get("kind") == "nps_survey"]
