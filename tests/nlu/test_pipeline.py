"""Normalisation, language, segmentation and entities: what a customer types, what we see."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.nlu.entities import extract_entities, parse_number
from kefu.nlu.features import FeatureConfig, Featurizer
from kefu.nlu.language import detect_language
from kefu.nlu.normalise import emojis, normalise
from kefu.nlu.segment import tokenize


def entities(text: str) -> list[tuple[str, str]]:
    return [(e.label, e.value) for e in extract_entities(normalise(text))]


def test_full_width_text_becomes_half_width() -> None:
    assert normalise("ＯＲＤＥＲ　１２３！") == "order 123!"


def test_traditional_chinese_becomes_simplified() -> None:
    assert normalise("這間餐廳的訂單") == "这间餐厅的订单"


def test_emoji_are_kept_but_their_skin_tones_are_not() -> None:
    assert normalise("好评👍🏻") == normalise("好评👍") == "好评👍"
    assert emojis("气死了😡😡") == ("😡", "😡")


def test_long_repeats_and_whitespace_are_shortened() -> None:
    assert normalise("快点！！！！！！！   送   啊") == "快点!!! 送 啊"


def test_empty_text_stays_empty() -> None:
    assert normalise("") == ""
    assert tokenize("") == ()
    assert extract_entities("") == ()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我的外卖到哪了", "zh"),
        ("where is my order", "en"),
        ("我的order还没到", "zh"),
        ("my 外卖 is late again today", "en"),
        ("12345 👍", "unknown"),
        ("", "unknown"),
    ],
)
def test_language_is_chinese_or_english(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_segmentation_knows_the_delivery_domain() -> None:
    tokens = tokenize(normalise("我要转人工，骑手电话打不通"))
    assert "转人工" in tokens
    assert "骑手" in tokens
    assert "," not in tokens


def test_segmentation_keeps_english_words_and_emoji() -> None:
    assert tokenize("refund please 😡") == ("refund", "please", "😡")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("订单号：DD2024010112345", [("order_id", "DD2024010112345")]),
        ("my order number is 202401011234567", [("order_id", "202401011234567")]),
        ("电话 138-1234-5678 联系我", [("phone", "13812345678")]),
        ("+86 13912345678", [("phone", "13912345678")]),
        ("退我25.5元", [("amount", "25.50 CNY")]),
        ("付了¥30", [("amount", "30.00 CNY")]),
        ("两百三十块钱", [("amount", "230.00 CNY")]),
        ("十五块五", [("amount", "15.50 CNY")]),
        ("I paid $12.50", [("amount", "12.50 USD")]),
        ("半小时前就该到了", [("relative_time", "-1800s")]),
        ("等了40分钟了", [("relative_time", "-2400s")]),
        ("三天前下的单", [("relative_time", "-259200s")]),
        ("two hours ago", [("relative_time", "-7200s")]),
        ("昨天买的", [("relative_time", "-86400s")]),
        ("送到学生公寓5号楼", [("address", "学生公寓5号楼")]),
        ("改到中山路12号", [("address", "中山路12号")]),
        ("deliver to room 305", [("address", "room 305")]),
        ("你好", []),
    ],
)
def test_customer_service_entities(text: str, expected: list[tuple[str, str]]) -> None:
    assert entities(text) == expected


def test_a_mobile_number_is_a_phone_not_an_order() -> None:
    assert entities("13812345678") == [("phone", "13812345678")]


def test_entity_offsets_point_into_the_normalised_text() -> None:
    text = normalise("骑手一个小时了还没到，付了¥30，电话13812345678")
    for entity in extract_entities(text):
        assert text[entity.start : entity.end] == entity.text


def test_relative_time_and_amount_carry_numbers() -> None:
    (late,) = extract_entities(normalise("半小时前"))
    assert late.number == -1800 and late.unit == "s"
    (paid,) = extract_entities(normalise("退我12块"))
    assert paid.number == 12 and paid.unit == "CNY"


@pytest.mark.parametrize(
    ("text", "value"), [("十五", 15), ("两百三十", 230), ("一万二千", 12000), ("半", 0.5)]
)
def test_chinese_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


@given(st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_entities_never_fail_and_never_overlap(text: str) -> None:
    found = extract_entities(normalise(text))
    for first, second in itertools.pairwise(found):
        assert first.end <= second.start


_FEATURIZER = Featurizer(FeatureConfig(char_bits=12, word_bits=12, min_df=1))
_FEATURIZER.fit(["我的外卖到哪了", "where is my order", "退款 refund 😡"])


@given(st.text(max_size=80))
@settings(max_examples=100, deadline=None)
def test_the_fast_vector_equals_the_batch_vector(text: str) -> None:
    batch = _FEATURIZER.transform([text])
    index, values = _FEATURIZER.vector(text)
    assert np.array_equal(batch.indices, index)
    assert np.allclose(batch.data, values, atol=1e-6)
