"""The hand-over policy: given one customer turn, should a human take over, and why?

Pure and configurable (`BotRules`). Rules are checked in a fixed order and the first that
fires gives the reason recorded on the conversation, so a supervisor can see exactly which
rule moved each customer to a human.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kefu.bot import cues
from kefu.bot.memory import BotMemory
from kefu.bot.rules import BotRules

# Reason codes, as stored on the conversation and shown to agents.
EXPLICIT_REQUEST = "explicit_request"
CUSTOMER_CHOICE = "customer_choice"
REPEATED = "repeated"
FAILURES = "failures"
NEGATIVE_EMOTION = "negative_emotion"
COMPLAINT = "complaint"
PROTECTED_CUSTOMER = "protected_customer"
NEVER_BOT_CATEGORY = "never_bot_category"
VIP = "vip"

#: Intent confidence above which the intent alone (without the words) triggers a rule.
SURE = 0.9


@dataclass(frozen=True, slots=True)
class Turn:
    """One customer message as the policy sees it."""

    text: str
    intent: str
    emotion_scores: dict[str, float]
    customer_tags: Sequence[str] = ()
    action: str | None = None  # the button pressed, if any
    category: str | None = None  # knowledge category of the best match
    confidence: float = 1.0  # of `intent`
    #: The bot has a clear answer (a strong knowledge match): a customer who is cross but
    #: asks a standard question gets the answer, kindly, before anything else.
    confident_answer: bool = False


@dataclass(frozen=True, slots=True)
class Handover:
    reason: str
    priority: int = 0
    #: Whether the bot should acknowledge the customer's feelings in its hand-over message.
    soothe: bool = False


def matches_phrase(text: str, phrases: Sequence[str]) -> bool:
    """Whole-message or word-boundary match: "人工" hands over, "人工智能是什么" does not."""
    lowered = text.strip().lower()
    for phrase in phrases:
        p = phrase.lower()
        if lowered == p:
            return True
        if p.isascii():
            words = "".join(c if c.isalnum() else " " for c in lowered).split()
            joined = f" {' '.join(words)} "
            if f" {p} " in joined and _asks_for(lowered):
                return True
        elif p in lowered and (_asks_for(lowered) or (len(p) >= 3 and len(lowered) <= 8)):
            return True
    return False


def _asks_for(text: str) -> bool:
    cues: tuple[str, ...] = ("转", "找", "要", "接", "叫", "请", "给我", "want", "talk", "speak")
    cues += ("need", "get me", "please", "pls", "plz")
    return any(c in text for c in cues) or len(text) <= 6


def decide(rules: BotRules, turn: Turn, memory: BotMemory) -> Handover | None:
    """The first rule that fires, or None to let the bot answer. `memory` must already
    count this turn's intent (the service updates it before asking)."""
    tags = {t.lower() for t in turn.customer_tags}
    if turn.action == "human":
        protected = tags & set(rules.protected_tags)
        return Handover(PROTECTED_CUSTOMER if protected else CUSTOMER_CHOICE)
    sure = turn.confidence >= SURE
    # "When are your agents online?" asks for the service hours, not for a person now.
    asks_for_person = turn.intent == "human_agent" and sure and not turn.confident_answer
    asked = asks_for_person or matches_phrase(turn.text, rules.explicit_phrases)
    if asked and not cues.asks_when_open(turn.text):
        return Handover(EXPLICIT_REQUEST)
    lowered = turn.text.lower()
    complaint = (turn.intent == "complaint" and sure) or any(
        w.lower() in lowered for w in rules.complaint_words
    )
    if complaint:
        return Handover(COMPLAINT, rules.complaint_priority, soothe=True)
    if memory.angry_in_row >= (2 if turn.confident_answer else 1):
        return Handover(NEGATIVE_EMOTION, rules.complaint_priority, soothe=True)
    if memory.anxious_in_row >= 2:
        return Handover(NEGATIVE_EMOTION, rules.complaint_priority // 2, soothe=True)
    if turn.intent in rules.never_bot_intents or (
        turn.category is not None and turn.category in rules.never_bot_categories
    ):
        return Handover(NEVER_BOT_CATEGORY)
    if memory.intent_counts.get(turn.intent, 0) > rules.repeat_limit and turn.intent != "oos":
        return Handover(REPEATED)
    return None


def after_failure(
    rules: BotRules, customer_tags: Sequence[str], memory: BotMemory
) -> Handover | None:
    """Called once the bot could not answer (already counted in `memory`): rather than
    say "I don't know" once too often, it hands over. VIPs get a person sooner."""
    vip = {t.lower() for t in customer_tags} & set(rules.vip_tags)
    if vip and memory.failures_in_row >= rules.vip_failure_limit:
        return Handover(VIP, priority=rules.complaint_priority // 2)
    if memory.failures_in_row >= rules.failure_limit:
        return Handover(FAILURES)
    return None


def is_angry(rules: BotRules, scores: dict[str, float]) -> bool:
    return scores.get("anger", 0.0) >= rules.anger_handover


def is_anxious(rules: BotRules, scores: dict[str, float]) -> bool:
    return scores.get("anxiety", 0.0) >= rules.anxiety_handover


def wants_soothing(rules: BotRules, scores: dict[str, float]) -> bool:
    # The whole negative mass: a worried customer's probability is spread over anxiety and
    # sadness, so neither alone reaches the threshold.
    upset = sum(scores.get(c, 0.0) for c in ("anger", "anxiety", "sadness"))
    return upset >= rules.soothe_threshold
