"""Fan-out of committed events to the WebSocket clients connected to this instance.

Each connection owns a bounded queue. A client too slow to drain it is disconnected rather
than allowed to grow memory without limit; it reconnects with `after=<seq>` and misses nothing.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from kefu.domain.agent import Agent
from kefu.domain.events import (
    AgentPresenceChanged,
    AgentSignedOut,
    ConversationAssigned,
    ConversationEvent,
    ConversationHandedOver,
    ConversationResolved,
    ConversationTransferred,
    DomainEvent,
    SlaEvent,
)
from kefu.routing.line import Moved
from kefu.web.positions import QueuePositions

QUEUE_LIMIT = 1000
# Events every connected member of the team receives (a knowledge pack during an incident).
TEAM_BROADCASTS = frozenset({"knowledge_pack.published"})
Item = DomainEvent | Moved


@dataclass(eq=False)
class Subscription:
    queue: asyncio.Queue[Item] = field(default_factory=lambda: asyncio.Queue(maxsize=QUEUE_LIMIT))
    overflowed: bool = False

    def push(self, event: Item) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True


@dataclass(eq=False)
class AgentSubscription(Subscription):
    """What an agent's live stream carries: their own conversations (also ones they chose to
    watch), new work in the queues they may see, and presence changes of the team."""

    agent: Agent | None = None
    watching: set[str] = field(default_factory=set)

    def wants(self, event: DomainEvent) -> bool:
        agent = self.agent
        assert agent is not None
        if (
            isinstance(event, AgentPresenceChanged)
            or agent.sees_everything
            or event.name in TEAM_BROADCASTS
        ):
            return True
        if isinstance(event, SlaEvent):
            # The agent handling it is warned; supervisors (above) see every escalation.
            return event.conversation_id in self.watching
        if not isinstance(event, ConversationEvent):
            return False
        if event.conversation_id in self.watching:
            return True
        if isinstance(event, ConversationTransferred):
            return agent.id in (event.from_agent_id, event.to_agent_id)
        if isinstance(event, ConversationHandedOver):
            return agent.can_see_queue(event.queue)
        return False

    def track(self, event: DomainEvent) -> None:
        agent = self.agent
        assert agent is not None
        if isinstance(event, ConversationAssigned) and event.agent_id == agent.id:
            self.watching.add(event.conversation_id)
        elif isinstance(event, ConversationEvent) and _leaves(agent.id, event):
            self.watching.discard(event.conversation_id)


@dataclass(eq=False)
class AgentSession:
    """An open stream (agent or board) of one agent token: `ended` is set, on every
    instance, once that token stops working (password changed, account deactivated)."""

    agent_id: str
    token_version: int
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = ""

    def end_if_revoked(self, event: AgentSignedOut) -> None:
        if event.agent_id == self.agent_id and self.token_version < event.token_version:
            self.reason = event.reason
            self.ended.set()


def _leaves(agent_id: str, event: ConversationEvent) -> bool:
    """The conversation stops being this agent's: transferred away or resolved."""
    if isinstance(event, ConversationTransferred):
        return event.from_agent_id == agent_id
    return isinstance(event, ConversationResolved) and event.agent_id == agent_id


class Hub:
    def __init__(self) -> None:
        self._by_conversation: dict[str, set[Subscription]] = defaultdict(set)
        self._agents: set[AgentSubscription] = set()
        self._sessions: set[AgentSession] = set()
        self.positions = QueuePositions()

    @property
    def connections(self) -> int:
        return sum(len(s) for s in self._by_conversation.values()) + len(self._agents)

    def watch_conversation(self, conversation_id: str) -> Subscription:
        subscription = Subscription()
        self._by_conversation[conversation_id].add(subscription)
        return subscription

    def watch_as_agent(self, agent: Agent, conversations: set[str]) -> AgentSubscription:
        subscription = AgentSubscription(agent=agent, watching=set(conversations))
        self._agents.add(subscription)
        return subscription

    def open_session(self, agent_id: str, token_version: int) -> AgentSession:
        """Registered before the token is checked against the database: a revocation that
        lands in between is seen either by that check or by this session."""
        session = AgentSession(agent_id, token_version)
        self._sessions.add(session)
        return session

    def close_session(self, session: AgentSession) -> None:
        self._sessions.discard(session)

    def leave(self, subscription: Subscription, conversation_id: str | None = None) -> None:
        if isinstance(subscription, AgentSubscription):
            self._agents.discard(subscription)
        elif conversation_id is not None:
            subscribers = self._by_conversation.get(conversation_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_conversation[conversation_id]

    async def on_event(self, event: DomainEvent) -> None:
        if isinstance(event, AgentSignedOut):
            for session in tuple(self._sessions):
                session.end_if_revoked(event)
        if isinstance(event, ConversationEvent):
            by_conversation = self._by_conversation
            for subscription in tuple(by_conversation.get(event.conversation_id, ())):
                subscription.push(event)
            # Someone joined or left a queue: only the customers behind that point moved, and
            # each is told its new place, computed once here.
            for moved in self.positions.on_event(event):
                for subscription in tuple(by_conversation.get(moved.conversation_id, ())):
                    subscription.push(moved)
        for agent_subscription in tuple(self._agents):
            agent_subscription.track(event)
            if agent_subscription.wants(event):
                agent_subscription.push(event)
