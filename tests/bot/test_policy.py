"""The bot's decision per turn, with no database, no app and no model: `Analysis` values
built by hand, the customer message in, the decision out."""

from __future__ import annotations

import pytest

from kefu.bot.memory import BotMemory, FlowState
from kefu.bot.rules import DEFAULT_RULES, parse_rules
from kefu.domain.errors import InvalidInput
from tests.bot.analyses import ANGRY, hit, plan, turn

SURE = 1.0  # an intent the calibration map trusts (estimated precision >= 0.95)


def test_price_protection_is_not_a_refund_offer() -> None:
    # The engine reads 申请价保 as a confident refund; the message never names a refund.
    decided = plan(turn("申请价保", "refund", SURE, hit("refund-how", 0.28, "refund")))
    assert decided.decision != "flow" and decided.flow is None


def test_where_the_money_goes_is_a_knowledge_question_not_a_refund() -> None:
    asked = turn(
        "这单退款，钱是退到哪?",
        "refund",
        SURE,
        hit("refund-destination", 0.34),
        hit("refund-progress", 0.30),
        hit("refund-how", 0.29, "refund"),
    )
    decided = plan(asked)
    assert decided.decision == "clarify" and decided.flow is None
    assert decided.choices[0]["value"] == "kb:refund-destination"
    # With a clear match it is answered with that entry, still no flow.
    clear = plan(turn("钱退到哪里了", "refund", SURE, hit("refund-destination", 0.9)))
    assert (clear.decision, clear.knowledge_id) == ("answer", "refund-destination")


@pytest.mark.parametrize(
    "text", ["退款多久到账", "how long does a refund take", "怎么申请退款", "退款规则是什么"]
)
def test_a_question_about_a_refund_never_starts_the_refund_flow(text: str) -> None:
    decided = plan(turn(text, "refund", SURE, hit("refund-how", 0.9, "refund")))
    assert decided.decision == "answer" and decided.flow is None
    assert decided.knowledge_id == "refund-how"


@pytest.mark.parametrize(
    ("text", "intent", "flow", "entry"),
    [
        ("我要退款", "refund", "refund", "refund-how"),
        ("帮我取消订单", "cancel_order", "cancel_order", "order-cancel"),
        ("cancel my order", "cancel_order", "cancel_order", "order-cancel"),
        ("能改一下送餐地址吗", "change_address", "change_address", "order-change-address"),
    ],
)
def test_a_short_request_the_intent_and_the_best_entry_agree_on_starts_its_flow(
    text: str, intent: str, flow: str, entry: str
) -> None:
    # The entry alone (0.6) is below the precision target; the two signals together start it.
    decided = plan(turn(text, intent, 0.95, hit(entry, 0.6, flow), hit("other", 0.5)))
    assert (decided.decision, decided.flow, decided.start_flow) == ("flow", flow, True)


def test_a_sure_intent_alone_offers_its_flow_but_never_starts_it() -> None:
    # On real messages (the calib split) a sure flow intent is right about one time in two.
    for confidence in (SURE, 0.7):
        decided = plan(turn("我要退款", "refund", confidence))
        assert decided.decision == "clarify" and decided.flow is None
        assert [c["value"] for c in decided.choices] == ["flow:refund"]
        assert decided.choices[0]["label"] == "申请退款"


def test_a_long_story_ending_in_a_request_is_asked_about_first() -> None:
    text = "上周买的那份我其实已经吃了一半才发现不对劲，现在我想退款"
    decided = plan(turn(text, "refund", SURE, hit("refund-how", 0.6, "refund")))
    assert decided.decision == "clarify" and decided.flow is None
    assert "kb:refund-how" in [c["value"] for c in decided.choices]


def test_yes_to_a_single_offered_flow_starts_it() -> None:
    asked = plan(turn("我要退款", "refund", SURE))
    memory = asked.memory
    memory.offered = list(asked.choices)
    started = plan(turn("好的"), memory)
    assert (started.decision, started.flow, started.start_flow) == ("flow", "refund", True)


def test_listing_payment_methods_is_not_a_payment_status() -> None:
    asked = turn(
        "I need to list your available payment methods",
        "payment_failed",
        SURE,
        hit("payment-methods", 0.58),
        hit("payment-failed", 0.50, "payment_failed"),
    )
    decided = plan(asked)
    assert decided.flow is None
    assert decided.decision == "clarify"
    assert decided.choices[0]["value"] == "kb:payment-methods"


