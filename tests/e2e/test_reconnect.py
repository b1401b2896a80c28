"""A customer's stream drops; what happened meanwhile arrives on reconnect with after=<seq>,
exactly once and in order, and the stream carries on live."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.e2e._kefu import (
    KefuServer,
    auth,
    customer_stream_url,
    is_message,
    list_customer_messages,
    login,
    post_customer_message,
    recv_json,
    start_conversation,
    wait_for_frame,
)

pytestmark = pytest.mark.slow


def message_frames(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f["message"] for f in frames if f["type"] == "message"]


async def test_reconnect_receives_exactly_the_missed_messages(demo_server: KefuServer) -> None:
    async with httpx.AsyncClient(base_url=demo_server.base_url, timeout=10) as http:
        conversation = await start_conversation(http, name="Flaky Wifi")
        cid = conversation["conversation_id"]

        async with connect(customer_stream_url(demo_server, conversation)) as ws:
            assert (await recv_json(ws))["type"] == "status"
            await post_customer_message(http, conversation, "hello", "m1")
            got = await wait_for_frame(ws, is_message("m1"))
            last_seq = got["message"]["seq"]
        # The connection is gone; the conversation goes on without it.

        await post_customer_message(http, conversation, "anyone there?", "m2")
        await post_customer_message(http, conversation, "I want a human", "m3")
        handed = await http.post(
            f"/api/v1/public/conversations/{cid}/handover",
            headers=auth(conversation["customer_token"]),
        )
        assert handed.status_code == 200, handed.text
        agent = auth(await login(http, "lina@kefu.local"))
        taken = await http.post(f"/api/v1/agent/conversations/{cid}/take", headers=agent)
        assert taken.status_code == 200, taken.text
        for client_id, internal in (("a1", False), ("note1", True)):
            sent = await http.post(
                f"/api/v1/agent/conversations/{cid}/messages",
                json={"text": f"agent {client_id}", "client_id": client_id, "internal": internal},
                headers=agent,
            )
            assert sent.status_code == 201, sent.text
        await post_customer_message(http, conversation, "thanks", "m4")
        missed = await list_customer_messages(http, conversation, after=last_seq)
        assert [m["client_id"] for m in missed] == ["m2", "m3", "a1", "m4"]

        async with connect(customer_stream_url(demo_server, conversation, after=last_seq)) as ws:
            status = await recv_json(ws)
            assert status["type"] == "status" and status["status"] == "assigned", status
            frames: list[dict[str, Any]] = []
            await wait_for_frame(ws, is_message("m4"), seen=frames)
            # Still live after the catch-up.
            await post_customer_message(http, conversation, "one more", "m5")
            await wait_for_frame(ws, is_message("m5"), seen=frames)

        received = message_frames(frames)
        assert [m["client_id"] for m in received] == ["m2", "m3", "a1", "m4", "m5"]
        assert [m["seq"] for m in received[:4]] == [m["seq"] for m in missed]
        seqs = [m["seq"] for m in received]
        assert seqs == sorted(set(seqs)) and seqs[0] > last_seq
        # Internal notes never reach the customer, and nothing tells them notes exist.
        assert all("internal" not in m and "author_id" not in m for m in received)
        assert [f for f in frames if f["type"] != "message"] == [], frames


async def test_reconnect_from_zero_replays_history_once(demo_server: KefuServer) -> None:
    async with httpx.AsyncClient(base_url=demo_server.base_url, timeout=10) as http:
        conversation = await start_conversation(http, name="Replay")
        for n in range(5):
            await post_customer_message(http, conversation, f"line {n}", f"r{n}")
        for _ in range(2):  # two separate connections, each sees the history once
            async with connect(customer_stream_url(demo_server, conversation)) as ws:
                assert (await recv_json(ws))["type"] == "status"
                frames: list[dict[str, Any]] = []
                await wait_for_frame(ws, is_message("r4"), seen=frames)
            assert [m["seq"] for m in message_frames(frames)] == [1, 2, 3, 4, 5]
