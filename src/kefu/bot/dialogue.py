"""The dialogue policy for questions the flows do not handle: answer, ask, or admit it.

Pure: it sees knowledge hits (best first, each with a probability of "same question") and
the rules' thresholds, and says which of three things to do. Answer when one entry is clearly
best; offer the close candidates as choices when two are near each other; otherwise say
honestly that the bot does not know, and offer a human.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kefu.bot.rules import BotRules


@dataclass(frozen=True, slots=True)
class Candidate:
    entry_id: str
    question: str
    score: float


@dataclass(frozen=True, slots=True)
class Decision:
    kind: Literal["answer", "clarify", "unknown"]
    candidates: tuple[Candidate, ...] = ()


def decide(rules: BotRules, hits: Sequence[Candidate]) -> Decision:
    if not hits or hits[0].score < rules.clarify_threshold:
        return Decision("unknown")
    best = hits[0]
    close = tuple(
        h
        for h in hits[1:4]
        if best.score - h.score < rules.clarify_margin and h.score >= rules.clarify_threshold
    )
    if best.score >= rules.answer_threshold and not close:
        return Decision("answer", (best,))
    if close:
        return Decision("clarify", (best, *close))
    # One weak candidate: ask whether that is what the customer meant.
    return Decision("clarify", (best,))
