"""A greeting in front of a question: the bot answers the question, not the greeting."""

from __future__ import annotations

import pytest

from kefu.bot import cues


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("你好 什么时候发货", "什么时候发货"),
        ("hi, where is my order", "where is my order"),
        ("什么时候发货", "什么时候发货"),
        ("你好", "你好"),
        ("你好 在吗", "你好 在吗"),
    ],
)
def test_the_bot_reads_the_question_behind_a_greeting(text: str, query: str) -> None:
    split = cues.opening(text)
    assert split.query == query
    assert split.greeted == (query != text)


def test_a_greeting_the_engine_heard_counts_once_something_is_left() -> None:
    # "在吗" alone is a filler, so the words leave the greeting on; the engine's reading
    # of the whole as a greeting takes it off.
    assert cues.opening("你好 在吗").read_as_greeting(True).query == "在吗"
    assert cues.opening("你好").read_as_greeting(True).greeted is False
    assert cues.opening("什么时候发货").read_as_greeting(True).greeted is False
    assert cues.opening("什么时候发货").read_as_greeting(False).query == "什么时候发货"


def test_the_cues_read_traditional_script_as_simplified() -> None:
    assert cues.simplified("更改收貨人手機號碼") == "更改收货人手机号码"
    assert cues.names_topic("change_address", cues.simplified("可以更改手機號碼嗎"))
    assert cues.leans_on_context("還沒到呢")
    assert cues.simplified("where is my order") == "where is my order"


def test_the_words_of_a_request_to_act_and_of_giving_an_order_up() -> None:
    assert cues.named_acts("已经发货了还能更改收货人手机号吗") == ["change_address"]
    assert cues.named_acts("能帮我把这单取消吗") == ["cancel_order"]
    assert cues.named_acts("取消退款申请") == []
    assert cues.named_acts("这是你们的电话吗") == []
    assert cues.gives_up("太慢了，用不上了") and not cues.gives_up("太慢了")
