"""Entities a customer-service bot needs: order ids, phone numbers, amounts, relative times
and light addresses.

Extraction runs on normalised text (half-width digits, simplified script, lower case), so
offsets refer to `Analysis.normalised`. Rules are regular expressions: they are fast,
predictable and easy to extend, which matters more here than recall on exotic forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kefu.nlu.types import Entity

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUM = "[零〇一二两三四五六七八九十百千万]+"
_NUM = rf"(?:\d+(?:\.\d+)?|{_CN_NUM})"


_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
}
_EN_NUM = "|".join(sorted(_EN_NUMBERS, key=len, reverse=True))


def parse_number(text: str) -> float | None:
    """Parse "12", "12.5", "十五", "两百三十", "半", "two" into a number, else None."""
    text = text.strip()
    if not text:
        return None
    if text in _EN_NUMBERS:
        return float(_EN_NUMBERS[text])
    if text.startswith("half"):
        return 0.5
    if text == "半":
        return 0.5
    try:
        return float(text)
    except ValueError:
        pass
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (section + digit) * unit
                section, digit = 0, 0
            else:
                section += (digit or 1) * unit
                digit = 0
        else:
            return None
    return float(total + section + digit)


@dataclass(frozen=True, slots=True)
class _Rule:
    label: str
    pattern: re.Pattern[str]


def _phone(m: re.Match[str]) -> tuple[str, float | None, str | None]:
    digits = re.sub(r"\D", "", m.group(0))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits, None, None


_CURRENCY = {
    "¥": "CNY",
    "￥": "CNY",
    "rmb": "CNY",
    "元": "CNY",
    "块": "CNY",
    "块钱": "CNY",
    "yuan": "CNY",
    "$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "美元": "USD",
    "毛": "CNY",
    "角": "CNY",
}


_TIME_UNITS_S = {
    "秒": 1,
    "分钟": 60,
    "分": 60,
    "刻钟": 900,
    "小时": 3600,
    "个小时": 3600,
    "钟头": 3600,
    "个钟头": 3600,
    "天": 86400,
    "日": 86400,
    "周": 604800,
    "星期": 604800,
    "个星期": 604800,
    "礼拜": 604800,
    "个月": 2592000,
    "月": 2592000,
    "second": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "hr": 3600,
    "day": 86400,
    "week": 604800,
    "month": 2592000,
}
_NAMED_TIMES_S = {
    "刚才": -120,
    "刚刚": -60,
    "昨天": -86400,
    "昨晚": -86400,
    "前天": -172800,
    "今天": 0,
    "今晚": 0,
    "明天": 86400,
    "后天": 172800,
    "上周": -604800,
    "下周": 604800,
    "just now": -60,
    "yesterday": -86400,
    "last night": -86400,
    "today": 0,
    "tonight": 0,
    "tomorrow": 86400,
    "last week": -604800,
    "next week": 604800,
}
_ZH_UNIT = "个小时|小时|个钟头|钟头|分钟|刻钟|秒|天|日|个星期|星期|周|礼拜|个月"
_EN_UNIT = r"seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?"


def _relative(m: re.Match[str]) -> tuple[str, float | None, str | None] | None:
    named = m.group("named")
    if named:
        seconds = float(_NAMED_TIMES_S[named])
    else:
        raw = m.group("n") or m.group("en_n") or ""
        number = 1.0 if raw == "" else parse_number(raw)
        unit = (m.group("unit") or m.group("en_unit") or "").lower()
        half = m.group("half")
        if number is None:
            return None
        if unit == "半小时":
            number, unit = 0.5, "小时"
        unit_s = _TIME_UNITS_S.get(unit.rstrip("s"), _TIME_UNITS_S.get(unit))
        if unit_s is None:
            return None
        seconds = (number + (0.5 if half else 0.0)) * unit_s
        direction = m.group("dir") or m.group("en_dir") or ""
        seconds = seconds if direction in ("后", "以后", "之后", "later", "from now") else -seconds
    return f"{int(seconds):+d}s", seconds, "s"


_ADDRESS_LEAD = re.compile(r"^(?:送到|送去|送至|寄到|改到|改成|地址是|地址|在|到)")


def _address(m: re.Match[str]) -> tuple[str, float | None, str | None]:
    return _ADDRESS_LEAD.sub("", m.group(0).strip()), None, None


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "order_id",
        re.compile(
            r"(?:订单号?|单号|order(?:\s*(?:id|no\.?|number|#))?)\s*(?:是|为|:|：|#)?\s*"
            r"(?P<id>[a-z]{0,4}\d{6,24})(?![\d])"
            r"|(?<![\w.])(?P<id2>[a-z]{1,4}\d{8,24}|\d{12,24})(?![\w.])",
        ),
    ),
    _Rule(
        "phone",
        re.compile(
            r"(?<![\d])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![\d])"
            r"|(?<![\d])0\d{2,3}-\d{7,8}(?![\d])",
        ),
    ),
    _Rule(
        "amount",
        re.compile(
            rf"(?P<pre>[¥￥$]|rmb\s?|usd\s?)\s?(?P<num>\d+(?:\.\d+)?)(?P<post>)(?P<cents>)"
            rf"|(?P<num2>{_NUM})\s?(?P<post2>块钱|元|块|毛|角|美元|yuan|dollars?|rmb)"
            rf"(?P<cents2>[一二三四五六七八九\d](?![\d.]))?",
        ),
    ),
    _Rule(
        "relative_time",
        re.compile(
            rf"(?P<named>刚才|刚刚|昨天|昨晚|前天|今天|今晚|明天|后天|上周|下周"
            rf"|just now|yesterday|last night|today|tonight|tomorrow|last week|next week)"
            rf"|(?P<n>{_NUM}|半)?(?P<unit>{_ZH_UNIT}|半小时)(?P<half>半)?"
            rf"(?P<dir>以前|之前|前|以后|之后|后|了)"
            rf"|(?P<en_n>\d+(?:\.\d+)?|half an?|{_EN_NUM})\s(?P<en_unit>{_EN_UNIT})"
            rf"\s(?P<en_dir>ago|later|from now)",
        ),
    ),
    _Rule(
        "address",
        re.compile(
            r"[\u4e00-\u9fff\w]{0,12}?(?:路|街|大道|巷|弄)\d+号(?:院)?"
            r"|[\u4e00-\u9fff\w]{0,10}?(?:小区|校区|公寓|大厦|宿舍|花园)"
            r"(?:[\w]{0,3}?\d+(?:号楼|栋|幢|单元|室|号|楼))*"
            r"|\d+(?:号楼|栋|幢)(?:\d+单元)?(?:\d+(?:室|号))?"
            r"|\d+\s(?:[a-z]+\s){1,3}(?:street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd)\b"
            r"|(?:room|building|dorm|apt|apartment)\s?#?\d+[a-z]?",
        ),
    ),
)


def _amount_match(m: re.Match[str]) -> tuple[str, float | None, str | None] | None:
    num = m.group("num") or m.group("num2")
    value = parse_number(num)
    if value is None:
        return None
    unit = (m.group("pre") or m.group("post2") or "").strip().lower()
    if unit in ("毛", "角"):
        value /= 10
    cents = m.group("cents2")
    if cents and unit in ("块", "块钱", "元"):
        value += (parse_number(cents) or 0.0) / 10
    currency = _CURRENCY.get(unit, "CNY")
    return f"{value:.2f} {currency}", value, currency


_CONVERTERS: dict[str, Callable[[re.Match[str]], tuple[str, float | None, str | None] | None]] = {
    "order_id": lambda m: ((m.group("id") or m.group("id2")).upper(), None, None),
    "phone": _phone,
    "amount": _amount_match,
    "relative_time": _relative,
    "address": _address,
}


def _candidates(text: str) -> Iterator[Entity]:
    for rule in _RULES:
        convert = _CONVERTERS[rule.label]
        for m in rule.pattern.finditer(text):
            if not m.group(0).strip():
                continue
            converted = convert(m)
            if converted is None:
                continue
            value, number, unit = converted
            start, end = m.span()
            if rule.label == "order_id" and m.group("id"):
                start, end = m.span("id")
            yield Entity(rule.label, text[start:end], start, end, value, number, unit)


def extract_entities(text: str) -> tuple[Entity, ...]:
    """Find entities in normalised text; overlapping matches keep the earliest rule's.

    Rules are ordered by how specific they are: an 11-digit mobile number is a phone,
    not an order id, because the order-id rule wants 12+ digits or an "订单" cue.
    """
    chosen: list[Entity] = []
    for entity in _candidates(text):
        if all(entity.end <= other.start or entity.start >= other.end for other in chosen):
            chosen.append(entity)
    return tuple(sorted(chosen, key=lambda e: e.start))
