"""After the bot has its reply: give up, soothe, offer a remedy, ask a person to approve.
Pure, like `policy`: the outcome of the executed plan in, what to add or change out."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.assist.scripts import suggest_remedy
from kefu.bot import handover
from kefu.bot.memory import BotMemory
from kefu.bot.rules import BotRules
from kefu.bot.texts import say
from kefu.domain.business import Language


@dataclass(frozen=True, slots=True)
class Outcome:
    """What executing the plan produced."""

    outcome: str  # answered, clarified, unknown, flow_step, flow_done, ack, prompt…
    intent: str
    language: Language
    emotion_scores: dict[str, float]
    customer_tags: tuple[str, ...] = ()
    #: The order the reply was about is late / can still refund this much (None: no order).
    order_late: bool | None = None
    refundable_cents: int | None = None


@dataclass(frozen=True, slots=True)
class Aftercare:
    give_up: handover.Handover | None = None
    prefix: str | None = None  # a soothing line before the reply
    suffix: str | None = None  # a remedy after it
    human_choice: bool = False
    draft: bool = False


def settle(result: Outcome, memory: BotMemory, rules: BotRules, text: str) -> Aftercare:
    """Updates `memory` (failures, remedies, promises) and says what to add to the reply."""
    if result.outcome == "unknown":
        memory.failures_in_row += 1
        memory.failed.append(text[:200])
        memory.pending = "offer_human"
        give_up = handover.after_failure(rules, result.customer_tags, memory)
        if give_up is not None:
            return Aftercare(give_up=give_up)
    elif result.outcome in ("answered", "flow_done", "flow_step"):
        memory.failures_in_row = 0
    prefix = suffix = None
    if handover.wants_soothing(rules, result.emotion_scores) and result.outcome != "flow_step":
        prefix = say("soothe", result.language)
        suffix = _remedy(result, memory, rules)
        if suffix:
            memory.promises.append(suffix)
    draft = result.intent in rules.draft_intents and result.outcome in ("answered", "flow_done")
    return Aftercare(
        prefix=prefix,
        suffix=suffix,
        human_choice=result.outcome in ("unknown", "clarified"),
        draft=draft,
    )


def _remedy(result: Outcome, memory: BotMemory, rules: BotRules) -> str | None:
    if memory.remedy_offered:
        return None
    if result.intent == "delivery_late" and not result.order_late:
        return None  # only for an order that really is late
    remedy = suggest_remedy(
        rules.remedies,
        result.intent,
        upset=True,
        language=result.language,
        refundable_cents=result.refundable_cents,
    )
    if remedy is None:
        return None
    memory.remedy_offered = True
    return remedy.text