def test_cancelling_a_newsletter_is_not_cancelling_an_order() -> None:
    asked = turn(
        "wanna cancel my subscription to ur newsletter",
        "cancel_order",
        SURE,
        hit("order-cancel", 0.44, "cancel_order"),
    )
    decided = plan(asked)
    assert decided.flow is None and decided.decision in ("clarify", "unknown")


def test_editing_a_pro_account_is_not_answered_with_deleting_one() -> None:
    asked = turn(
        "edit pro account",
        "account",
        SURE,
        hit("account-delete", 0.53),
        hit("account-phone", 0.45),
    )
    decided = plan(asked)
    assert decided.decision != "answer" and decided.knowledge_id is None


def test_a_greeting_in_front_of_a_question_gets_the_question_answered() -> None:
    # The actions strip "你好" and analyse the rest; the policy answers it.
    asked = turn("什么时候发货", "order_status", 0.6, hit("delivery-time", 0.9), greeted=True)
    decided = plan(asked)
    assert (decided.decision, decided.knowledge_id) == ("answer", "delivery-time")


def test_human_please_is_a_hand_over_even_with_a_knowledge_match() -> None:
    decided = plan(turn("human please", "human_agent", SURE, hit("service-hours", 0.9)))
    assert decided.decision == "handover"
    assert decided.handover is not None and decided.handover.reason == "explicit_request"


def test_an_upset_customer_already_told_the_order_is_late_gets_a_person() -> None:
    memory = BotMemory(last_topic="flow:order_status", last_order_id="o-1", last_order_late=True)
    asked = turn(
        "this is ridiculous, it's an hour late",
        "delivery_late",
        0.94,
        hit("delivery-late", 0.9, "order_status"),
        emotion=ANGRY,
    )
    decided = plan(asked, memory)
    assert decided.decision == "handover"
    assert decided.handover is not None and decided.handover.reason == "negative_emotion"
    assert decided.handover.soothe and decided.handover.priority > 0


def test_a_neutral_question_out_of_scope_is_an_honest_unknown_not_a_hand_over() -> None:
    decided = plan(turn("宇宙的尽头是什么", "oos", 0.1, hit("policy-privacy", 0.24)))
    assert decided.decision == "unknown" and decided.knowledge_gap
    # Even when the engine misreads it as anger, an out-of-scope question says nothing about
    # how the customer feels about their situation.
    misread = plan(turn("宇宙的尽头是什么", "oos", 0.1, emotion=ANGRY))
    assert misread.decision == "unknown"


def test_yes_answers_only_the_question_the_bot_asked() -> None:
    assert plan(turn("好的", "thanks", 0.95)).decision == "ack"
    assert plan(turn("yes", "oos")).flow is None
    offered = BotMemory(pending="clarify", offered=[{"label": "x", "value": "kb:refund-time"}])
    chosen = plan(turn("嗯", "oos"), offered)
    assert (chosen.decision, chosen.knowledge_id) == ("answer", "refund-time")
    confirming = BotMemory(flow=FlowState("refund", "confirm", {"order_id": "o-1"}))
    assert plan(turn("可以", "oos"), confirming).decision == "flow"
    after_unknown = plan(turn("好", "oos"), BotMemory(pending="offer_human"))
    assert after_unknown.decision == "handover"


def test_a_fragment_leans_on_the_last_topic() -> None:
    memory = BotMemory(
        last_topic="flow:order_status", last_text="我的外卖到哪了", last_order_id="o-7"
    )
    decided = plan(turn("还没到", "delivery_late", 0.8, with_context=True), memory)
    assert (decided.decision, decided.flow, decided.order_hint) == ("flow", "order_status", "o-7")


def test_short_messages_in_a_row_get_a_prompt_not_i_dont_know() -> None:
    memory = BotMemory()
    for text in ("在吗", "？", "hello?"):
        decided = plan(turn(text, "greeting", 0.6), memory)
        assert decided.decision == "prompt"
        assert decided.memory.failures_in_row == 0
        memory = decided.memory


def test_pieces_of_a_question_sent_one_by_one_are_not_each_an_i_dont_know() -> None:
    memory = BotMemory()
    decisions = []
    for text in ("我想问", "订单", "那个"):
        decided = plan(turn(text, "oos", 0.2), memory)
        decisions.append(decided.decision)
        memory = decided.memory
    assert decisions == ["prompt", "prompt", "unknown"]


def test_the_precision_target_is_data() -> None:
    asked = turn("退款多久到账", "refund", SURE, hit("refund-time", 0.7))
    assert plan(asked).decision == "clarify"  # 0.7 is below 95 % on the default map
    lenient = parse_rules({"precision_target": 0.8})
    assert plan(asked, rules=lenient).decision == "answer"
    identity = parse_rules({"calibration": {"knowledge": [[0, 0], [1, 1]]}})
    assert plan(asked, rules=identity).decision == "clarify"


