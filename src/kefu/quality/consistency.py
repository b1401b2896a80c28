"""Is an agent's answer consistent with the knowledge base? Pure.

The knowledge in play is what the bot already told the customer in this conversation (the
entries its answers came from). What a customer acts on, and what an agent most often gets
wrong, are the figures: how many working days a refund takes, within how many hours after
delivery a complaint is accepted, how much a coupon is worth. So a sentence contradicts an
entry when it states a figure in a unit the entry also states (days, hours, minutes, yuan)
that lies outside every range the entry gives for that unit, and it is about the same thing
— it shares a word with the entry's sentence that holds the figure. The same figure, or one
inside the entry's range, is consistent. Anything else is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_UNITS = {
    "days": r"个?工作日|天|日|(?:working |business )?days?",
    "hours": r"个?小时|hours?|hrs?",
    "minutes": r"分钟|minutes?|mins?",
    "yuan": r"元|块钱?|yuan|rmb",
}
_NUMBER = r"(\d+(?:\.\d+)?)"
_RANGE = rf"{_NUMBER}\s*(?:(?:-|–|—|~|～|到|至|to)\s*{_NUMBER})?"
_QUANTITY = re.compile(
    rf"(?:[¥￥]\s*{_RANGE})|(?:{_RANGE}\s*({'|'.join(_UNITS.values())}))", re.IGNORECASE
)
_UNIT_OF = [
    (unit, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for unit, pattern in _UNITS.items()
]
_CLAUSE = re.compile(r"[^。！？!?；;\n]+")
_NOT_WORDS = re.compile(
    rf"[\d\s.,，、：:（）()¥￥\-–—~～]|{'|'.join(_UNITS.values())}|到|至", re.IGNORECASE
)
_ENGLISH_WORD = re.compile(r"[a-z]{4,}")
_ENGLISH_STOP = frozenset(
    {"your", "with", "that", "this", "have", "will", "from", "they", "after", "usually", "take"}
)


@dataclass(frozen=True, slots=True)
class KnowledgeAnswer:
    """An entry of the knowledge base the bot answered from, in the conversation's language."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Figure:
    unit: str
    low: float
    high: float

    def within(self, other: Figure) -> bool:
        return self.unit == other.unit and other.low <= self.low and self.high <= other.high


@dataclass(frozen=True, slots=True)
class Judgement:
    knowledge_id: str
    consistent: bool
    stated: Figure


def figures(text: str) -> list[Figure]:
    found = []
    for match in _QUANTITY.finditer(text):
        yuan_low, yuan_high, low, high, unit_text = match.groups()
        if yuan_low is not None:
            found.append(_figure("yuan", yuan_low, yuan_high))
            continue
        unit = next((u for u, pattern in _UNIT_OF if pattern.match(unit_text.strip())), None)
        if unit is not None:
            found.append(_figure(unit, low, high))
    return found


def _figure(unit: str, low: str, high: str | None) -> Figure:
    a, b = float(low), float(high) if high else float(low)
    return Figure(unit, min(a, b), max(a, b))


def _words(text: str) -> set[str]:
    """Two-character pieces of the Chinese and the longer English words, figures and units
    left out: enough to tell whether two sentences talk about the same thing."""
    lowered = text.lower()
    english = {w for w in _ENGLISH_WORD.findall(lowered) if w not in _ENGLISH_STOP}
    chinese = "".join(
        ch for ch in _NOT_WORDS.sub(" ", lowered) if "\u4e00" <= ch <= "\u9fff" or ch == " "
    )
    pieces = {part[i : i + 2] for part in chinese.split() for i in range(len(part) - 1)}
    return english | pieces


def judge(sentence: str, knowledge: Sequence[KnowledgeAnswer]) -> list[Judgement]:
    """What the sentence's figures say against each entry that states figures of the same
    unit about the same thing (shares a word with the entry's clause holding them)."""
    stated = figures(sentence)
    if not stated:
        return []
    words = _words(sentence)
    out = []
    for entry in knowledge:
        for clause in _CLAUSE.findall(entry.text):
            known = figures(clause)
            if not known or not words & _words(clause):
                continue
            for figure in stated:
                same_unit = [k for k in known if k.unit == figure.unit]
                if same_unit:
                    consistent = any(figure.within(k) for k in same_unit)
                    out.append(Judgement(entry.id, consistent, figure))
    return out
