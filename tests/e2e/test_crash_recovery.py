"""SIGKILL the server in the middle of a load: nothing acknowledged is lost or duplicated, and
retrying every client_id afterwards stores each message exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e._kefu import auth, list_customer_messages, start_conversation
from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.slow

CUSTOMERS = 20
MESSAGES = 25
KILL_AFTER_ACKS = (CUSTOMERS * MESSAGES) * 2 // 5


def client_id(customer: int, n: int) -> str:
    return f"cust{customer:02d}-msg{n:02d}"


async def test_sigkill_loses_and_duplicates_nothing_acknowledged(
    kefu_server: ServerFactory, tmp_path: Path
) -> None:
    server = kefu_server("crash", f"sqlite:///{tmp_path / 'kefu.db'}")
    limits = httpx.Limits(max_connections=CUSTOMERS + 5, max_keepalive_connections=CUSTOMERS + 5)
    acked: list[dict[str, dict[str, Any]]] = [{} for _ in range(CUSTOMERS)]
    failed: list[str] = []
    enough = asyncio.Event()

    async with httpx.AsyncClient(base_url=server.base_url, timeout=10, limits=limits) as http:
        conversations = [await start_conversation(http, name=f"load {i}") for i in range(CUSTOMERS)]

        async def customer(i: int) -> None:
            conversation = conversations[i]
            url = f"/api/v1/public/conversations/{conversation['conversation_id']}/messages"
            for n in range(MESSAGES):
                cid = client_id(i, n)
                try:
                    response = await http.post(
                        url,
                        json={"text": f"message {n} from {i}", "client_id": cid},
                        headers=auth(conversation["customer_token"]),
                    )
                except httpx.TransportError:
                    failed.append(cid)  # not acknowledged; the server is gone
                    return
                assert response.status_code == 201, response.text
                acked[i][cid] = response.json()
                if sum(map(len, acked)) >= KILL_AFTER_ACKS:
                    enough.set()

        async def killer() -> None:
            await enough.wait()
            server.kill()

        await asyncio.wait_for(
            asyncio.gather(killer(), *(customer(i) for i in range(CUSTOMERS))), timeout=60
        )

    total_acked = sum(map(len, acked))
    assert KILL_AFTER_ACKS <= total_acked < CUSTOMERS * MESSAGES, "the kill was not mid-load"
    assert failed, "some requests must have been cut off by the kill"

    server.start()  # the same SQLite file
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10, limits=limits) as http:
        # Every acknowledged message is there exactly once, with the seq it was given.
        for i, conversation in enumerate(conversations):
            stored = await list_customer_messages(http, conversation)
            by_client_id: dict[str, list[dict[str, Any]]] = {}
            for message in stored:
                by_client_id.setdefault(message["client_id"], []).append(message)
            for cid, ack in acked[i].items():
                assert [(m["id"], m["seq"]) for m in by_client_id.get(cid, [])] == [
                    (ack["id"], ack["seq"])
                ], cid
            assert all(len(found) == 1 for found in by_client_id.values()), stored
            assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))

        # Retry every client_id, acknowledged or not: each ends up stored exactly once.
        async def retry(i: int) -> None:
            conversation = conversations[i]
            url = f"/api/v1/public/conversations/{conversation['conversation_id']}/messages"
            for n in range(MESSAGES):
                cid = client_id(i, n)
                response = await http.post(
                    url,
                    json={"text": f"message {n} from {i}", "client_id": cid},
                    headers=auth(conversation["customer_token"]),
                )
                assert response.status_code == 201, response.text
                if cid in acked[i]:
                    assert response.json()["seq"] == acked[i][cid]["seq"], cid
                    assert response.json()["id"] == acked[i][cid]["id"], cid

        await asyncio.gather(*(retry(i) for i in range(CUSTOMERS)))

        for i, conversation in enumerate(conversations):
            stored = await list_customer_messages(http, conversation)
            assert sorted(m["client_id"] for m in stored) == [
                client_id(i, n) for n in range(MESSAGES)
            ]
            assert [m["seq"] for m in stored] == list(range(1, MESSAGES + 1))
