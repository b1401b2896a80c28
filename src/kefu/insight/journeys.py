"""From domain events to journey steps: pure, one journey event per step.

Events are read by name and field (`getattr`), as the live board does, so events of other
feature packages (`bot.turn`, `journey.step`, `suggestion.*`, `conversation.rated`) are
understood without importing those packages, and a payload that lacks a newer field (a bot
message without `decision`) still maps. Each step comes from exactly one event kind: the
bot's answer from its message (`message.created`, sender bot), not also from `bot.turn`,
a suggestion click from `suggestion.clicked`, not also from the customer's message.
"""

from __future__ import annotations

from typing import Any

from kefu.insight.model import JourneyEvent, Step, decision_of

#: Intents that say "that solved it" when they follow an answer.
SOLVED_INTENTS = frozenset({"thanks", "solved"})
#: Events that carry thumbs on an answer (owned by the quality package): `helpful` bool or
#: `value` 1/0 (or `thumb` "up"/"down").
FEEDBACK_EVENTS = frozenset({"message.feedback", "answer.feedback", "bot.feedback"})
#: Every event kind `journey_steps` reads; the others record no step.
STEP_EVENTS = FEEDBACK_EVENTS | {
    "bot.trial_exposed",
    "conversation.created",
    "journey.step",
    "message.created",
    "message.analysed",
    "suggestion.shown",
    "suggestion.clicked",
    "conversation.handed_over",
    "conversation.resolved",
    "conversation.abandoned",
    "conversation.reopened",
    "conversation.rated",
}


def records_steps(event: object) -> bool:
    """Whether `event` can be a journey step (the handler table's filter)."""
    return getattr(event, "name", "") in STEP_EVENTS


def _action(payload: dict[str, Any] | None) -> tuple[str | None, str | None]:
    action = (payload or {}).get("action") or {}
    if not isinstance(action, dict):
        return None, None
    kind, value = action.get("type"), action.get("value")
    return (
        kind if isinstance(kind, str) else None,
        value if isinstance(value, str) else None,
    )


def _thumb(event: Any) -> float | None:
    helpful = getattr(event, "helpful", None)
    if isinstance(helpful, bool):
        return 1.0 if helpful else 0.0
    thumb = getattr(event, "thumb", None)
    if thumb in ("up", "down"):
        return 1.0 if thumb == "up" else 0.0
    value = getattr(event, "value", None)
    if isinstance(value, int | float):
        return 1.0 if value > 0 else 0.0
    return None


def journey_steps(event: Any) -> list[JourneyEvent]:
    """The journey steps one domain event records (often none)."""
    name: str = getattr(event, "name", "")
    conversation_id = getattr(event, "conversation_id", None)
    if not isinstance(conversation_id, str):
        return []
    at = event.occurred_at

    def step(kind: Step, **fields: Any) -> list[JourneyEvent]:
        return [JourneyEvent(conversation_id=conversation_id, at=at, step=kind, **fields)]

    if name == "conversation.created":
        return step(
            Step.ENTRY,
            customer_id=event.customer_id,
            entry_point=event.entry_point or "direct",
            channel=event.channel,
        )
    if name == "journey.step":
        return step(
            Step.MENU,
            action=event.action,
            node=event.node,
            level=event.level,
            entry_point=event.entry_point,
        )
    if name == "message.created":
        return _message(event, step)
    if name == "message.analysed":
        return step(
            Step.INTENT,
            intent=event.intent,
            confidence=float(event.confidence),
            node=str(event.seq),
        )
    if name == "suggestion.shown":
        return step(Step.SUGGESTIONS_SHOWN, action=event.variant, items=tuple(event.suggestion_ids))
    if name == "suggestion.clicked":
        return step(
            Step.SUGGESTION_CLICK,
            action=event.variant,
            node=event.suggestion_id,
            knowledge_id=event.knowledge_id,
            value=float(event.position),
        )
    if name == "bot.trial_exposed":
        return step(
            Step.EXPOSED,
            customer_id=event.customer_id,
            node=event.experiment_id,
            action=event.variant,
            knowledge_id=event.entry_id,
        )
    if name == "conversation.handed_over":
        return step(Step.HANDOVER, action=event.reason, node=event.queue)
    if name == "conversation.resolved":
        return step(Step.RESOLVED, action=event.resolved_by)
    if name == "conversation.abandoned":
        return step(Step.LEFT, action=event.previous_status)
    if name == "conversation.reopened":
        return step(Step.REOPENED, value=float(event.reopen_count))
    if name == "conversation.rated":
        return step(Step.RATED, value=float(event.score))
    if name in FEEDBACK_EVENTS:
        thumb = _thumb(event)
        if thumb is None:
            return []
        knowledge_id = getattr(event, "knowledge_id", None)
        return step(
            Step.FEEDBACK,
            value=thumb,
            knowledge_id=knowledge_id if isinstance(knowledge_id, str) else None,
        )
    return []


def _message(event: Any, step: Any) -> list[JourneyEvent]:
    if event.internal:
        return []
    payload = event.payload if isinstance(event.payload, dict) else None
    sender = event.sender
    if sender == "customer":
        kind, value = _action(payload)
        if kind == "human" or (kind == "choice" and value == "human"):
            result: list[JourneyEvent] = step(Step.HUMAN_BUTTON)
            return result
        if kind == "solved":
            result = step(Step.SOLVED)
            return result
        if kind == "suggestion":
            return []  # recorded once, by `suggestion.clicked`
        result = step(Step.QUESTION, node=str(event.seq), action=kind)
        return result
    if sender == "bot":
        decision = decision_of(payload) or "answer"
        knowledge_id = (payload or {}).get("knowledge_id")
        confidence = (payload or {}).get("confidence")
        flow = (payload or {}).get("flow")
        result = step(
            Step.BOT_REPLY,
            decision=decision,
            knowledge_id=knowledge_id if isinstance(knowledge_id, str) else None,
            confidence=float(confidence) if isinstance(confidence, int | float) else None,
            action=flow if isinstance(flow, str) else None,
        )
        return result
    if sender == "agent":
        result = step(Step.AGENT_REPLY)
        return result
    return []
