"""A bot turn is one transaction: the reply, the turn record, the bot's memory and the
turn's events commit together, and a retried turn writes nothing twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from kefu import bootstrap
from kefu.adapters.db.unit_of_work import SqlUnitOfWork
from kefu.bootstrap import Container
from kefu.domain.events import DomainEvent, MessageCreated
from kefu.services import conversations as conv
from kefu.services.conversations import CustomerInfo
from tests.conftest import make_settings


@pytest.fixture
async def container(database_url: str) -> AsyncIterator[Container]:
    built = bootstrap.build(make_settings(database_url, bot_enabled=True, auto_assign=False))
    built.bus.keep_history = True
    await built.start()
    try:
        yield built
    finally:
        await built.stop()


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The names of the events each committed unit of work recorded."""
    seen: list[list[str]] = []
    original = SqlUnitOfWork.commit

    async def commit(self: SqlUnitOfWork) -> None:
        names = [e.name for e in self._recorded]
        await original(self)
        seen.append(names)

    monkeypatch.setattr(SqlUnitOfWork, "commit", commit)
    return seen


async def test_a_customer_asking_the_bot_gets_a_reply_stored_with_its_turn_in_one_commit(
    container: Container, commits: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, bot = container.ctx, container.bot
    started = await conv.start_conversation(ctx, CustomerInfo(external_id="stu-1001"))
    cid = started.conversation.id
    await container.settle()

    async def step_by_step(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the turn was stored outside the reply's transaction")

    monkeypatch.setattr(bot.actions.store, "record_turn", step_by_step)
    commits.clear()
    await conv.post_customer_message(ctx, cid, "退款多久能到账", None)
    await container.settle()

    messages = await conv.list_messages(ctx, cid)
    reply = messages[-1]
    assert reply.sender.value == "bot" and reply.client_id == f"bot:{messages[-2].seq}"
    turn = [c for c in commits if "bot.turn" in c]
    assert len(turn) == 1
    names = turn[0]
    assert names.index("message.analysed") < names.index("message.created")
    assert names.index("message.created") < names.index("bot.turn")
    turns = await bot.actions.store.list_turns(cid)  # type: ignore[attr-defined]
    assert [t["message_seq"] for t in turns] == [messages[-2].seq]
    assert turns[0]["reply_text"] == reply.text
    assert await bot.actions.store.load_state(cid) is not None


async def test_a_turn_taken_again_stores_no_second_reply_turn_or_event(
    container: Container,
) -> None:
    ctx, bot = container.ctx, container.bot
    started = await conv.start_conversation(ctx, CustomerInfo(external_id="stu-1002"))
    cid = started.conversation.id
    await conv.post_customer_message(ctx, cid, "骑手电话多少", None)
    await container.settle()
    before = await conv.list_messages(ctx, cid)
    published = len(container.bus.published)
    question = next(m for m in before if m.sender.value == "customer")
    again = MessageCreated(
        occurred_at=question.created_at,
        conversation_id=cid,
        status="bot",
        message_id=question.id,
        seq=question.seq,
        sender="customer",
        text=question.text,
        internal=False,
        author_id=None,
        client_id=None,
        created_at=question.created_at,
    )
    bot.actions.memories.forget(cid)  # as another instance would, with no memory cached
    await bot.take_turn(again)  # a redelivered job
    await container.settle()
    assert [m.id for m in await conv.list_messages(ctx, cid)] == [m.id for m in before]
    turns = await bot.actions.store.list_turns(cid)  # type: ignore[attr-defined]
    assert [t["message_seq"] for t in turns] == [question.seq]
    late: list[DomainEvent] = container.bus.published[published:]
    assert not [e for e in late if e.name in ("bot.turn", "message.created")]


async def test_the_questions_suggested_under_a_reply_are_logged_with_it_in_one_commit(
    container: Container, commits: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, suggestions = container.ctx, container.suggestions

    async def apart(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the impression was written outside the reply's transaction")

    monkeypatch.setattr(suggestions.log_store, "add_many", apart)
    started = await conv.start_conversation(ctx, CustomerInfo(external_id="stu-1003"))
    cid = started.conversation.id
    await conv.post_customer_message(ctx, cid, "退款多久能到账", None)
    await container.settle()

    shown_with = [c for c in commits if "suggestion.shown" in c]
    # The greeting and the answer each show questions, stored with their message.
    assert len(shown_with) == 2
    assert all("message.created" in c for c in shown_with)
    bot_messages = [m for m in await conv.list_messages(ctx, cid) if m.sender.value == "bot"]
    shown = sum(len((m.payload or {}).get("suggestions", [])) for m in bot_messages)
    assert shown > 0
    report = {r.variant: r.impressions for r in await suggestions.report()}
    assert sum(report.values()) == shown
