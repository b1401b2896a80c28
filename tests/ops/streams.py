"""Known event streams for the live board's tests: a tiny script language over real events."""

from __future__ import annotations

from typing import Any

from kefu.bot.events import BotTurnTaken, ConversationRated, MessageAnalysed
from kefu.domain import events as ev
from kefu.domain.clock import FrozenClock
from kefu.domain.events import DomainEvent


class Script:
    """Writes the events a service would publish, at the clock's time."""

    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.events: list[DomainEvent] = []
        self._seq: dict[str, int] = {}

    def _add(self, event: DomainEvent) -> DomainEvent:
        self.events.append(event)
        return event

    def _c(self, cid: str, status: str) -> dict[str, Any]:
        return {"occurred_at": self.clock.now, "conversation_id": cid, "status": status}

    def created(self, cid: str) -> None:
        self._add(
            ev.ConversationCreated(
                **self._c(cid, "bot"),
                account_id="default",
                inbox_id="i",
                customer_id=f"cu-{cid}",
                channel="web_widget",
                entry_point=None,
                language="zh",
            )
        )

    def message(self, cid: str, sender: str, text: str = "hi", *, internal: bool = False) -> str:
        seq = self._seq[cid] = self._seq.get(cid, 0) + 1
        mid = f"{cid}-m{seq}"
        self._add(
            ev.MessageCreated(
                **self._c(cid, "bot"),
                message_id=mid,
                seq=seq,
                sender=sender,
                text=text,
                internal=internal,
                author_id=None,
                client_id=None,
                created_at=self.clock.now,
            )
        )
        return mid

    def analysed(
        self,
        cid: str,
        message_id: str,
        intent: str,
        *,
        emotion: int = 3,
        category: str | None = None,
    ) -> None:
        self._add(
            MessageAnalysed(
                **self._c(cid, "bot"),
                message_id=message_id,
                seq=1,
                language="zh",
                intent=intent,
                confidence=0.9,
                is_oos=False,
                category=category,
                emotion_index=emotion,
                emotion_category="anger" if emotion <= 2 else "neutral",
            )
        )

    def customer_says(
        self, cid: str, text: str, intent: str, *, emotion: int = 3, category: str | None = None
    ) -> None:
        mid = self.message(cid, "customer", text)
        self.analysed(cid, mid, intent, emotion=emotion, category=category)

    def bot_turn(self, cid: str, outcome: str) -> None:
        self._add(
            BotTurnTaken(
                **self._c(cid, "bot"), intent="x", outcome=outcome, knowledge_id=None, language="zh"
            )
        )

    def hand_over(self, cid: str, reason: str, queue: str = "general") -> None:
        self._add(
            ev.ConversationHandedOver(
                **self._c(cid, "queued"), reason=reason, queue=queue, priority=0
            )
        )
        self.queued(cid, queue)

    def queued(self, cid: str, queue: str = "general") -> None:
        self._add(ev.ConversationQueued(**self._c(cid, "queued"), queue=queue, priority=0))

    def assigned(self, cid: str, agent: str, previous: str | None = None) -> None:
        self._add(
            ev.ConversationAssigned(
                **self._c(cid, "assigned"),
                agent_id=agent,
                previous_agent_id=previous,
                queue="general",
            )
        )

    def transferred_to_queue(self, cid: str, from_agent: str, queue: str) -> None:
        self._add(
            ev.ConversationTransferred(
                **self._c(cid, "queued"),
                from_agent_id=from_agent,
                to_agent_id=None,
                to_queue=queue,
                note=None,
            )
        )
        self.queued(cid, queue)

    def resolved(self, cid: str, by: str, agent: str | None = None) -> None:
        self._add(
            ev.ConversationResolved(**self._c(cid, "resolved"), resolved_by=by, agent_id=agent)
        )

    def abandoned(self, cid: str, previous: str) -> None:
        self._add(ev.ConversationAbandoned(**self._c(cid, "abandoned"), previous_status=previous))

    def reopened(self, cid: str, status: str, count: int = 1) -> None:
        self._add(ev.ConversationReopened(**self._c(cid, status), reopen_count=count))
        if status == "queued":
            self.queued(cid)

    def rated(self, cid: str, score: int) -> None:
        self._add(ConversationRated(**self._c(cid, "resolved"), score=score, comment=None))

    def presence(self, agent: str, presence: str) -> None:
        self._add(
            ev.AgentPresenceChanged(occurred_at=self.clock.now, agent_id=agent, presence=presence)
        )

    def sla(self, cid: str, kind: type[ev.SlaEvent]) -> None:
        self._add(
            kind(
                occurred_at=self.clock.now,
                conversation_id=cid,
                target="first_response",
                policy_id="default",
                scheduled_at=self.clock.now,
                queue="general",
                assignee_id=None,
            )
        )

    def overflowed(self, cid: str, action: str) -> None:
        self._add(
            ev.ConversationOverflowed(
                **self._c(cid, "queued"),
                action=action,
                reason="queue_long",
                from_queue="general",
                to_queue=None,
                opens_at=None,
            )
        )

    def callback(self, cid: str) -> None:
        self._add(
            ev.CallbackBooked(
                **self._c(cid, "queued"), callback_id="cb", queue="callback", preferred_time=None
            )
        )
