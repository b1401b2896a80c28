"""Word segmentation: jieba for Chinese, a regular expression for everything else."""

from __future__ import annotations

import logging
import threading
import unicodedata
from functools import lru_cache

import jieba

# Words of the customer-service domain that jieba's general dictionary splits or misses.
DOMAIN_WORDS: tuple[str, ...] = (
    "转人工",
    "人工客服",
    "外卖",
    "骑手",
    "优惠券",
    "红包",
    "退款",
    "退钱",
    "催单",
    "取消订单",
    "订单号",
    "发票",
    "配送费",
    "送达",
    "超时",
    "花呗",
    "借呗",
    "支付宝",
    "微信支付",
    "收货地址",
    "半小时",
)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """A private jieba tokenizer, so our domain words never leak into other users of jieba."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in DOMAIN_WORDS:
                tokenizer.add_word(word, freq=20000)
            _tokenizer = tokenizer
        return _tokenizer


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[str, ...]:
    """Split normalised text into words, dropping whitespace and punctuation.

    Emoji are kept as tokens of their own because they carry emotion.
    """
    out: list[str] = []
    for token in _jieba().lcut(text, HMM=True):
        token = token.strip()
        if not token:
            continue
        # Punctuation is noise for the models; emoji and other symbols (category S*) are not.
        if _is_word(token) or unicodedata.category(token[0]).startswith("S"):
            out.append(token)
    return tuple(out)
