"""What the bot remembers about one conversation between turns. Pure; stored as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class FlowState:
    name: str
    step: str
    slots: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class BotMemory:
    intent_counts: dict[str, int] = field(default_factory=dict)
    failures_in_row: int = 0
    anxious_in_row: int = 0
    angry_in_row: int = 0
    attempts: int = 0
    flow: FlowState | None = None
    #: What the bot told the customer it would do ("a ¥5 coupon has been issued").
    promises: list[str] = field(default_factory=list)
    #: Knowledge entries and flows the bot answered with, and questions it could not.
    answered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    remedy_offered: bool = False
    #: The choices last offered, so a typed "1" or the choice's label picks one.
    offered: list[dict[str, str]] = field(default_factory=list)
    #: The question the bot asked last ("confirm", "clarify", "offer_human", "which_order"…),
    #: so that "yes" / "好的" answers that and nothing else.
    pending: str | None = None
    #: The conversation's last topic: a knowledge entry id ("kb:<id>") or a flow
    #: ("flow:<name>"), the last substantive customer text, and the order in question; a
    #: fragment such as "那怎么办" or "还没到" leans on these.
    last_topic: str | None = None
    last_text: str | None = None
    last_order_id: str | None = None
    last_order_late: bool = False
    #: Short messages without content ("在吗", "?") in a row: answered with one prompt.
    fillers_in_row: int = 0

    def count_intent(self, intent: str) -> int:
        self.intent_counts[intent] = self.intent_counts.get(intent, 0) + 1
        return self.intent_counts[intent]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> BotMemory:
        if not data:
            return cls()
        flow = data.get("flow")
        return cls(
            intent_counts=dict(data.get("intent_counts", {})),
            failures_in_row=int(data.get("failures_in_row", 0)),
            anxious_in_row=int(data.get("anxious_in_row", 0)),
            angry_in_row=int(data.get("angry_in_row", 0)),
            attempts=int(data.get("attempts", 0)),
            flow=FlowState(**flow) if flow else None,
            promises=list(data.get("promises", [])),
            answered=list(data.get("answered", [])),
            failed=list(data.get("failed", [])),
            remedy_offered=bool(data.get("remedy_offered", False)),
            offered=list(data.get("offered", [])),
            pending=data.get("pending"),
            last_topic=data.get("last_topic"),
            last_text=data.get("last_text"),
            last_order_id=data.get("last_order_id"),
            last_order_late=bool(data.get("last_order_late", False)),
            fillers_in_row=int(data.get("fillers_in_row", 0)),
        )

    def copy(self) -> BotMemory:
        return BotMemory.from_dict(self.to_dict())
