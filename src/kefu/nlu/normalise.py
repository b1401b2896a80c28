"""Text normalisation: width, script, case, emoji and repeated characters.

Every component sees text through `normalise`, so a full-width "ＯＲＤＥＲ１２３", the
traditional "訂單" and the simplified "订单" reach the models as the same string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")

# Variation selectors, zero-width joiners and skin-tone modifiers change how an emoji looks,
# not what it says; dropping them lets "👍🏻" and "👍" share features.
_EMOJI_MODIFIERS = re.compile("[\ufe0e\ufe0f\u200d\u200b\u200c\u2060\U0001f3fb-\U0001f3ff]")
_EMOJI = re.compile(
    "[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001f2ff]",
)
_WHITESPACE = re.compile(r"\s+")
# "！！！！！！" and "好好好好好好" carry emphasis, but six copies are no more telling than three.
_REPEATS = re.compile(r"(.)\1{3,}")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """True when the text holds at least one CJK ideograph."""
    return _CJK.search(text) is not None


def emojis(text: str) -> tuple[str, ...]:
    """The emoji characters of a text, in order, without modifiers."""
    return tuple(_EMOJI.findall(_EMOJI_MODIFIERS.sub("", text)))


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """`text` with traditional Chinese characters made simplified ("訂單" -> "订单"), and
    nothing else changed: for rules that read a message's words as they were typed."""
    return _T2S.convert(text) if has_cjk(text) else text


@lru_cache(maxsize=4096)
def normalise(text: str, *, lowercase: bool = True) -> str:
    """Return the canonical form of `text` that every model is trained and queried on.

    NFKC folds full-width letters, digits and punctuation to their half-width forms;
    traditional characters become simplified; case is folded; emoji modifiers are dropped
    (the emoji themselves are kept: they are strong emotion cues); runs of one character
    longer than three are shortened to three; whitespace is collapsed.
    """
    out = unicodedata.normalize("NFKC", text)
    out = _EMOJI_MODIFIERS.sub("", out)
    if has_cjk(out):
        out = _T2S.convert(out)
    if lowercase:
        out = out.lower()
    out = _REPEATS.sub(lambda m: m.group(1) * 3, out)
    return _WHITESPACE.sub(" ", out).strip()
