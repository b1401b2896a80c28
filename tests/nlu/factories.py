"""Small generated training data, so the tests never need the public data sets."""

from __future__ import annotations

import itertools
import random

from kefu.nlu.build import demo_intents, demo_knowledge, service_emotions
from kefu.nlu.data import Example, Pair
from kefu.nlu.language import detect_language
from kefu.nlu.matcher import KnowledgeEntry

_ZH_GOOD = ["很好吃", "送得很快", "服务很周到", "包装精美", "非常满意", "骑手很有礼貌", "分量很足"]
_ZH_BAD = ["太难吃了", "送得太慢", "服务很差", "包装破了", "非常失望", "骑手态度恶劣", "分量太少"]
_EN_GOOD = ["delicious food", "fast delivery", "great service", "very happy", "lovely rider"]
_EN_BAD = ["awful food", "slow delivery", "terrible service", "very angry", "rude rider"]
_ZH_SUBJECT = ["这家店", "这次外卖", "今天的午饭", "这份套餐", "晚餐"]
_EN_SUBJECT = ["this shop", "my order", "the lunch", "dinner tonight", "the meal"]


def sentiment_examples(seed: int = 0) -> list[Example]:
    rng = random.Random(seed)
    out = []
    for subject, good, bad in itertools.product(_ZH_SUBJECT, _ZH_GOOD, _ZH_BAD):
        if rng.random() < 0.5:
            out.append(Example(f"{subject}{good}", "1"))
            out.append(Example(f"{subject}{bad}", "0"))
    for subject, good, bad in itertools.product(_EN_SUBJECT, _EN_GOOD, _EN_BAD):
        if rng.random() < 0.5:
            out.append(Example(f"{subject}: {good}", "1"))
            out.append(Example(f"{subject}: {bad}", "0"))
    return out


def intent_examples() -> list[Example]:
    return demo_intents()


def emotion_examples() -> list[Example]:
    return service_emotions()


def knowledge_entries() -> list[KnowledgeEntry]:
    return demo_knowledge()


def pair_examples() -> list[Pair]:
    """Chinese phrasings of one entry match; those of different entries do not."""
    entries = [[t for t in e.texts if detect_language(t) == "zh"] for e in demo_knowledge()]
    pairs = []
    for texts in entries:
        for a, b in itertools.combinations(texts, 2):
            pairs.append(Pair(a, b, 1))
        for text in texts:
            pairs.append(Pair(text, f"请问{text}", 1))
            pairs.append(Pair(text, text[:-1], 1))
    for first, second in itertools.combinations(entries, 2):
        pairs.append(Pair(first[0], second[0], 0))
        pairs.append(Pair(first[-1], second[1], 0))
    return pairs


#: Inputs every component must survive: typical, empty, blank, long, mixed, odd.
AWKWARD_INPUTS: tuple[str, ...] = (
    "我的外卖到哪了",
    "where is my order",
    "",
    "   ",
    "我的order还没到, refund please!!! 😡😡",
    "訂單號１２３４５６７８９０１２３，ＡＢＣ",
    "12345678901234567890",
    "？？？！！！",
    "外卖" * 5000,
    "the delivery is late " * 800,
)
