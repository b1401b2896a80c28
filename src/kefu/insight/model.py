"""The journey event: one schema for every step a customer takes, whatever produced it.

A journey event is written once per step, from the domain event that records the step
(`kefu.insight.journeys` does the translation). Fields a step does not have stay empty, so
the same row shape holds an entry point, a menu click, a bot answer or a rating, and the raw
stream exports as one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Step(StrEnum):
    ENTRY = "entry"  # the conversation started (entry point, channel)
    MENU = "menu"  # self-service menu: action open | click | back | exit, node, level
    QUESTION = "question"  # the customer typed a question
    INTENT = "intent"  # the language engine's reading of that question
    BOT_REPLY = "bot_reply"  # the bot's decision and the answer shown
    SUGGESTIONS_SHOWN = "suggestions_shown"
    SUGGESTION_CLICK = "suggestion_click"
    HUMAN_BUTTON = "human_button"  # the customer pressed "talk to a person"
    SOLVED = "solved"  # the customer confirmed the answer solved it
    HANDOVER = "handover"
    AGENT_REPLY = "agent_reply"
    RESOLVED = "resolved"
    LEFT = "left"  # the customer left without a resolution (conversation abandoned)
    REOPENED = "reopened"
    RATED = "rated"  # CSAT score 1..5
    FEEDBACK = "feedback"  # thumbs on one answer: value 1 up, 0 down
    EXPOSED = "exposed"  # met an experiment: node = experiment id, action = variant


#: Bot decisions as the bot's message payload names them (`payload.decision`), or as read
#: from older payloads that only carry `kind`.
DECISIONS = ("answer", "flow", "clarify", "unknown", "handover", "greeting")
_KIND_TO_DECISION = {
    "answer": "answer",
    "flow": "flow",
    "clarify": "clarify",
    "unknown": "unknown",
    "handover": "handover",
    "greeting": "greeting",
}


def decision_of(payload: dict[str, Any] | None) -> str | None:
    """The bot's decision from a bot message payload, new shape first, then the old one."""
    if not payload:
        return None
    decision = payload.get("decision")
    if isinstance(decision, str) and decision in DECISIONS:
        return decision
    kind = payload.get("kind")
    return _KIND_TO_DECISION.get(kind) if isinstance(kind, str) else None


@dataclass(frozen=True, slots=True)
class JourneyEvent:
    conversation_id: str
    at: datetime
    step: Step
    customer_id: str | None = None
    entry_point: str | None = None
    channel: str | None = None
    action: str | None = None  # menu action, handover reason, resolved_by, suggestion variant
    node: str | None = None  # menu node, or the suggestion id clicked
    level: int | None = None
    intent: str | None = None
    knowledge_id: str | None = None
    decision: str | None = None
    confidence: float | None = None
    value: float | None = None  # rating, feedback, click position
    items: tuple[str, ...] = ()  # suggestion ids shown, in order

    def to_row(self) -> dict[str, Any]:
        row = {name: getattr(self, name) for name in JOURNEY_COLUMNS}
        row["step"] = self.step.value
        row["items"] = list(self.items)
        return row

    @staticmethod
    def from_row(row: dict[str, Any]) -> JourneyEvent:
        data = dict(row)
        data["step"] = Step(data["step"])
        data["items"] = tuple(data.get("items") or ())
        return JourneyEvent(**data)


JOURNEY_COLUMNS = (
    "conversation_id",
    "at",
    "step",
    "customer_id",
    "entry_point",
    "channel",
    "action",
    "node",
    "level",
    "intent",
    "knowledge_id",
    "decision",
    "confidence",
    "value",
    "items",
)
