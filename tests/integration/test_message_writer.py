"""Messages written in shared transactions still behave one by one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kefu import bootstrap
from kefu.bootstrap import Container
from kefu.domain.errors import NotFound
from kefu.services import conversations as conv
from kefu.services.conversations import CustomerInfo
from tests.conftest import make_settings


@pytest.fixture
async def container(database_url: str) -> AsyncIterator[Container]:
    built = bootstrap.build(make_settings(database_url))
    built.bus.keep_history = True
    try:
        yield built
    finally:
        await built.stop()


async def test_a_crowd_of_customers_each_gets_gapless_seqs_and_retries_store_nothing_twice(
    container: Container,
) -> None:
    ctx = container.ctx
    ids = [(await conv.start_conversation(ctx, CustomerInfo())).conversation.id for _ in range(20)]

    async def customer(cid: str) -> list[int]:
        first = [await conv.post_customer_message(ctx, cid, f"第{n}条", f"m{n}") for n in range(10)]
        # Every message sent again at once, as a flaky network would.
        again = await asyncio.gather(
            *(conv.post_customer_message(ctx, cid, f"第{n}条", f"m{n}") for n in range(10))
        )
        assert [m.id for m in again] == [m.id for m in first]
        return [m.seq for m in first]

    seqs = await asyncio.gather(*(customer(cid) for cid in ids))
    assert all(s == list(range(1, 11)) for s in seqs)
    for cid in ids:
        stored = await conv.list_messages(ctx, cid)
        assert [m.seq for m in stored] == list(range(1, 11))
    created = [e for e in container.bus.published if e.name == "message.created"]
    assert len(created) == 200  # one event per stored message, none for the retries


async def test_one_bad_request_in_a_batch_fails_alone(container: Container) -> None:
    ctx = container.ctx
    good = (await conv.start_conversation(ctx, CustomerInfo())).conversation.id
    results = await asyncio.gather(
        conv.post_customer_message(ctx, good, "你好", "a"),
        conv.post_customer_message(ctx, "no-such-conversation", "你好", "b"),
        conv.post_customer_message(ctx, good, "在吗", "c"),
        return_exceptions=True,
    )
    assert isinstance(results[1], NotFound)
    assert [m.text for m in await conv.list_messages(ctx, good)] == ["你好", "在吗"]


async def test_the_same_client_id_twice_in_one_batch_is_stored_once(container: Container) -> None:
    ctx = container.ctx
    cid = (await conv.start_conversation(ctx, CustomerInfo())).conversation.id
    one, two = await asyncio.gather(
        conv.post_customer_message(ctx, cid, "退款", "dup"),
        conv.post_customer_message(ctx, cid, "退款", "dup"),
    )
    assert one.id == two.id
    assert len(await conv.list_messages(ctx, cid)) == 1
