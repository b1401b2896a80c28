"""`Analysis` values built by hand, so the bot's policy is tested without any model."""

from __future__ import annotations

from kefu.bot.memory import BotMemory
from kefu.bot.model import Hit, Turn, TurnPlan
from kefu.bot.policy import plan_turn
from kefu.bot.rules import DEFAULT_RULES, BotRules
from kefu.nlu.language import detect_language
from kefu.nlu.types import Analysis, EmotionReading, IntentPrediction

NEUTRAL = {"neutral": 0.9, "anger": 0.02, "anxiety": 0.02, "sadness": 0.02, "joy": 0.02}
ANGRY = {"anger": 0.91, "neutral": 0.05, "anxiety": 0.02, "sadness": 0.02}


def analysis(
    text: str,
    intent: str = "oos",
    confidence: float = 0.0,
    *,
    emotion: dict[str, float] | None = None,
    greeting: bool = False,
) -> Analysis:
    scores = emotion or NEUTRAL
    category = max(scores, key=lambda k: scores[k])
    language = "en" if detect_language(text) == "en" else "zh"
    return Analysis(
        text=text,
        normalised=text.lower(),
        language=language,
        tokens=tuple(text.split()),
        entities=(),
        intent=IntentPrediction(
            label=intent,
            confidence=confidence,
            is_oos=intent == "oos",
            best_guess=intent,
        ),
        emotion=EmotionReading(
            index=1 if category == "anger" else 3,
            valence=-0.8 if category == "anger" else 0.0,
            category=category,
            scores=scores,
        ),
        knowledge=(),
        greeting=greeting,
    )


def hit(entry_id: str, score: float, flow: str | None = None, *, exact: bool = False) -> Hit:
    return Hit(entry_id=entry_id, question=f"<{entry_id}>", score=score, flow=flow, exact=exact)


def turn(
    text: str,
    intent: str = "oos",
    confidence: float = 0.0,
    *hits: Hit,
    emotion: dict[str, float] | None = None,
    **extra: object,
) -> Turn:
    found = analysis(text, intent, confidence, emotion=emotion)
    return Turn(
        text=text,
        language=found.language,  # type: ignore[arg-type]
        analysis=found,
        hits=tuple(hits),
        **extra,  # type: ignore[arg-type]
    )


def plan(t: Turn, memory: BotMemory | None = None, rules: BotRules = DEFAULT_RULES) -> TurnPlan:
    return plan_turn(t, memory or BotMemory(), rules)
