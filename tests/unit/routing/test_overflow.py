"""What a customer is offered when the queue is too long, too slow or closed."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from kefu.domain.errors import InvalidInput
from kefu.routing import (
    AfterHours,
    BusinessHours,
    OverflowAction,
    OverflowRule,
    OverflowTally,
    QueueStats,
    decide_for_queue,
    decide_outside_hours,
    decide_overflow,
    in_share,
)
from tests.unit.routing.builders import customer, queue

CALLBACK_OVER_10 = OverflowRule(OverflowAction.OFFER_CALLBACK, max_waiting=10)


def test_the_queue_passes_its_threshold_and_the_next_simple_question_customer_is_offered_a_callback():  # noqa: E501
    question = customer("c-simple", simple=True)
    at_threshold = QueueStats("orders", waiting=10, estimated_wait_s=600)
    past_threshold = QueueStats("orders", waiting=11, estimated_wait_s=660)

    assert decide_overflow(at_threshold, question, CALLBACK_OVER_10).action is OverflowAction.NONE
    decision = decide_overflow(past_threshold, question, CALLBACK_OVER_10)
    assert decision.action is OverflowAction.OFFER_CALLBACK
    assert decision.diverted and decision.estimated_wait_s == 660
    assert "11 waiting" in decision.reason


def test_a_customer_with_a_real_problem_keeps_their_place_in_the_queue() -> None:
    past_threshold = QueueStats("orders", waiting=11, estimated_wait_s=660)
    decision = decide_overflow(past_threshold, customer("c-refund"), CALLBACK_OVER_10)
    assert decision.action is OverflowAction.NONE
    assert "not a simple question" in decision.reason


def test_protected_customers_and_vips_are_never_diverted() -> None:
    past_threshold = QueueStats("orders", waiting=50, estimated_wait_s=3000)
    for tags in (["elderly"], ["vip"]):
        item = customer("c", simple=True, tags=tags)
        assert not decide_overflow(past_threshold, item, CALLBACK_OVER_10).diverted


def test_a_slow_queue_sends_simple_questions_back_to_the_bot_with_a_busy_answer() -> None:
    rule = OverflowRule(OverflowAction.BACK_TO_BOT_BUSY, max_wait_s=300)
    slow = QueueStats("orders", waiting=3, estimated_wait_s=420)
    decision = decide_overflow(slow, customer("c", simple=True), rule)
    assert decision.action is OverflowAction.BACK_TO_BOT_BUSY
    assert decision.estimated_wait_s == 420


def test_a_queue_nobody_serves_counts_as_past_any_wait_threshold() -> None:
    rule = OverflowRule(OverflowAction.OFFER_CALLBACK, max_wait_s=300, simple_only=False)
    empty = QueueStats("orders", waiting=0, estimated_wait_s=math.inf)
    decision = decide_overflow(empty, customer("c"), rule)
    assert decision.action is OverflowAction.OFFER_CALLBACK
    assert "no agent online" in decision.reason


def test_spill_over_names_the_secondary_queue() -> None:
    rule = OverflowRule(
        OverflowAction.SPILL_OVER, max_waiting=5, simple_only=False, spill_to="general"
    )
    orders = queue("orders", overflow=(rule,))
    assert orders.secondary_queue == "general"
    decision = decide_for_queue(QueueStats("orders", 6, 100), customer("c"), orders)
    assert decision.action is OverflowAction.SPILL_OVER and decision.target_queue == "general"


def test_the_first_rule_that_diverts_decides() -> None:
    orders = queue(
        "orders",
        overflow=(
            OverflowRule(OverflowAction.BACK_TO_BOT_BUSY, max_waiting=5),
            OverflowRule(OverflowAction.OFFER_CALLBACK, max_waiting=5, simple_only=False),
        ),
    )
    stats = QueueStats("orders", 6, 100)
    simple = decide_for_queue(stats, customer("c1", simple=True), orders)
    assert simple.action is OverflowAction.BACK_TO_BOT_BUSY
    assert decide_for_queue(stats, customer("c2"), orders).action is OverflowAction.OFFER_CALLBACK
    calm = decide_for_queue(QueueStats("orders", 2, 100), customer("c3"), orders)
    assert calm.action is OverflowAction.NONE


def test_thirty_percent_of_simple_questions_are_diverted_and_the_tally_measures_it() -> None:
    rule = OverflowRule(OverflowAction.BACK_TO_BOT_BUSY, max_waiting=0, share=0.3, seed="s1")
    busy = QueueStats("orders", waiting=20, estimated_wait_s=900)
    tally = OverflowTally()
    for i in range(5000):
        tally = tally.record(decide_overflow(busy, customer(f"conv-{i}", simple=True), rule))
    assert tally.considered == 5000
    assert tally.back_to_bot == tally.diverted
    assert tally.diverted_share == pytest.approx(0.3, abs=0.02)


def test_the_same_conversation_always_gets_the_same_answer() -> None:
    picks = [in_share(f"conv-{i}", 0.3, "seed") for i in range(200)]
    assert picks == [in_share(f"conv-{i}", 0.3, "seed") for i in range(200)]
    assert in_share("any", 1.0) and not in_share("any", 0.0)


def test_outside_business_hours_the_customer_may_leave_a_message_or_book_a_callback() -> None:
    hours = BusinessHours.build("Asia/Shanghai", dict.fromkeys(range(7), "09:00-21:00"))
    night = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    message = decide_outside_hours(queue("orders", hours=hours), night)
    assert message is not None and message.action is OverflowAction.LEAVE_MESSAGE
    assert message.opens_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    callback_queue = queue("orders", hours=hours, after_hours=AfterHours.OFFER_CALLBACK)
    callback = decide_outside_hours(callback_queue, night)
    assert callback is not None and callback.action is OverflowAction.OFFER_CALLBACK
    daytime = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    assert decide_outside_hours(queue("orders", hours=hours), daytime) is None


def test_misconfigured_rules_are_refused() -> None:
    with pytest.raises(InvalidInput, match="max_waiting or max_wait_s"):
        OverflowRule(OverflowAction.OFFER_CALLBACK)
    with pytest.raises(InvalidInput, match="spill_to"):
        OverflowRule(OverflowAction.SPILL_OVER, max_waiting=1)
    with pytest.raises(InvalidInput, match="simple-intent"):
        OverflowRule(OverflowAction.BACK_TO_BOT_BUSY, max_waiting=1, simple_only=False)
    with pytest.raises(InvalidInput, match="share"):
        OverflowRule(OverflowAction.OFFER_CALLBACK, max_waiting=1, share=1.5)
    spill_to_self = OverflowRule(
        OverflowAction.SPILL_OVER, max_waiting=1, simple_only=False, spill_to="orders"
    )
    with pytest.raises(InvalidInput, match="itself"):
        queue("orders", overflow=(spill_to_self,))
