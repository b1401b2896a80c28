"""The assignment policy: which agent gets which waiting conversation.

Eligible agents are online, have every skill the queue requires, speak the conversation's
language (the queue's, else the customer's) and have room for its channel's weight. Among
them the queue's strategy picks: least loaded (load / capacity, then longest idle) or
longest idle (longest since the last assignment, then least loaded); the agent id breaks
the last ties. An offline, away, on-break or full agent is never picked.

`choose_agent` answers for one conversation, either by scanning a list of agents (the
reference, O(agents)) or through a live `AgentIndex` (O(log agents)); both give the same
answer. `plan_assignments` hands out a whole queue backlog, most urgent first, and counts
each assignment against the agent's capacity before the next decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from kefu.routing.index import AgentIndex, agent_order_key
from kefu.routing.model import AgentState, Assignment, QueueConfig, WaitingItem
from kefu.routing.priority import DEFAULT_RULES, PriorityRules, in_priority_order


def eligible_agents(
    item: WaitingItem, agents: Iterable[AgentState], queue: QueueConfig
) -> list[AgentState]:
    return [agent for agent in agents if agent.can_take(item, queue)]


def choose_agent(
    item: WaitingItem,
    agents: Iterable[AgentState] | AgentIndex,
    queue: QueueConfig,
    now: datetime,
) -> AgentState | None:
    """The agent to offer `item` to, or None when nobody eligible has room.

    `now` is part of the contract so time-dependent strategies need no signature change;
    the current strategies read time only from the agents' `last_assigned_at`.
    """
    del now
    if isinstance(agents, AgentIndex):
        return agents.choose(item, queue)
    candidates = eligible_agents(item, agents, queue)
    if not candidates:
        return None
    return min(candidates, key=lambda agent: agent_order_key(agent, queue.strategy))


def plan_assignments(
    waiting: Iterable[WaitingItem],
    agents: Iterable[AgentState],
    queues: Mapping[str, QueueConfig],
    now: datetime,
    rules: PriorityRules = DEFAULT_RULES,
) -> list[Assignment]:
    """Assign the backlog, most urgent first, never past any agent's capacity.

    Conversations whose queue is not in `queues`, or for which nobody has room, stay
    waiting (they are simply absent from the result). The input agents are not changed;
    each assignment's `weight` is what the lead layer adds to that agent's load.
    """
    index = AgentIndex(agents)
    return assign_in_order(in_priority_order(waiting, rules), index, queues, now)


def assign_in_order(
    ordered: Iterable[WaitingItem],
    index: AgentIndex,
    queues: Mapping[str, QueueConfig],
    now: datetime,
) -> list[Assignment]:
    """Walk `ordered` and assign through the live `index`, updating its loads as it goes."""
    plan: list[Assignment] = []
    for item in ordered:
        queue = queues.get(item.queue)
        if queue is None:
            continue
        agent = index.choose(item, queue)
        if agent is None:
            continue
        index.assign(agent.agent_id, item.channel, now)
        plan.append(
            Assignment(
                conversation_id=item.conversation_id,
                agent_id=agent.agent_id,
                queue=queue.name,
                weight=agent.weight_for(item.channel),
            )
        )
    return plan