def test_an_exact_phrasing_is_answered_whatever_its_score() -> None:
    asked = turn("退款多久能到账", "refund", SURE, hit("refund-time", 0.6, exact=True))
    assert plan(asked).decision == "answer"


def test_the_plan_keeps_the_input_memory_untouched() -> None:
    memory = BotMemory()
    plan(turn("我要退款", "refund", SURE), memory)
    assert memory == BotMemory()


def test_default_rules_round_trip_with_calibration_and_entry_flows() -> None:
    assert parse_rules(DEFAULT_RULES.to_dict()) == DEFAULT_RULES


def test_a_weak_but_clear_winner_is_offered_alone_and_a_weak_close_call_is_not() -> None:
    clear = plan(
        turn(
            "my burger came completely cold",
            "food_quality",
            0.9,
            hit("food-cold", 0.2),
            hit("food-quality", 0.02),
        )
    )
    assert clear.decision == "clarify"
    assert [c["value"] for c in clear.choices] == ["kb:food-cold"]
    close = turn(
        "my burger came completely cold",
        "food_quality",
        0.9,
        hit("food-cold", 0.2),
        hit("food-quality", 0.1),
    )
    assert plan(close).decision == "unknown"
    assert plan(close, rules=parse_rules({"lone_ratio": 1.5})).decision == "clarify"
    with pytest.raises(InvalidInput):
        parse_rules({"lone_ratio": 0.5})


def test_an_angry_customer_asking_where_the_order_is_is_shown_it_before_a_person() -> None:
    late = turn(
        "四天了都不给我发货",
        "delivery_late",
        0.5,
        hit("order-where", 0.7, "order_status"),
        emotion=ANGRY,
    )
    assert plan(late).decision == "clarify"
    off_topic = turn(
        "你们这服务太差劲了", "complaint", 0.5, hit("service-feedback", 0.3), emotion=ANGRY
    )
    assert plan(off_topic).decision == "handover"


def test_a_question_before_ordering_does_not_start_the_status_look_up() -> None:
    before = turn("现在下单的话什么时候能送到", "order_status", 1.0, hit("delivery-time", 0.5))
    assert plan(before).decision != "flow"
    placed = turn("我的外卖什么时候能送到", "order_status", 1.0, hit("delivery-time", 0.5))
    assert (plan(placed).decision, plan(placed).flow) == ("flow", "order_status")


@pytest.mark.parametrize(
    "text", ["幫我取消訂單", "帮我取消订单"], ids=["traditional", "simplified"]
)
def test_a_request_in_traditional_script_reads_like_the_simplified_one(text: str) -> None:
    decided = plan(turn(text, "cancel_order", 0.95, hit("order-cancel", 0.6, "cancel_order")))
    assert (decided.decision, decided.flow) == ("flow", "cancel_order")


def test_a_phrasing_typed_in_traditional_script_is_still_that_phrasing() -> None:
    from kefu.bot.records import plain

    assert plain("我的外賣到哪了？") == plain("我的外卖到哪了")


def test_the_flow_whose_request_the_words_name_is_offered_when_the_intent_reads_another() -> None:
    # The intent reads order status (the parcel has shipped), the words ask to change the
    # recipient's phone: the phone flow is one of the choices, never started on a guess.
    decided = plan(
        turn(
            "已经发货了还能改一下收件人的手机号吗",
            "order_status",
            0.6,
            hit("order-where", 0.44, "order_status"),
            hit("delivery-urge", 0.3),
        )
    )
    assert decided.decision == "clarify" and decided.flow is None
    values = [c["value"] for c in decided.choices]
    assert values[0] == "kb:order-where" and "flow:change_phone" in values
    # Words that only mention a topic ("这是你们的客服电话吗") offer no flow.
    asked = plan(turn("这是你们的客服电话吗", "rider_contact", 0.3, hit("rider-contact", 0.11)))
    assert not any(str(c["value"]).startswith("flow:") for c in asked.choices)


def test_a_customer_who_no_longer_wants_a_slow_order_is_not_shown_its_status() -> None:
    # "太慢了" with a sure late-delivery intent starts the look-up; "不要了" in front says
    # the customer gives the order up: choices, never the look-up on a guess.
    late = hit("delivery-late", 0.5, "order_status")
    assert plan(turn("怎么这么慢还没送到", "delivery_late", 1.0, late)).flow == "order_status"
    decided = plan(turn("太慢了不想要了", "delivery_late", 1.0, late))
    assert decided.flow is None and decided.decision == "clarify"
