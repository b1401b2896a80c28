"""Knowledge gaps recorded from known conversations, and clustered into topics."""

from __future__ import annotations

from datetime import UTC, datetime

from kefu.bot.events import BotTurnTaken
from kefu.domain.events import ConversationCreated, ConversationHandedOver, MessageCreated
from kefu.learning.actions import Learning
from kefu.learning.fakes import MemoryLearningStore
from kefu.learning.handlers import LearningHandlers
from kefu.learning.model import GapKind, ProposalKind
from kefu.learning.tracker import Observation, Seen, State, observe
from tests.learning.conftest import Clock, person

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
_seq = iter(range(1, 10_000))


def created(cid: str) -> ConversationCreated:
    return ConversationCreated(
        occurred_at=AT,
        conversation_id=cid,
        status="bot",
        account_id="default",
        inbox_id="web",
        customer_id=f"cu-{cid}",
        channel="web_widget",
        entry_point=None,
        language="zh",
    )


def customer(cid: str, text: str, chosen: str | None = None) -> MessageCreated:
    n = next(_seq)
    payload = {"action": {"type": "choice", "value": chosen}} if chosen else None
    return MessageCreated(
        occurred_at=AT,
        conversation_id=cid,
        status="bot",
        message_id=f"m{n}",
        seq=n,
        sender="customer",
        text=text,
        internal=False,
        author_id=None,
        client_id=None,
        created_at=AT,
        payload=payload,
    )


def bot(cid: str, outcome: str, knowledge_id: str | None = None) -> BotTurnTaken:
    return BotTurnTaken(
        occurred_at=AT,
        conversation_id=cid,
        status="bot",
        intent="oos",
        outcome=outcome,
        knowledge_id=knowledge_id,
        language="zh",
    )


def handed_over(cid: str, reason: str) -> ConversationHandedOver:
    return ConversationHandedOver(
        occurred_at=AT,
        conversation_id=cid,
        status="queued",
        reason=reason,
        queue="general",
        priority=0,
    )


async def replay(learning: Learning, *events: object) -> None:
    async def account_of(_: str) -> str | None:
        return "default"

    handlers = LearningHandlers(learning, account_of)
    for event in events:
        await handlers.handle(event)  # type: ignore[arg-type]


async def test_an_unknown_answer_a_rejected_clarification_and_a_failed_handover_are_gaps(
    learning: Learning, store: MemoryLearningStore
) -> None:
    await replay(
        learning,
        created("c1"),
        customer("c1", "可以开电子发票抬头写公司吗，我手机13812345678"),
        bot("c1", "unknown"),
        created("c2"),
        customer("c2", "学校北门能自取吗"),
        bot("c2", "clarified"),
        customer("c2", "都不是，我问的是自取"),
        bot("c2", "unknown"),
        handed_over("c2", "failures"),
    )
    gaps = store.gap_rows
    kinds = [(g.conversation_id, g.kind) for g in gaps]
    assert kinds == [
        ("c1", GapKind.UNKNOWN),
        ("c2", GapKind.CLARIFY_REJECTED),
        ("c2", GapKind.UNKNOWN),
        ("c2", GapKind.HANDOVER_AFTER_FAILURE),
    ]
    # The phone number a customer typed never reaches the gap list unmasked.
    assert "138****5678" in gaps[0].text and "13812345678" not in gaps[0].text
    assert gaps[1].text == "学校北门能自取吗"


async def test_a_question_that_reached_an_entry_through_a_clarification_becomes_a_phrasing(
    learning: Learning, store: MemoryLearningStore
) -> None:
    await replay(
        learning,
        created("c3"),
        customer("c3", "饭到了是凉的咋整"),
        bot("c3", "clarified"),
        customer("c3", "餐品洒了或者凉了怎么办？", chosen="food-cold"),
        bot("c3", "answered", "food-cold"),
    )
    assert store.gap_rows == []
    [proposal] = store.proposal_rows.values()
    assert (proposal.kind, proposal.entry_id, proposal.question) == (
        ProposalKind.PHRASING,
        "food-cold",
        "饭到了是凉的咋整",
    )


async def test_asking_the_same_thing_right_after_an_answer_is_a_gap(
    learning: Learning, store: MemoryLearningStore
) -> None:
    await replay(
        learning,
        created("c4"),
        customer("c4", "配送费怎么算"),
        bot("c4", "answered", "delivery-fee"),
        customer("c4", "配送费到底怎么算的"),
        bot("c4", "answered", "delivery-fee"),
    )
    assert [g.kind for g in store.gap_rows] == [GapKind.REPEAT_AFTER_ANSWER]


def test_an_answered_conversation_leaves_no_gap() -> None:
    state, signals = observe(State(), Observation(Seen.CUSTOMER, text="我的外卖到哪了"))
    state, more = observe(
        state, Observation(Seen.BOT, decision="answer", knowledge_id="order-where")
    )
    state, last = observe(state, Observation(Seen.HANDOVER, reason="explicit_request"))
    assert signals == more == last == []


async def test_gaps_that_ask_the_same_thing_form_one_topic_that_is_flagged_when_it_grows(
    learning: Learning, clock: Clock
) -> None:
    old = ["宿舍楼下的外卖柜怎么开", "外卖柜打不开"]
    new = [
        "外卖柜打不开怎么办",
        "外卖柜打不开了",
        "外卖柜怎么打不开",
        "外卖柜打不开啊",
        "外卖柜门打不开",
    ]
    for i, text in enumerate(old):
        await replay(learning, created(f"o{i}"), customer(f"o{i}", text), bot(f"o{i}", "unknown"))
    clock.advance(hours=30)
    for i, text in enumerate(new):
        await replay(learning, created(f"n{i}"), customer(f"n{i}", text), bot(f"n{i}", "unknown"))
    await replay(learning, created("x"), customer("x", "能开增值税专用发票吗"), bot("x", "unknown"))
    topics = await learning.topics(person())
    biggest = topics[0]
    assert biggest.size >= 6 and biggest.growing
    assert all("外卖柜" in e for e in biggest.examples)
    assert any("发票" in t.label and not t.growing for t in topics)
