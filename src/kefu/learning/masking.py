"""Personal data out, order details in as variables: what a mined answer may keep.

Pure text functions. `mask` is for what people read in analytics (a gap's text): personal
data is hidden but the shape stays (`138****1234`). `templatise` is for answers drafted
from agents' replies: order ids, amounts and dates become `{order.…}` variables the bot fills
per customer, and names, phones and addresses are removed.
"""

from __future__ import annotations

import re

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
_ID_CARD = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}\d{7}[\dXx](?!\d)")
_LONG_NUMBER = re.compile(r"(?<![\d.])\d{9,}(?![\d.])")

# Placeholders of de-identified corpora (JDDC style) and their variables, if any.
_PLACEHOLDER_VARIABLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[ORDERID_\d+\]|\[订单x\]|\[订单号x\]"), "{order.id}"),
    (re.compile(r"\[金额x\]"), "{order.total}"),
    (re.compile(r"\[姓名x\]|\[名字x\]"), "{customer.name}"),
)
_PLACEHOLDER_REMOVED = re.compile(r"\[(?:地址|电话|手机|站点|组织机构|邮箱|链接|身份证号)x\]")
#: Values a de-identified corpus blanked out but an answer needs ("[数字x] 个工作日"): the
#: reviewer fills them in before accepting.
_PLACEHOLDER_TO_FILL = re.compile(r"\[(?:日期|时间|数字)x\]")
TO_FILL = "【?】"
_EMOTICON_CODE = re.compile(r"#E-[a-z]\[数字x\]|#E-[a-z]\d+")
_AMOUNT = re.compile(r"(?:¥|￥)\s?\d+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?\s?元")
_SPACES = re.compile(r"[ \t]{2,}")


def mask(text: str) -> str:
    """Hide phone numbers, e-mail addresses, ID-card and long account numbers."""
    text = _ID_CARD.sub(
        lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 7) + m.group(0)[-4:], text
    )
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return _LONG_NUMBER.sub(
        lambda m: m.group(0)[:2] + "*" * (len(m.group(0)) - 4) + m.group(0)[-2:], text
    )


def templatise(text: str) -> str:
    """An agent's reply as a reusable answer: order details as variables, no personal data."""
    for pattern, variable in _PLACEHOLDER_VARIABLES:
        text = pattern.sub(variable, text)
    text = _EMOTICON_CODE.sub("", text)
    text = _PLACEHOLDER_REMOVED.sub("", text)
    text = _PLACEHOLDER_TO_FILL.sub(TO_FILL, text)
    text = _ID_CARD.sub("", text)
    text = _PHONE.sub("", text)
    text = _EMAIL.sub("", text)
    text = _LONG_NUMBER.sub("{order.id}", text)
    text = _AMOUNT.sub("{order.total}", text)
    return _SPACES.sub(" ", text).strip(" ,，")


def has_personal_data(text: str) -> bool:
    """Whether `mask` would change the text: for checks on what is about to be stored."""
    return mask(text) != text
