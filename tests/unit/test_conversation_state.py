"""The conversation state machine, as the people around a conversation experience it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.domain import events as ev
from kefu.domain.conversation import OPEN_STATUSES, Conversation, Status
from kefu.domain.errors import InvalidInput, InvalidTransition

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def new_conversation() -> Conversation:
    return Conversation.start(
        id="c1",
        account_id="default",
        inbox_id="default-web_widget",
        customer_id="cust1",
        channel="web_widget",
        language="zh",
        entry_point="order_page",
        now=NOW,
    )


def test_a_new_conversation_starts_with_the_bot_and_announces_itself() -> None:
    c = new_conversation()
    assert c.status is Status.BOT
    [created] = c.take_events()
    assert isinstance(created, ev.ConversationCreated)
    assert created.entry_point == "order_page"


def test_a_hand_over_records_its_reason_queue_and_priority() -> None:
    c = new_conversation()
    c.hand_over(reason="customer_request", queue="refunds", priority=10, now=NOW)
    assert (c.status, c.handover_reason, c.queue, c.priority) == (
        Status.QUEUED,
        "customer_request",
        "refunds",
        10,
    )
    assert c.queued_at == NOW
    assert [e.name for e in c.take_events()] == [
        "conversation.created",
        "conversation.handed_over",
        "conversation.queued",
    ]


def test_an_agent_cannot_take_a_resolved_conversation_and_is_told_why() -> None:
    c = new_conversation()
    c.resolve(by="bot", now=NOW)
    with pytest.raises(InvalidTransition, match="resolved; expected bot or queued"):
        c.assign("agent1", now=NOW)


def test_a_customer_helped_by_a_human_who_comes_back_waits_for_a_human_again() -> None:
    c = new_conversation()
    c.hand_over(reason="customer_request", queue="general", priority=0, now=NOW)
    c.assign("agent1", now=NOW)
    c.resolve(by="agent1", now=NOW)
    c.reopen(now=NOW)
    assert c.status is Status.QUEUED
    assert c.assignee_id is None
    assert c.reopen_count == 1


def test_a_customer_the_bot_helped_who_comes_back_talks_to_the_bot() -> None:
    c = new_conversation()
    c.resolve(by="bot", now=NOW)
    c.reopen(now=NOW)
    assert c.status is Status.BOT


def test_a_transfer_to_a_queue_frees_the_agent() -> None:
    c = new_conversation()
    c.assign("agent1", now=NOW)
    c.transfer_to_queue("payments", note="card issue", now=NOW)
    assert (c.status, c.assignee_id, c.queue) == (Status.QUEUED, None, "payments")


def test_transferring_to_the_same_agent_is_refused() -> None:
    c = new_conversation()
    c.assign("agent1", now=NOW)
    with pytest.raises(InvalidTransition):
        c.transfer_to_agent("agent1", note=None, now=NOW)


def test_priority_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidInput):
        new_conversation().hand_over(reason="x", queue="general", priority=1000, now=NOW)


ACTIONS = [
    "hand_over",
    "assign_a",
    "assign_b",
    "to_agent_b",
    "to_queue",
    "resolve",
    "abandon",
    "reopen",
]


def _apply(c: Conversation, action: str) -> None:
    match action:
        case "hand_over":
            c.hand_over(reason="rule", queue="general", priority=1, now=NOW)
        case "assign_a":
            c.assign("a", now=NOW)
        case "assign_b":
            c.assign("b", now=NOW)
        case "to_agent_b":
            c.transfer_to_agent("b", note=None, now=NOW)
        case "to_queue":
            c.transfer_to_queue("general", note=None, now=NOW)
        case "to_bot":
            c.hand_back(note=None, now=NOW)
        case "resolve":
            c.resolve(by="a", now=NOW)
        case "abandon":
            c.abandon(now=NOW)
        case "reopen":
            c.reopen(now=NOW)


@given(st.lists(st.sampled_from(ACTIONS), max_size=40))
def test_any_sequence_of_actions_keeps_the_conversation_consistent(actions: list[str]) -> None:
    c = new_conversation()
    c.take_events()
    for action in actions:
        before = (c.status, c.assignee_id, len(c.pending_events))
        try:
            _apply(c, action)
        except InvalidTransition:
            # A refused action changes nothing and records nothing.
            assert (c.status, c.assignee_id, len(c.pending_events)) == before
            continue
        events = c.take_events()
        assert events, f"{action} changed state without an event"
        assert all(isinstance(e, ev.ConversationEvent) for e in events)
        assert events[-1].status == c.status  # type: ignore[attr-defined]
        # A human holding it is named; one waiting for a human or with the bot has nobody.
        if c.status is Status.ASSIGNED:
            assert c.assignee_id is not None
        if c.status in (Status.BOT, Status.QUEUED):
            assert c.assignee_id is None
        if c.status is Status.RESOLVED:
            assert c.resolved_at is not None
        assert (c.status in OPEN_STATUSES) == c.is_open
