"""Real-message noise and a greeting in front of the question."""

from __future__ import annotations

import pytest

from kefu.nlu.noise import prepare, split_greeting, strip_noise
from kefu.nlu.normalise import normalise


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("你好 什么时候发货", "什么时候发货"),
        ("你好什么时候发货", "什么时候发货"),
        ("您好，在吗？退款多久到账", "退款多久到账"),
        ("亲，在吗，我的快递到哪了", "我的快递到哪了"),
        ("Hi, where is my order?", "where is my order?"),
        ("hello there! I want a refund", "i want a refund"),
        ("你好", ""),
        ("在吗在吗", ""),
        ("zai ma", ""),
    ],
)
def test_a_leading_greeting_is_taken_off(text: str, rest: str) -> None:
    assert prepare(text) == (True, rest)


@pytest.mark.parametrize(
    "text", ["hiking boots for sale?", "你们好慢啊", "早点送可以吗", "好的", "history of my orders"]
)
def test_words_that_only_look_like_a_greeting_stay(text: str) -> None:
    greeted, rest = split_greeting(normalise(text))
    assert not greeted
    assert rest == normalise(text)


def test_traditional_and_full_width_text_is_folded() -> None:
    assert prepare("請問ＯＲＤＥＲ１２３什麼時候發貨")[1] == "请问order123什么时候发货"


def test_chat_emoji_codes_become_emoji_and_platform_codes_disappear() -> None:
    assert strip_noise(normalise("太慢了[发怒]")) == "太慢了😠"
    assert strip_noise(normalise("真的很抱歉#E-s[数字x]还请谅解")) == "真的很抱歉 还请谅解"
    assert "🙂" in strip_noise(normalise("thanks :)"))


def test_a_pasted_order_card_leaves_the_question() -> None:
    text = "咨询订单号:[ORDERID_10005629] 订单金额:[金额x] 下单时间:[日期x] 我这个一直没有配送信息"
    assert prepare(text) == (False, "我这个一直没有配送信息")


def test_common_pinyin_becomes_chinese() -> None:
    assert prepare("tuikuan duojiu daozhang")[1].startswith("退款")


def test_a_long_complaint_is_prepared_quickly() -> None:
    import time

    text = "我真的非常生气，" * 3000
    start = time.perf_counter()
    prepare(text)
    assert time.perf_counter() - start < 1.0
