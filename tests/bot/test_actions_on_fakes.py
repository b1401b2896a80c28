"""The bot's use cases on in-memory fakes: no database, no app, no language model."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from kefu.adapters.business.fake import FakeFoodDelivery
from kefu.bot.events import BotTurnTaken, KnowledgeGap
from kefu.bot.fakes import (
    FakeConversations,
    FakeKnowledge,
    FakeLanguage,
    InMemoryBotStore,
    RecordingBus,
)
from kefu.bot.wiring import Bot, build_bot
from kefu.domain.conversation import Conversation
from kefu.domain.customer import Customer
from kefu.domain.events import MessageCreated
from kefu.knowledge.model import Bilingual, KnowledgeEntry
from tests.bot.analyses import analysis

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ENTRY = KnowledgeEntry(
    id="refund-time",
    question=Bilingual("退款多久能到账？", "How long does a refund take?"),
    answer=Bilingual("退款 1-3 个工作日原路退回。", "Refunds arrive in 1-3 working days."),
)


def _bot() -> tuple[
    Bot, FakeConversations, FakeKnowledge, FakeLanguage, RecordingBus, InMemoryBotStore
]:
    people, knowledge, language = FakeConversations(), FakeKnowledge(), FakeLanguage()
    bus, store = RecordingBus(), InMemoryBotStore()
    conversation = Conversation.start(
        id="c-1",
        account_id="acme",
        inbox_id="web",
        customer_id="u-1",
        channel="web_widget",
        language="zh",
        entry_point=None,
        now=NOW,
    )
    people.conversations["c-1"] = conversation
    people.customers["u-1"] = Customer(
        id="u-1", account_id="acme", created_at=NOW, external_id="stu-1003"
    )
    knowledge.entries[ENTRY.id] = ENTRY
    bot = build_bot(
        clock=lambda: NOW,
        conversations=people,
        store=store,
        drafts=store,
        ratings=store,
        nlu=language,
        business=FakeFoodDelivery(),
        bus=bus,
        knowledge=knowledge,
    )
    return bot, people, knowledge, language, bus, store


def _message(seq: int, text: str) -> MessageCreated:
    return MessageCreated(
        occurred_at=NOW,
        conversation_id="c-1",
        status="bot",
        message_id=f"m-{seq}",
        seq=seq,
        sender="customer",
        text=text,
        internal=False,
        author_id=None,
        client_id=None,
        created_at=NOW,
        payload=None,
    )


def test_a_knowledge_question_is_answered_and_recorded_once_per_turn() -> None:
    bot, people, knowledge, language, bus, store = _bot()
    language.analyses["退款多久能到账"] = analysis("退款多久能到账", "refund", 1.0)
    knowledge.scores["退款多久能到账"] = [("refund-time", 0.6)]
    asyncio.run(bot.actions.take_turn(_message(1, "退款多久能到账")))
    [posted] = people.posted
    assert posted.text == ENTRY.answer.zh and posted.client_id == "bot:1"
    assert posted.payload is not None
    assert (posted.payload["decision"], posted.payload["knowledge_id"]) == ("answer", "refund-time")
    assert knowledge.calls == ["退款多久能到账"]  # matched once
    assert store.turns[("c-1", 1)]["outcome"] == "answered"
    assert [e.outcome for e in bus.events if isinstance(e, BotTurnTaken)] == ["answered"]


def test_an_unknown_question_is_recorded_as_a_gap_and_then_handed_over() -> None:
    bot, people, _knowledge, language, bus, _store = _bot()
    for text in ("宇宙的尽头是什么", "推荐一本好看的小说吧"):
        language.analyses[text] = analysis(text)
    asyncio.run(bot.actions.take_turn(_message(1, "宇宙的尽头是什么")))
    assert people.posted[-1].payload is not None
    assert people.posted[-1].payload["decision"] == "unknown"
    asyncio.run(bot.actions.take_turn(_message(3, "推荐一本好看的小说吧")))
    assert people.handed_over == [("c-1", "failures")]
    gaps = [e for e in bus.events if isinstance(e, KnowledgeGap)]
    assert [g.decision for g in gaps] == ["unknown", "handover"]
