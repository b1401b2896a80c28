"""Which rule hands a customer to a person, and which reason the conversation records."""

from __future__ import annotations

import pytest

from kefu.bot import handover
from kefu.bot.memory import BotMemory
from kefu.bot.rules import DEFAULT_RULES, parse_rules
from kefu.domain.errors import InvalidInput

CALM = {"neutral": 0.9, "anger": 0.02, "anxiety": 0.03}


def turn(text: str, intent: str = "oos", **kwargs: object) -> handover.Turn:
    return handover.Turn(
        text=text, intent=intent, emotion_scores=kwargs.pop("scores", CALM), **kwargs
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "转人工",
        "人工",
        "人工客服",
        "我要转专员",
        "找客服",
        "给我接人工",
        "human",
        "I want a real person",
        "can I talk to an agent",
    ],
)
def test_explicit_requests_hand_over(text: str) -> None:
    decision = handover.decide(DEFAULT_RULES, turn(text), BotMemory())
    assert decision is not None and decision.reason == "explicit_request"


@pytest.mark.parametrize(
    "text", ["人工智能是什么意思", "my agent code is wrong", "human resources phone"]
)
def test_the_words_inside_other_questions_do_not(text: str) -> None:
    assert handover.decide(DEFAULT_RULES, turn(text), BotMemory()) is None


@pytest.mark.parametrize(
    "text", ["我要投诉你们", "再这样我打12315", "给你们差评", "我要举报这个商家"]
)
def test_complaint_words_hand_over_with_raised_priority(text: str) -> None:
    decision = handover.decide(DEFAULT_RULES, turn(text), BotMemory())
    assert decision is not None and decision.reason == "complaint"
    assert decision.priority > 0 and decision.soothe


def test_anger_over_the_threshold_hands_over_and_under_it_does_not() -> None:
    angry = turn("...", scores={"anger": 0.85})
    assert handover.is_angry(DEFAULT_RULES, angry.emotion_scores)
    decision = handover.decide(DEFAULT_RULES, angry, BotMemory(angry_in_row=1))
    assert decision is not None and decision.reason == "negative_emotion"
    annoyed = turn("...", scores={"anger": 0.62})  # under the 0.65 hand-over threshold
    assert not handover.is_angry(DEFAULT_RULES, annoyed.emotion_scores)
    assert handover.wants_soothing(DEFAULT_RULES, annoyed.emotion_scores)


def test_a_cross_customer_with_a_clear_question_gets_the_answer_first() -> None:
    asks = turn("能不能快点送", "delivery_late", scores={"anger": 0.85}, confident_answer=True)
    assert handover.decide(DEFAULT_RULES, asks, BotMemory(angry_in_row=1)) is None
    decision = handover.decide(DEFAULT_RULES, asks, BotMemory(angry_in_row=2))
    assert decision is not None and decision.reason == "negative_emotion"


def test_intents_alone_trigger_rules_only_when_the_engine_is_sure() -> None:
    unsure = turn("Customer service opening hours", "complaint", confidence=0.79)
    assert handover.decide(DEFAULT_RULES, unsure, BotMemory()) is None
    sure = turn("this is unacceptable", "complaint", confidence=0.95)
    assert handover.decide(DEFAULT_RULES, sure, BotMemory()).reason == "complaint"  # type: ignore[union-attr]


def test_anxiety_hands_over_only_when_it_lasts() -> None:
    memory = BotMemory(anxious_in_row=1)
    assert handover.decide(DEFAULT_RULES, turn("急"), memory) is None
    memory.anxious_in_row = 2
    assert handover.decide(DEFAULT_RULES, turn("急"), memory).reason == "negative_emotion"  # type: ignore[union-attr]


def test_the_same_intent_more_than_three_times_is_repeated() -> None:
    memory = BotMemory(intent_counts={"order_status": 3})
    assert handover.decide(DEFAULT_RULES, turn("x", "order_status"), memory) is None
    memory.intent_counts["order_status"] = 4
    assert handover.decide(DEFAULT_RULES, turn("x", "order_status"), memory).reason == "repeated"  # type: ignore[union-attr]


def test_failures_in_a_row_and_vips_sooner() -> None:
    memory = BotMemory(failures_in_row=1)
    assert handover.after_failure(DEFAULT_RULES, [], memory) is None
    assert handover.after_failure(DEFAULT_RULES, ["vip"], memory).reason == "vip"  # type: ignore[union-attr]
    memory.failures_in_row = 2
    assert handover.after_failure(DEFAULT_RULES, [], memory).reason == "failures"  # type: ignore[union-attr]


def test_protected_customers_choosing_a_person_are_recorded_as_protected() -> None:
    choice = turn("转人工", action="human", customer_tags=["elderly"])
    assert handover.decide(DEFAULT_RULES, choice, BotMemory()).reason == "protected_customer"  # type: ignore[union-attr]
    other = turn("转人工", action="human")
    assert handover.decide(DEFAULT_RULES, other, BotMemory()).reason == "customer_choice"  # type: ignore[union-attr]


def test_never_bot_categories_are_configurable() -> None:
    rules = parse_rules({"never_bot_categories": ["food-safety"]})
    safety = turn("吃出了虫子", "food_quality", category="food-safety")
    assert handover.decide(rules, safety, BotMemory()).reason == "never_bot_category"  # type: ignore[union-attr]
    assert handover.decide(DEFAULT_RULES, safety, BotMemory()) is None


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"repeat_limit": "three"}, "repeat_limit"),
        ({"anger_handover": 3}, "anger_handover"),
        ({"explicit_phrases": [""]}, "explicit_phrases"),
        ({"no_such_rule": 1}, "no_such_rule"),
        (
            {
                "remedies": {
                    "delivery_late": {"kind": "cash", "amount_cents": 1, "max_amount_cents": 2}
                }
            },
            "kind",
        ),
        (
            {
                "remedies": {
                    "delivery_late": {
                        "kind": "coupon",
                        "amount_cents": 900,
                        "max_amount_cents": 500,
                    }
                }
            },
            "maximum",
        ),
    ],
)
def test_bad_rules_are_refused_by_name(rules: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_rules(rules)


def test_rules_round_trip_through_json() -> None:
    assert parse_rules(DEFAULT_RULES.to_dict()) == DEFAULT_RULES


@pytest.mark.parametrize(
    ("text", "hands_over"),
    [
        ("when are your agents online", False),
        ("what time is support available", False),
        ("人工客服几点上班", False),
        ("when can i talk to an agent", True),
        ("agent please", True),
    ],
)
def test_a_question_about_when_people_are_there_is_not_a_request_for_one(
    text: str, hands_over: bool
) -> None:
    decision = handover.decide(
        DEFAULT_RULES, turn(text, "human_agent", confidence=1.0), BotMemory()
    )
    assert (decision is not None) is hands_over
