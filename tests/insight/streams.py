"""Known event streams for insight tests: domain events as the platform publishes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kefu.bot.events import ConversationRated, MessageAnalysed
from kefu.domain.events import (
    ConversationAbandoned,
    ConversationCreated,
    ConversationHandedOver,
    ConversationResolved,
    DomainEvent,
    MessageCreated,
)
from kefu.knowledge.events import JourneyStep, SuggestionClicked, SuggestionShown

T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC


@dataclass
class Conversation:
    """Builds one conversation's events; `at` is seconds after `start`."""

    id: str
    customer: str
    start: datetime
    entry_point: str = "app_home"
    channel: str = "app"
    events: list[DomainEvent] = field(default_factory=list)
    seq: int = 0

    def t(self, at: float) -> datetime:
        return self.start + timedelta(seconds=at)

    def created(self) -> Conversation:
        self.events.append(
            ConversationCreated(
                occurred_at=self.start, conversation_id=self.id, status="bot", account_id="a",
                inbox_id="i", customer_id=self.customer, channel=self.channel,
                entry_point=self.entry_point, language="zh",
            )
        )  # fmt: skip
        return self

    def menu(self, at: float, action: str, node: str, level: int) -> Conversation:
        self.events.append(
            JourneyStep(occurred_at=self.t(at), conversation_id=self.id, action=action,
                        node=node, level=level, entry_point=self.entry_point)
        )  # fmt: skip
        return self

    def message(
        self, at: float, sender: str, payload: dict[str, Any] | None = None
    ) -> Conversation:
        self.seq += 1
        self.events.append(
            MessageCreated(
                occurred_at=self.t(at), conversation_id=self.id, status="bot",
                message_id=f"{self.id}-{self.seq}", seq=self.seq, sender=sender, text="…",
                internal=False, author_id=None, client_id=None, created_at=self.t(at),
                payload=payload,
            )
        )  # fmt: skip
        return self

    def ask(self, at: float, intent: str) -> Conversation:
        self.message(at, "customer")
        self.events.append(
            MessageAnalysed(
                occurred_at=self.t(at), conversation_id=self.id, status="bot",
                message_id=f"{self.id}-{self.seq}", seq=self.seq, language="zh", intent=intent,
                confidence=0.9, is_oos=False, category=None, emotion_index=3,
                emotion_category="neutral",
            )
        )  # fmt: skip
        return self

    def bot(self, at: float, kind: str, knowledge_id: str | None = None) -> Conversation:
        payload: dict[str, Any] = {"kind": kind}
        if knowledge_id:
            payload["knowledge_id"] = knowledge_id
        return self.message(at, "bot", payload)

    def shown(self, at: float, variant: str, ids: list[str]) -> Conversation:
        self.events.append(
            SuggestionShown(occurred_at=self.t(at), conversation_id=self.id, variant=variant,
                            suggestion_ids=ids)
        )  # fmt: skip
        return self

    def clicked(self, at: float, variant: str, knowledge_id: str, position: int) -> Conversation:
        self.events.append(
            SuggestionClicked(occurred_at=self.t(at), conversation_id=self.id, variant=variant,
                              suggestion_id=knowledge_id, knowledge_id=knowledge_id,
                              position=position)
        )  # fmt: skip
        return self

    def handed_over(self, at: float) -> Conversation:
        self.events.append(
            ConversationHandedOver(occurred_at=self.t(at), conversation_id=self.id,
                                   status="queued", reason="explicit_request", queue="general",
                                   priority=0)
        )  # fmt: skip
        return self

    def resolved(self, at: float) -> Conversation:
        self.events.append(
            ConversationResolved(occurred_at=self.t(at), conversation_id=self.id,
                                 status="resolved", resolved_by="agent", agent_id="ag")
        )  # fmt: skip
        return self

    def left(self, at: float) -> Conversation:
        self.events.append(
            ConversationAbandoned(occurred_at=self.t(at), conversation_id=self.id,
                                  status="abandoned", previous_status="bot")
        )  # fmt: skip
        return self

    def rated(self, at: float, score: int) -> Conversation:
        self.events.append(
            ConversationRated(occurred_at=self.t(at), conversation_id=self.id,
                              status="resolved", score=score, comment=None)
        )  # fmt: skip
        return self


def five_conversations() -> list[DomainEvent]:
    """A gives up in the menu at level 2; B gets a bot answer but comes back on the same topic
    2 h later (E), which solves it; C finds the answer in the menu; D goes to a person."""
    a = (Conversation("A", "cust-a", T0).created().menu(1, "open", "root", 0)
         .menu(5, "click", "orders", 1).menu(9, "click", "order-status", 2)
         .menu(12, "exit", "order-status", 2).left(60))  # fmt: skip
    b = (Conversation("B", "cust-b", T0 + timedelta(minutes=5)).created()
         .shown(1, "contextual", ["order-where", "refund-how", "order-cancel", "coupon-how"])
         .ask(5, "order_status").bot(10, "answer", "order-where").left(120))  # fmt: skip
    c = (Conversation("C", "cust-c", T0 + timedelta(minutes=10), "web", "web_widget").created()
         .menu(2, "open", "root", 0).menu(8, "click", "orders", 1)
         .menu(20, "click", "order-where", 2).left(200))  # fmt: skip
    d = (Conversation("D", "cust-d", T0 + timedelta(minutes=15), "web", "web_widget").created()
         .ask(3, "payment_failed").bot(5, "unknown").ask(10, "payment_failed").bot(12, "clarify")
         .message(20, "customer", {"action": {"type": "human"}}).bot(21, "handover")
         .handed_over(30).message(100, "agent").resolved(330).rated(340, 5))  # fmt: skip
    e_start = b.t(120) + timedelta(hours=2)
    e = (Conversation("E", "cust-b", e_start).created()
         .shown(1, "static", ["refund-how", "order-where", "locker-how"])
         .clicked(8, "static", "order-where", 1).ask(8, "order_status")
         .bot(15, "answer", "order-where").ask(25, "thanks").left(90))  # fmt: skip
    return [*a.events, *b.events, *c.events, *d.events, *e.events]
