"""Two kefu instances on one PostgreSQL database, joined by Redis: a customer on A and an agent
on B talk to each other live."""

from __future__ import annotations

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.e2e._kefu import (
    REDIS_URL,
    KefuServer,
    auth,
    client,
    customer_stream_url,
    is_message,
    login,
    post_customer_message,
    recv_json,
    retry_storm,
    start_conversation,
    wait_for_frame,
)
from tests.e2e.conftest import ServerFactory

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def pair(module_kefu_server: ServerFactory, fresh_postgres: str) -> tuple[KefuServer, KefuServer]:
    # A migrates and seeds the demo team first, then B joins the same database.
    a = module_kefu_server("A", fresh_postgres, redis=REDIS_URL, demo=True)
    b = module_kefu_server("B", fresh_postgres, redis=REDIS_URL)
    return a, b


async def test_customer_on_a_and_agent_on_b_talk_live(pair: tuple[KefuServer, KefuServer]) -> None:
    a, b = pair
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=10) as on_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=10) as on_b,
    ):
        for server, client in ((a, on_a), (b, on_b)):
            ready = (await client.get("/readyz")).json()
            assert ready == {"status": "ready", "database": "ok", "redis": "ok"}, server.name

        conversation = await start_conversation(on_a, name="Two Instances", language="zh")
        cid = conversation["conversation_id"]
        customer = auth(conversation["customer_token"])
        agent_token = await login(on_b, "lina@kefu.local")

        async with (
            connect(customer_stream_url(a, conversation)) as customer_ws,
            connect(f"{b.ws_url}/api/v1/agent/stream?token={agent_token}") as agent_ws,
        ):
            customer_seen: list[dict[str, object]] = []
            agent_seen: list[dict[str, object]] = []
            first = await recv_json(customer_ws)
            assert first["type"] == "status" and first["status"] == "bot", first
            hello = await recv_json(agent_ws)
            assert hello["type"] == "hello" and cid not in hello["conversations"], hello

            # The customer asks for a human on A; lina (queue "general") hears of it on B.
            handed = await on_a.post(
                f"/api/v1/public/conversations/{cid}/handover", headers=customer
            )
            assert handed.status_code == 200, handed.text
            assert handed.json()["status"] == "queued"
            await wait_for_frame(
                agent_ws,
                lambda f: (
                    f.get("name") == "conversation.handed_over"
                    and f["payload"]["conversation_id"] == cid
                ),
                seen=agent_seen,
            )

            # lina takes it on B; the customer's stream on A shows the assignment.
            taken = await on_b.post(
                f"/api/v1/agent/conversations/{cid}/take", headers=auth(agent_token)
            )
            assert taken.status_code == 200, taken.text
            assert taken.json()["status"] == "assigned"
            await wait_for_frame(
                customer_ws,
                lambda f: f.get("type") == "status" and f.get("status") == "assigned",
                seen=customer_seen,
            )

            # Customer on A → agent's stream on B.
            sent = await post_customer_message(on_a, conversation, "我的外卖到哪了？", "c-1")
            got = await wait_for_frame(agent_ws, is_message("c-1"), seen=agent_seen)
            assert got["message"]["seq"] == sent["seq"]
            assert got["message"]["text"] == "我的外卖到哪了？"
            assert got["message"]["sender"] == "customer"
            # ... and it is echoed on the customer's own stream on A.
            await wait_for_frame(customer_ws, is_message("c-1"), seen=customer_seen)

            # Agent on B → customer's stream on A.
            reply = await on_b.post(
                f"/api/v1/agent/conversations/{cid}/messages",
                json={"text": "骑手还有五分钟到", "client_id": "a-1", "internal": False},
                headers=auth(agent_token),
            )
            assert reply.status_code == 201, reply.text
            got = await wait_for_frame(customer_ws, is_message("a-1"), seen=customer_seen)
            assert got["message"]["seq"] == reply.json()["seq"] == sent["seq"] + 1
            assert got["message"]["sender"] == "agent"
            assert got["message"]["text"] == "骑手还有五分钟到"

            # Every message reached the customer once, in order.
            seqs = [f["message"]["seq"] for f in customer_seen if f["type"] == "message"]
            assert seqs == sorted(set(seqs)), customer_seen


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("messages", {"text": "a\x00b", "client_id": "nul-1"}),
        ("messages", {"text": "hi", "client_id": "nul\x00"}),
        ("handover", {"reason": "why\x00"}),
    ],
)
async def test_nul_character_is_not_a_500(
    pair: tuple[KefuServer, KefuServer], path: str, body: dict[str, str]
) -> None:
    a, _ = pair
    async with httpx.AsyncClient(base_url=a.base_url, timeout=10) as on_a:
        conversation = await start_conversation(on_a)
        response = await on_a.post(
            f"/api/v1/public/conversations/{conversation['conversation_id']}/{path}",
            json=body,
            headers=auth(conversation["customer_token"]),
        )
    assert response.status_code < 500, response.text


async def test_concurrent_retries_across_instances_store_one_message(
    pair: tuple[KefuServer, KefuServer],
) -> None:
    a, b = pair
    async with client(a) as on_a, client(b) as on_b:
        await retry_storm([on_a, on_b])
