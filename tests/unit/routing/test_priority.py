"""Who is served first, as the customers in the queue experience it."""

from __future__ import annotations

from kefu.routing import PriorityRules, Tier, in_priority_order, queue_positions, tier_of
from tests.unit.routing.builders import customer


def order(*items: object) -> list[str]:
    return [item.conversation_id for item in in_priority_order(items)]  # type: ignore[arg-type]


def test_an_angry_customer_moves_ahead_of_calm_ones() -> None:
    calm_long = customer("calm-long", waited_minutes=25)
    calm_short = customer("calm-short", waited_minutes=5)
    angry = customer("angry", waited_minutes=1, emotion="anger", emotion_index=1)
    anxious = customer("anxious", waited_minutes=2, emotion="anxiety", emotion_index=2)
    assert order(calm_long, calm_short, angry, anxious) == [
        "anxious",
        "angry",
        "calm-long",
        "calm-short",
    ]


def test_protected_customers_come_first_then_vips_then_upset_customers() -> None:
    items = [
        customer("upset", emotion="anger", waited_minutes=30),
        customer("vip", tags=["vip"], waited_minutes=2),
        customer("elderly", tags=["elderly"], waited_minutes=1),
        customer("plain", waited_minutes=40),
        customer("elderly-vip", tags=["elderly", "vip"], waited_minutes=0.5),
    ]
    assert order(*items) == ["elderly-vip", "elderly", "vip", "upset", "plain"]
    assert [tier_of(item) for item in items] == [
        Tier.UPSET,
        Tier.VIP,
        Tier.PROTECTED,
        Tier.STANDARD,
        Tier.PROTECTED,
    ]


def test_within_a_group_the_sla_due_soonest_goes_first_then_the_longest_waiting() -> None:
    items = [
        customer("no-sla-waited-long", waited_minutes=50),
        customer("due-later", sla_due_in_minutes=10, waited_minutes=1),
        customer("due-soon", sla_due_in_minutes=2, waited_minutes=1),
        customer("no-sla-waited-less", waited_minutes=20),
    ]
    assert order(*items) == ["due-soon", "due-later", "no-sla-waited-long", "no-sla-waited-less"]


def test_a_very_negative_customer_counts_as_upset_whatever_the_category() -> None:
    sad = customer("sad", emotion="sadness", emotion_index=1)
    mildly_sad = customer("mildly-sad", emotion="sadness", emotion_index=2)
    assert tier_of(sad) is Tier.UPSET
    assert tier_of(mildly_sad) is Tier.STANDARD


def test_ties_are_broken_by_conversation_id_so_every_run_agrees() -> None:
    a, b = customer("b"), customer("a")
    assert order(a, b) == order(b, a) == ["a", "b"]


def test_the_protected_tags_are_configurable() -> None:
    rules = PriorityRules(protected_tags=frozenset({"hospital"}))
    assert tier_of(customer("c", tags=["hospital"]), rules) is Tier.PROTECTED
    assert tier_of(customer("c", tags=["elderly"]), rules) is Tier.STANDARD


def test_each_customer_learns_their_position_in_their_own_queue() -> None:
    items = [
        customer("o1", waited_minutes=10),
        customer("o2", waited_minutes=5),
        customer("o-angry", waited_minutes=1, emotion="anger"),
        customer("t1", queue="tech", waited_minutes=3),
    ]
    assert queue_positions(items) == {"o-angry": 1, "o1": 2, "o2": 3, "t1": 1}
