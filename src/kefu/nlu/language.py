"""Language detection for the two languages kefu speaks: Simplified Chinese and English."""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["zh", "en", "unknown"]

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> Language:
    """Guess whether a customer message is Chinese or English.

    A Chinese message often carries Latin words ("我的order没到", "app 闪退"), while an
    English one rarely carries ideographs, so one ideograph counts as much as one English
    word and Chinese wins ties. Text with neither (digits, emoji, empty) is "unknown".
    """
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if cjk == 0 and words == 0:
        return "unknown"
    return "zh" if cjk >= words else "en"


def has_chinese(text: str) -> bool:
    """Whether `text` holds at least one Chinese character."""
    return _CJK.search(text) is not None
