"""The live board as a projection of domain events: constant work per event, constant work
per read.

Events are decoded by name and read by field (`getattr`), so events declared by other
feature packages (`message.analysed`, `bot.turn`, `conversation.rated`) are understood as
soon as they exist, without importing those packages. Every indicator is defined in
docs/metrics.md; the comments here say why a definition is the way it is.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import Any

from kefu.ops.board_snapshot import board_snapshot
from kefu.ops.board_state import (
    NEGATIVE_MAX_INDEX,
    OPEN,
    AgentSeed,
    AgentState,
    OpenConversation,
    Seed,
    Waiting,
)
from kefu.ops.windows import KeyedWindowed, LocalDay, MinuteGauge, Rolling, Windowed

SAMPLE_TEXTS = 4096  # recent customer messages kept to quote in knowledge packs


class BoardProjection:
    """Folds events into the board's indicators. Pure: no I/O, time comes from the events
    and from the `now` given to `snapshot`."""

    def __init__(self, tz: tzinfo = UTC) -> None:
        day = LocalDay(tz)
        self.conversations: dict[str, OpenConversation] = {}
        self.status_counts: dict[str, int] = dict.fromkeys(OPEN, 0)
        self.waiting: dict[str, Waiting] = {}
        self.waiting_since_total = 0.0  # sum of queued_at of everyone waiting
        self.agents: dict[str, AgentState] = {}
        self.negative_open = 0
        self.rated_open = 0
        self.texts: OrderedDict[str, str] = OrderedDict()
        self.events_seen = 0

        def w() -> Windowed:
            return Windowed(day)

        def k() -> KeyedWindowed:
            return KeyedWindowed(day)

        self.created = w()
        self.messages = k()  # by sender
        self.waits = w()  # seconds from queued to answered
        self.queue_exits = k()  # answered / abandoned
        self.closed = k()  # resolved, abandoned, bot_resolved, self_service, human, reclosed
        self.handovers = k()  # by reason
        self.transfers = w()
        self.first_response = w()
        self.handling = w()
        self.reopens = w()
        self.csat = w()
        self.csat_satisfied = w()
        self.emotion = w()
        self.negative_messages = w()
        self.intents = k()
        self.categories = k()
        self.bot_turns = k()  # by outcome
        self.sla = k()  # warning / breached / escalated
        self.overflows = k()  # by action
        self.callbacks = w()

        self.trend_messages = Rolling(3600, 60)
        self.trend_created = Rolling(3600, 60)
        self.trend_handovers = Rolling(3600, 60)
        self.trend_waiting = MinuteGauge()
        self.trend_active = MinuteGauge()
        self.trend_longest_wait = MinuteGauge()

        self._handlers: dict[str, Callable[[Any, float], None]] = {
            "conversation.created": self._created,
            "message.created": self._message,
            "conversation.handed_over": self._handed_over,
            "conversation.queued": self._queued,
            "conversation.assigned": self._assigned,
            "conversation.transferred": self._transferred,
            "conversation.resolved": self._resolved,
            "conversation.abandoned": self._abandoned,
            "conversation.reopened": self._reopened,
            "conversation.overflowed": self._overflowed,
            "callback.booked": self._callback,
            "agent.presence_changed": self._presence,
            "sla.warning": self._sla,
            "sla.breached": self._sla,
            "sla.escalated": self._sla,
            "message.analysed": self._analysed,
            "bot.turn": self._bot_turn,
            "conversation.rated": self._rated,
        }

    # ---- start-up ------------------------------------------------------------------------

    def seed(self, conversations: Iterable[Seed], agents: Iterable[AgentSeed]) -> None:
        """Current state from storage (open conversations, the team), not from history."""
        for agent in agents:
            self.agents[agent.agent_id] = AgentState(agent.presence, 0, agent.capacity)
        for row in conversations:
            if row.status not in OPEN:
                continue
            conv = self._open(row.conversation_id, row.status)
            conv.queue = row.queue
            conv.reached_human = row.had_human or row.status != "bot"
            conv.reopen_count = row.reopen_count
            if row.status == "queued" and row.queued_at is not None:
                self._wait(conv, row.queued_at.timestamp())
            if row.status == "assigned" and row.assignee_id is not None:
                self._give(conv, row.assignee_id)
                if row.assigned_at is not None:
                    conv.handled_from = row.assigned_at.timestamp()
            if conv.status != "bot" and row.first_response_at is None:
                start = row.queued_at or row.assigned_at
                conv.response_from = start.timestamp() if start else None

    def set_agent_capacity(self, agent_id: str, capacity: int) -> None:
        self._agent(agent_id).capacity = max(1, capacity)

    # ---- events --------------------------------------------------------------------------

    def apply(self, event: Any) -> bool:
        """Folds one event in; False when the event does not concern the board."""
        handler = self._handlers.get(event.name)
        if handler is None:
            return False
        self.events_seen += 1
        handler(event, event.occurred_at.timestamp())
        return True

    def _created(self, event: Any, at: float) -> None:
        self._open(event.conversation_id, event.status)
        self.created.add(at)
        self.trend_created.add(at)

    def _message(self, event: Any, at: float) -> None:
        if event.internal:
            return  # notes are not conversation traffic
        sender = event.sender
        self.messages.add(at, sender)
        self.trend_messages.add(at)
        if sender == "customer":
            texts = self.texts
            texts[event.message_id] = event.text
            if len(texts) > SAMPLE_TEXTS:
                texts.popitem(last=False)
        elif sender == "agent":
            conv = self.conversations.get(event.conversation_id)
            # Only a person's reply stops the first-response clock; bot replies never do.
            if conv is not None and conv.response_from is not None:
                self.first_response.add(at, max(0.0, at - conv.response_from))
                conv.response_from = None

    def _handed_over(self, event: Any, at: float) -> None:
        self.handovers.add(at, event.reason)
        self.trend_handovers.add(at)

    def _queued(self, event: Any, at: float) -> None:
        conv = self._open(event.conversation_id, event.status)
        conv.queue = event.queue
        conv.reached_human = True
        self._release(conv)
        self._wait(conv, at)
        # Back in a queue, the first-response clock starts again (as in the SLA timers).
        conv.response_from = at
        conv.handled_from = None

    def _assigned(self, event: Any, at: float) -> None:
        conv = self._open(event.conversation_id, None)
        if conv.queued_at is not None:
            self.waits.add(at, max(0.0, at - conv.queued_at))
            self.queue_exits.add(at, "answered")
            self._unwait(conv)
        elif conv.response_from is None and not conv.reached_human:
            conv.response_from = at  # an agent stepped in without a queue
        conv.reached_human = True
        if conv.handled_from is None:
            conv.handled_from = at
        self._give(conv, event.agent_id)
        self._set_status(conv, event.status)

    def _transferred(self, event: Any, at: float) -> None:
        self.transfers.add(at)
        conv = self._open(event.conversation_id, event.status)
        if event.to_agent_id is None:
            self._release(conv)
            if event.to_queue is None:
                conv.handled_from = None  # handed back to the bot
                conv.response_from = None
        self._set_status(conv, event.status)

    def _resolved(self, event: Any, at: float) -> None:
        conv = self.conversations.get(event.conversation_id)
        if conv is None:
            return
        if conv.handled_from is not None and conv.status == "assigned":
            self.handling.add(at, max(0.0, at - conv.handled_from))
        self._close(conv, at, resolved=True)

    def _abandoned(self, event: Any, at: float) -> None:
        conv = self.conversations.get(event.conversation_id)
        if conv is None:
            return
        if event.previous_status == "queued":
            self.queue_exits.add(at, "abandoned")
        self._close(conv, at, resolved=False)

    def _reopened(self, event: Any, at: float) -> None:
        self.reopens.add(at)
        conv = self._open(event.conversation_id, event.status)
        conv.reopen_count = event.reopen_count

    def _overflowed(self, event: Any, at: float) -> None:
        self.overflows.add(at, event.action)

    def _callback(self, event: Any, at: float) -> None:
        self.callbacks.add(at)

    def _presence(self, event: Any, at: float) -> None:
        self._agent(event.agent_id).presence = event.presence

    def _sla(self, event: Any, at: float) -> None:
        self.sla.add(at, event.name.removeprefix("sla."))

    def _analysed(self, event: Any, at: float) -> None:
        intent = getattr(event, "intent", None) or "unknown"
        self.intents.add(at, intent)
        category = getattr(event, "category", None)
        if category:
            self.categories.add(at, category)
        index = getattr(event, "emotion_index", None)
        if index is None:
            return
        negative = index <= NEGATIVE_MAX_INDEX
        self.emotion.add(at, float(index))
        self.negative_messages.add(at, 1.0 if negative else 0.0)
        conv = self.conversations.get(event.conversation_id)
        if conv is not None:
            self._set_negative(conv, negative)

    def _bot_turn(self, event: Any, at: float) -> None:
        outcome = getattr(event, "outcome", None) or "unknown"
        self.bot_turns.add(at, outcome)
        conv = self.conversations.get(event.conversation_id)
        answered = outcome == "flow_done" or (outcome == "answered" and event.knowledge_id)
        if conv is not None and answered:
            conv.bot_answered = True

    def _rated(self, event: Any, at: float) -> None:
        score = float(event.score)
        self.csat.add(at, score)
        self.csat_satisfied.add(at, 1.0 if score >= 4 else 0.0)

    # ---- state helpers -------------------------------------------------------------------

    def _open(self, conversation_id: str, status: str | None) -> OpenConversation:
        conv = self.conversations.get(conversation_id)
        if conv is None:
            conv = OpenConversation(id=conversation_id, status="bot")
            self.conversations[conversation_id] = conv
            self.status_counts["bot"] += 1
        if status is not None:
            self._set_status(conv, status)
        return conv

    def _set_status(self, conv: OpenConversation, status: str) -> None:
        if status == conv.status or status not in OPEN:
            return
        self.status_counts[conv.status] -= 1
        self.status_counts[status] += 1
        if conv.status == "queued":
            self._unwait(conv)  # left the queue by a path that is not an assignment
        conv.status = status

    def _wait(self, conv: OpenConversation, at: float) -> None:
        self._unwait(conv)
        conv.queued_at = at
        conv.waiting_in = conv.queue
        self.waiting.setdefault(conv.queue, Waiting()).add(conv.id, at)
        self.waiting_since_total += at

    def _unwait(self, conv: OpenConversation) -> None:
        if conv.queued_at is None:
            return
        if conv.waiting_in is not None:
            self.waiting[conv.waiting_in].remove(conv.id)
        self.waiting_since_total -= conv.queued_at
        conv.queued_at = None
        conv.waiting_in = None

    def _give(self, conv: OpenConversation, agent_id: str) -> None:
        if conv.assignee == agent_id:
            return
        self._release(conv)
        conv.assignee = agent_id
        self._agent(agent_id).load += 1

    def _release(self, conv: OpenConversation) -> None:
        if conv.assignee is not None:
            agent = self._agent(conv.assignee)
            agent.load = max(0, agent.load - 1)
            conv.assignee = None

    def _set_negative(self, conv: OpenConversation, negative: bool) -> None:
        if conv.negative is None:
            self.rated_open += 1
        elif conv.negative:
            self.negative_open -= 1
        conv.negative = negative
        if negative:
            self.negative_open += 1

    def _close(self, conv: OpenConversation, at: float, *, resolved: bool) -> None:
        self._unwait(conv)
        self._release(conv)
        if conv.negative is not None:
            self.rated_open -= 1
            if conv.negative:
                self.negative_open -= 1
        self.status_counts[conv.status] -= 1
        del self.conversations[conv.id]
        closed = self.closed
        closed.add(at, "closed")
        closed.add(at, "resolved" if resolved else "abandoned")
        if conv.reached_human:
            closed.add(at, "human")
        else:
            closed.add(at, "self_service")
            # A customer who read the bot's answer and left is the bot's resolution, not an
            # abandonment (provisional here; insight confirms it after its quiet window).
            if resolved or conv.bot_answered:
                closed.add(at, "bot_resolved")
        if conv.reopen_count:
            closed.add(at, "reclosed")

    def _agent(self, agent_id: str) -> AgentState:
        agent = self.agents.get(agent_id)
        if agent is None:
            agent = self.agents[agent_id] = AgentState()
        return agent

    # ---- reading -------------------------------------------------------------------------

    def sample_text(self, message_id: str) -> str | None:
        return self.texts.get(message_id)

    def longest_wait_s(self, now: float, queue: str | None = None) -> float:
        queues = [self.waiting.get(queue)] if queue is not None else list(self.waiting.values())
        oldest = [t for w in queues if w is not None for t in [w.oldest()] if t is not None]
        return round(max(0.0, now - min(oldest)), 1) if oldest else 0.0

    def record_trends(self, now: float) -> None:
        """Samples the gauges for the trend lines; called once a second by the service."""
        self.trend_waiting.set(now, self.status_counts["queued"])
        self.trend_active.set(now, sum(self.status_counts.values()))
        self.trend_longest_wait.set(now, self.longest_wait_s(now))

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """The board as its watchers see it (read in `kefu.ops.board_snapshot`)."""
        return board_snapshot(self, now)
