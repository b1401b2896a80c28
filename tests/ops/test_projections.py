"""The live board folded from known event streams: every indicator's exact value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.domain import events as ev
from kefu.domain.clock import FrozenClock
from kefu.ops.board_state import AgentSeed, Seed
from kefu.ops.projections import BoardProjection
from tests.ops.streams import Script

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def fold(script: Script) -> BoardProjection:
    board = BoardProjection(UTC)
    for event in script.events:
        board.apply(event)
    return board


@pytest.fixture
def morning() -> tuple[Script, FrozenClock]:
    """Six customers in four minutes: answered, bot-resolved, abandoned, reopened, waiting."""
    clock = FrozenClock(START)
    s = Script(clock)
    s.presence("a1", "online")
    s.presence("a2", "online")
    s.presence("a3", "away")
    s.created("c1")
    s.customer_says("c1", "支付失败了", "payment_failed", emotion=1)
    s.message("c1", "bot")
    s.bot_turn("c1", "answered")
    s.created("c2")
    s.customer_says("c2", "我的外卖到哪了", "order_status", emotion=4)
    s.message("c2", "bot")
    s.created("c3")
    s.customer_says("c3", "退款呢", "refund", emotion=2)
    clock.advance(10)
    s.hand_over("c1", "explicit_request")  # waits from t=10
    clock.advance(10)
    s.hand_over("c3", "negative_emotion", queue="payments")
    clock.advance(20)
    s.assigned("c1", "a1")  # t=40: waited 30 s
    clock.advance(5)
    s.message("c1", "agent", "note", internal=True)  # notes never count
    clock.advance(5)
    s.message("c1", "bot")  # the bot speaking does not stop the first-response clock
    clock.advance(5)
    s.message("c1", "agent")  # t=55: first human response 45 s after queueing
    clock.advance(5)
    s.resolved("c2", "bot")  # t=60
    clock.advance(40)
    s.abandoned("c3", "queued")  # t=100
    clock.advance(30)
    s.resolved("c1", "a1", agent="a1")  # t=130: handled 90 s
    s.rated("c1", 5)
    s.rated("c2", 3)
    clock.advance(10)
    s.created("c4")
    s.customer_says("c4", "付款失败", "payment_failed", emotion=3)
    clock.advance(10)
    s.abandoned("c4", "bot")  # t=150
    clock.advance(10)
    s.reopened("c1", "queued")  # t=160, back in the queue
    clock.advance(10)
    s.assigned("c1", "a2")  # t=170: waited 10 s
    clock.advance(10)
    s.message("c1", "agent")  # t=180: 20 s
    clock.advance(20)
    s.resolved("c1", "a2", agent="a2")  # t=200: handled 30 s
    s.created("c5")
    s.customer_says("c5", "我要投诉", "complaint", emotion=1)
    s.hand_over("c5", "complaint")  # waits from t=200
    clock.advance(10)
    s.sla("c5", ev.SlaWarning)
    clock.advance(10)
    s.sla("c5", ev.SlaBreached)
    s.overflowed("c5", "offer_callback")
    clock.advance(5)
    s.created("c6")
    s.customer_says("c6", "优惠券用不了", "coupon", emotion=4)
    s.hand_over("c6", "explicit_request")
    clock.advance(5)
    s.callback("c6")
    s.queued("c6", "callback")  # t=230
    clock.advance(10)  # read at t=240
    return s, clock


def test_the_state_right_now(morning: tuple[Script, FrozenClock]) -> None:
    script, clock = morning
    now = fold(script).snapshot(clock.now)["now"]
    assert now == {
        "active": 2,
        "with_bot": 0,
        "waiting": 2,
        "with_agents": 0,
        "queues": {
            "callback": {"waiting": 1, "longest_wait_s": 10.0},
            "general": {"waiting": 1, "longest_wait_s": 40.0},
        },
        "longest_wait_s": 40.0,
        "average_current_wait_s": 25.0,
        "negative_share": 0.5,
        "agents": {"online": 2, "busy": 0, "available": 2, "away": 1, "occupancy": 0.0},
    }


def test_every_windowed_indicator_of_the_last_five_minutes(
    morning: tuple[Script, FrozenClock],
) -> None:
    script, clock = morning
    window = fold(script).snapshot(clock.now)["windows"]["5m"]
    assert window == {
        "conversations_created": 6,
        "messages": 11,
        "messages_by_sender": {"customer": 6, "bot": 3, "agent": 2},
        "messages_per_min": 2.2,
        "answered": 2,
        "average_wait_s": 20.0,
        "abandoned_in_queue": 1,
        "abandonment_rate": 0.3333,
        "closed": 5,
        "resolved": 3,
        "resolution_rate": 0.6,
        "bot_resolution_rate": 0.2,
        "self_service_rate": 0.4,
        "transfer_to_human_rate": 0.6,
        "reopen_rate": 0.2,
        "reopens": 1,
        "handovers": 4,
        "handover_reasons": {"explicit_request": 2, "complaint": 1, "negative_emotion": 1},
        "transfers": 0,
        "first_response_s": 32.5,
        "first_responses": 2,
        "handling_s": 60.0,
        "handled": 2,
        "csat": 4.0,
        "csat_count": 2,
        "csat_satisfied_rate": 0.5,
        "messages_analysed": 6,
        "emotion_index": 2.5,
        "negative_message_rate": 0.5,
        "sla": {"warning": 1, "breached": 1, "escalated": 0},
        "overflows": {"offer_callback": 1},
        "callbacks": 1,
        "bot_turns": {"answered": 1},
        "top_intents": [
            {"intent": "payment_failed", "count": 2},
            {"intent": "complaint", "count": 1},
            {"intent": "coupon", "count": 1},
            {"intent": "order_status", "count": 1},
            {"intent": "refund", "count": 1},
        ],
        "top_categories": [],
    }


def test_outcome_rates_of_closed_conversations_add_up_to_one(
    morning: tuple[Script, FrozenClock],
) -> None:
    script, clock = morning
    window = fold(script).snapshot(clock.now)["windows"]["today"]
    assert window["self_service_rate"] + window["transfer_to_human_rate"] == pytest.approx(1.0)
    assert window["bot_resolution_rate"] <= window["self_service_rate"]
    for name, value in window.items():
        if name.endswith("_rate") and value is not None:
            assert 0 <= value <= 1, name


def test_windows_forget_and_today_starts_at_local_midnight(
    morning: tuple[Script, FrozenClock],
) -> None:
    script, clock = morning
    board = fold(script)
    two_hours_later = board.snapshot(clock.now + timedelta(hours=2))
    assert two_hours_later["windows"]["5m"]["conversations_created"] == 0
    assert two_hours_later["windows"]["1h"]["conversations_created"] == 0
    assert two_hours_later["windows"]["today"]["conversations_created"] == 6
    assert two_hours_later["now"]["longest_wait_s"] == 40.0 + 7200
    tomorrow = board.snapshot(clock.now + timedelta(hours=12))
    assert tomorrow["windows"]["today"]["conversations_created"] == 0
    assert tomorrow["now"]["waiting"] == 2  # still waiting: "now" never resets


def test_trend_of_the_last_hour_is_per_minute(morning: tuple[Script, FrozenClock]) -> None:
    script, clock = morning
    board = fold(script)
    board.record_trends(clock.now.timestamp())
    trend = board.snapshot(clock.now)["trend"]
    assert len(trend["minutes"]) == 60
    assert trend["minutes"][-1] == "2026-11-23T12:04:00+00:00"
    # Minutes 12:00, 12:01, 12:02 and 12:03 held 3+3+1+1 / 0+... messages: check the total.
    assert sum(trend["messages"]) == 11
    assert sum(trend["conversations_created"]) == 6
    assert trend["waiting"][-1] == 2
    assert trend["waiting"][-2] is None  # not sampled in that minute


def test_an_agent_at_work_is_busy_and_occupied_until_the_transfer() -> None:
    clock = FrozenClock(START)
    s = Script(clock)
    s.presence("a1", "online")
    s.created("c1")
    s.hand_over("c1", "explicit_request")
    s.assigned("c1", "a1")
    board = fold(s)
    board.set_agent_capacity("a1", 2)
    agents = board.snapshot(clock.now)["now"]["agents"]
    assert agents == {"online": 1, "busy": 1, "available": 0, "away": 0, "occupancy": 0.5}
    clock.advance(30)
    s.transferred_to_queue("c1", "a1", "refunds")
    for event in s.events[-2:]:
        board.apply(event)
    clock.advance(15)
    state = board.snapshot(clock.now)
    assert state["now"]["agents"]["busy"] == 0
    assert state["now"]["queues"] == {"refunds": {"waiting": 1, "longest_wait_s": 15.0}}
    assert state["windows"]["5m"]["transfers"] == 1


def test_the_current_state_is_rebuilt_from_storage_not_from_history() -> None:
    board = BoardProjection(UTC)
    board.seed(
        [
            Seed("c1", "bot", "general", None, None, None, None, False, 0),
            Seed("c2", "queued", "orders", START, None, None, None, True, 1),
            Seed("c3", "assigned", "general", START, "a1", START, None, True, 0),
        ],
        [AgentSeed("a1", "online", 4), AgentSeed("a2", "offline", 5)],
    )
    now = board.snapshot(START + timedelta(seconds=90))["now"]
    assert (now["active"], now["with_bot"], now["waiting"], now["with_agents"]) == (3, 1, 1, 1)
    assert now["queues"] == {"orders": {"waiting": 1, "longest_wait_s": 90.0}}
    assert now["agents"]["occupancy"] == 0.25
    # The seeded conversation still counts its first response when the agent replies.
    s = Script(FrozenClock(START + timedelta(seconds=100)))
    s.message("c3", "agent")
    board.apply(s.events[0])
    assert (
        board.snapshot(START + timedelta(seconds=100))["windows"]["5m"]["first_response_s"] == 100.0
    )


def test_events_the_board_does_not_use_are_ignored() -> None:
    board = BoardProjection(UTC)

    class Other:
        name = "knowledge.changed"

    assert board.apply(Other()) is False
    assert board.events_seen == 0
