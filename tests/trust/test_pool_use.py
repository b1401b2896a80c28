"""What a customer's stream costs the PostgreSQL pool: the cause of the pool running out at
300 customers was not a stream holding a connection while open, but every stream opening
with three transactions (each BEGIN … ROLLBACK, with a ping first) whose round trips each
waited a turn of a busy event loop. Now it reads twice, in autocommit, and holds nothing
while open. (`tests/e2e/test_pool.py` is the same story as a crowd.)"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import greenlet
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from kefu.web.app import create_app
from tests.conftest import POSTGRES_URL, make_settings, reset_postgres
from tests.factories import start_customer

pytestmark = pytest.mark.postgres


def _in_stream() -> bool:
    """Whether the connection is being taken by a customer's stream (and not by the job
    workers, the dispatcher or another background loop of the same app)."""
    parent = greenlet.getcurrent().parent
    frame = parent.gr_frame if parent is not None else None
    while frame is not None:
        if frame.f_code.co_name == "customer_stream":
            return True
        frame = frame.f_back
    return False


@dataclass
class StreamPoolUse:
    checkouts: int = 0
    in_transaction: int = 0
    outstanding: set[int] = field(default_factory=set)


@pytest.fixture
def client() -> Iterator[TestClient]:
    from kefu.adapters.db import migrate

    reset_postgres()
    migrate.upgrade(POSTGRES_URL)
    with TestClient(create_app(make_settings(POSTGRES_URL, auto_assign=False))) as test_client:
        yield test_client


def _watch(client: TestClient) -> StreamPoolUse:
    use = StreamPoolUse()
    engine = client.app.state.container.engine.sync_engine  # type: ignore[attr-defined]

    @event.listens_for(engine, "checkout")
    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _in_stream():
            use.checkouts += 1
            use.outstanding.add(id(record))

    @event.listens_for(engine, "checkin")
    def checkin(_dbapi_connection: Any, record: Any) -> None:
        use.outstanding.discard(id(record))

    @event.listens_for(engine, "before_cursor_execute")
    def statement(conn: Any, *_: Any) -> None:
        if _in_stream() and not conn.connection.driver_connection.autocommit:
            use.in_transaction += 1

    return use


def _next(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        frame = ws.receive_json()
        if frame["type"] == kind:
            return dict(frame)


def test_opening_a_stream_reads_twice_outside_a_transaction_and_holds_nothing_open(
    client: TestClient,
) -> None:
    customers = [start_customer(client) for _ in range(10)]
    customers[0].say("你好")  # one stream replays a message
    use = _watch(client)
    with_streams = []
    try:
        for customer in customers:
            url = (
                f"/api/v1/public/conversations/{customer.conversation_id}/stream"
                f"?token={customer.token}"
            )
            ws = client.websocket_connect(url).__enter__()
            with_streams.append(ws)
            assert _next(ws, "status")["status"] == "bot"
        assert _next(with_streams[0], "message")["message"]["text"] == "你好"
        for customer, ws in zip(customers, with_streams, strict=True):
            customer.say("我的订单到哪了？")
            assert _next(ws, "message")["message"]["text"] == "我的订单到哪了？"
        # The access check and the replay: two short reads per stream, no BEGIN/ROLLBACK
        # (and once, for the first, the account's waiting line).
        assert use.checkouts <= 2 * len(customers) + 1
        assert use.in_transaction == 0
        # Ten streams open, nothing held by them.
        time.sleep(0.2)
        assert use.outstanding == set()
    finally:
        for ws in with_streams:
            ws.__exit__(None, None, None)
