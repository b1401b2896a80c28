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
    ConversationAssigned,
    ConversationEvent,
    ConversationHandedOver,
    ConversationResolved,
    ConversationTransferred,
    DomainEvent,
    SlaEvent,
)

QUEUE_LIMIT = 1000
# Events every connected member of the team receives (a knowledge pack during an incident).
TEAM_BROADCASTS = frozenset({"knowledge_pack.published"})
QUEUE_MOVES = frozenset(
    {
        "conversation.queued",
        "conversation.assigned",
        "conversation.transferred",
        "conversation.abandoned",
        "conversation.resolved",
        "conversation.overflowed",
    }
)


@dataclass(eq=False)
class Subscription:
    queue: asyncio.Queue[DomainEvent] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_LIMIT)
    )
    overflowed: bool = False

    def push(self, event: DomainEvent) -> None:
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


def _leaves(agent_id: str, event: ConversationEvent) -> bool:
    """The conversation stops being this agent's: transferred away or resolved."""
    if isinstance(event, ConversationTransferred):
        return event.from_agent_id == agent_id
    return isinstance(event, ConversationResolved) and event.agent_id == agent_id


class Hub:
    def __init__(self) -> None:
        self._by_conversation: dict[str, set[Subscription]] = defaultdict(set)
        self._agents: set[AgentSubscription] = set()

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
        if isinstance(event, ConversationEvent):
            if event.name in QUEUE_MOVES:
                # Someone joined or left a queue: every waiting customer may have moved up.
                for subscribers in tuple(self._by_conversation.values()):
                    for subscription in tuple(subscribers):
                        subscription.push(event)
            else:
                for subscription in tuple(self._by_conversation.get(event.conversation_id, ())):
                    subscription.push(event)
        for agent_subscription in tuple(self._agents):
            agent_subscription.track(event)
            if agent_subscription.wants(event):
                agent_subscription.push(event)
