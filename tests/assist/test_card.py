"""The hand-over card as an agent reads it: built from what the bot knew, in the customer's
language, keeping what agents wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.assist.card import (
    CARD_FIELDS,
    CardFacts,
    HandoverCard,
    apply_edit,
    build_card,
    rebuild,
    with_owner,
)
from kefu.assist.summary import summarise
from kefu.assist.turns import BotTurn
from kefu.domain.business import (
    LocalizedText,
    Order,
    OrderItem,
    OrderStatus,
    PaymentState,
    Restaurant,
)
from kefu.domain.errors import InvalidInput

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _order(order_id: str, status: OrderStatus = OrderStatus.DELIVERING) -> Order:
    return Order(
        order_id=order_id,
        customer_id="stu-1",
        restaurant=Restaurant("r-1", LocalizedText("北区一食堂", "North Canteen"), "北区", "010"),
        items=(OrderItem(LocalizedText("牛肉面", "Beef noodles"), 1, 1800),),
        status=status,
        placed_at=NOW - timedelta(minutes=50),
        address="6号楼",
        contact_phone="13800000000",
        payment_state=PaymentState.PAID,
        payment_method="wechat",
        total_cents=1800,
        eta=NOW - timedelta(minutes=10),
    )


def _anxious_customer_turns(language: str = "zh") -> list[BotTurn]:
    """A customer who asks four times where order DD20261123001 is, more worried each time."""
    order = {"label": "order_id", "text": "dd20261123001", "value": "DD20261123001"}
    texts = ["我的外卖到哪了 订单DD20261123001", "还没到吗", "到底到哪了", "怎么还没到，急死了"]
    return [
        BotTurn(
            message_seq=2 * i + 1,
            text=text,
            language=language,
            intent="order_status",
            confidence=0.97,
            category="orders",
            emotion_index=index,
            emotion_category=emotion,
            entities=(order,) if i == 0 else (),
            outcome=outcome,
            reply_text="骑手正在配送中" if outcome == "flow_done" else None,
        )
        for i, (text, index, emotion, outcome) in enumerate(
            zip(
                texts,
                [3, 3, 2, 1],
                ["neutral", "anxiety", "anxiety", "anxiety"],
                ["flow_done", "flow_done", "unknown", "handover"],
                strict=True,
            )
        )
    ]


def _facts(language: str = "zh", **overrides: object) -> CardFacts:
    values: dict[str, object] = {
        "conversation_id": "c-1",
        "channel": "web_widget",
        "language": language,
        "reason": "repeated",
        "now": NOW,
        "priority": 5,
        "queue": "general",
        "assignee_id": "agent-1",
        "turns": _anxious_customer_turns(language),
        "customer_tags": ["student"],
        "orders": [_order("DD20261123001")],
        "promises": ["已为您催促骑手"],
        "contacts_7d": 3,
        "sla_due": NOW + timedelta(minutes=2),
    }
    values.update(overrides)
    return CardFacts(**values)  # type: ignore[arg-type]


def test_a_card_with_the_whole_story_has_all_seventeen_fields_filled() -> None:
    card = build_card(_facts())
    assert len(CARD_FIELDS) == 17
    empty = [name for name in CARD_FIELDS if getattr(card, name) in (None, "", (), 0)]
    assert empty == []
    assert card.related_order == "DD20261123001"
    assert card.intent == "order_status"
    assert card.emotion_now == "anxiety"
    assert card.emotion_trend == "worsening"
    assert card.bot_attempts == 3
    assert card.handover_reason == "repeated"
    assert card.owner == "agent-1"
    assert card.contacts_7d == 3
    assert card.promises == ("已为您催促骑手",)


def test_the_summary_reads_like_a_colleagues_note_in_chinese() -> None:
    card = build_card(_facts("zh"))
    assert card.summary.startswith("顾客询问订单 #DD20261123001 配送进度")
    assert "重复 4 次" in card.summary
    assert card.summary.endswith("情绪焦虑")
    assert "等待客服" not in card.progress  # an agent already owns it


def test_the_summary_is_in_english_for_an_english_conversation() -> None:
    card = build_card(_facts("en"))
    assert card.summary.startswith("Customer asks where order #DD20261123001 is")
    assert "asked 4 times" in card.summary
    assert card.summary.endswith("anxious")
    assert card.next_step == "Check the delivery and give the ETA"


def test_without_an_order_number_the_running_order_is_the_related_one() -> None:
    turns = [BotTurn(message_seq=1, text="外卖怎么还没到", intent="delivery_late")]
    orders = [_order("DD1", OrderStatus.DELIVERED), _order("DD2", OrderStatus.DELIVERING)]
    card = build_card(_facts(turns=turns, orders=orders))
    assert card.related_order == "DD2"
    assert card.summary.startswith("顾客反映订单 #DD2 配送超时")


def test_a_conversation_without_bot_turns_still_gets_a_card() -> None:
    card = build_card(_facts(turns=[], orders=[], promises=[], assignee_id=None))
    assert card.summary == "顾客尚未说明问题"
    assert card.emotion_trend == "stable"
    assert card.owner is None
    assert "等待客服接入" in card.progress


def test_an_unknown_question_is_quoted_not_invented() -> None:
    turns = [BotTurn(message_seq=1, text="你们食堂周末开门吗", intent="oos", is_oos=True)]
    assert summarise(turns, "zh") == "顾客说：「你们食堂周末开门吗」，情绪平稳"


def test_a_second_hand_over_keeps_what_the_agent_wrote() -> None:
    card = build_card(_facts())
    edited, diff = apply_edit(card, {"summary": "顾客要求退款并投诉骑手"}, NOW)
    assert diff == {"summary": (card.summary, "顾客要求退款并投诉骑手")}
    later = build_card(_facts(reason="complaint", promises=["补偿 ¥5 优惠券"], priority=9))
    merged = rebuild(edited, later)
    assert merged.summary == "顾客要求退款并投诉骑手"
    assert merged.handover_reason == "complaint"
    assert merged.priority == 9
    assert merged.promises == ("已为您催促骑手", "补偿 ¥5 优惠券")
    assert merged.version == edited.version + 1


def test_a_transfer_changes_only_the_owner() -> None:
    card, _ = apply_edit(build_card(_facts()), {"next_step": "给顾客退款 ¥18"}, NOW)
    moved = with_owner(card, "agent-2", NOW + timedelta(minutes=1))
    assert moved.owner == "agent-2"
    assert moved.next_step == "给顾客退款 ¥18"
    assert moved.summary == card.summary
    assert moved.version == card.version + 1


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"owner": "agent-9"}, "cannot edit owner"),
        ({"summary": ""}, "summary must not be empty"),
        ({"priority": 500}, "priority must be"),
        ({"emotion_now": "furious"}, "emotion_now must be one of"),
        ({"promises": "a coupon"}, "promises must be a list"),
        ({"sla_due": "tomorrow"}, "sla_due must be"),
        ({}, "at least one field"),
    ],
)
def test_an_agent_edit_is_checked_field_by_field(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        apply_edit(build_card(_facts()), changes, NOW)


def test_a_card_survives_storage_as_json() -> None:
    card = build_card(_facts())
    assert HandoverCard.from_json(card.to_json()) == card
