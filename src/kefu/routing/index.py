"""The live agent state, indexed so that picking an agent does not scan every agent.

Agents are grouped into pools, one per (required skills, language, strategy) that some
queue has asked for. A new pool intersects the per-skill and per-language sets of agent
ids instead of scanning everyone, and is kept up to date from then on. Each pool is a heap
of (key, agent id) ordered by the strategy's `agent_order_key`; only online agents with
some free capacity are in it, so full and offline agents cost nothing.

Keys are maintained lazily. An assignment only ever makes an agent's key larger (more
load, a later last assignment), so `assign` pushes nothing: when an entry reaches the top
of a heap its key is recomputed, and an entry that has become too small is pushed back
with the current key. Only changes that can make a key smaller (a release, an update, an
assignment with a clock that went backwards) push fresh entries at once. Entries of agents
who left, went offline or filled up are dropped as they surface, and a heap that has
collected too many of them is rebuilt.

A pool also remembers the channels for which it had nobody with room. Because assignments
only remove room, that stays true until an agent of the pool is released or updated, so a
full queue answers "nobody" in O(1). A decision is therefore O(log n) amortised with
uniform channel weights; with per-channel weights an agent at the top may lack room for
a heavy channel and is set aside for that one decision.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from kefu.domain.errors import InvalidInput, NotFound
from kefu.routing.model import (
    CAPACITY_EPSILON,
    AgentState,
    Presence,
    QueueConfig,
    Strategy,
    WaitingItem,
)

OrderKey = tuple[float, float, str]
PoolKey = tuple[frozenset[str], str | None, Strategy]
_Entry = tuple[OrderKey, str]


def agent_order_key(agent: AgentState, strategy: Strategy) -> OrderKey:
    """Smaller is picked first. Ties end on the agent id, so every choice is deterministic."""
    ratio = agent.load / agent.max_concurrent if agent.max_concurrent > 0 else math.inf
    idle = agent.last_assigned_at.timestamp() if agent.last_assigned_at else -math.inf
    if strategy is Strategy.LEAST_LOADED:
        return (ratio, idle, agent.agent_id)
    return (idle, ratio, agent.agent_id)


def _has_room(agent: AgentState) -> bool:
    return agent.presence is Presence.ONLINE and agent.free_capacity > CAPACITY_EPSILON


@dataclass(slots=True)
class _Pool:
    skills: frozenset[str]
    language: str | None
    strategy: Strategy
    members: set[str] = field(default_factory=set)
    heap: list[_Entry] = field(default_factory=list)
    full_for: set[str] = field(default_factory=set)  # channels nobody here has room for

    def push(self, agent: AgentState) -> None:
        heapq.heappush(self.heap, (agent_order_key(agent, self.strategy), agent.agent_id))


class AgentIndex:
    """Mutable live state: `choose` reads, `assign`/`release`/`upsert`/`remove` write."""

    def __init__(self, agents: Iterable[AgentState] = ()) -> None:
        self._agents: dict[str, AgentState] = {}
        self._pools: dict[PoolKey, _Pool] = {}
        self._pools_of: dict[str, list[_Pool]] = {}
        # skill or language → agent ids: a new pool intersects these instead of scanning
        self._by_skill: defaultdict[str, set[str]] = defaultdict(set)
        self._by_language: defaultdict[str, set[str]] = defaultdict(set)
        for agent in agents:
            if agent.agent_id in self._agents:
                raise InvalidInput(f"agent {agent.agent_id} appears twice")
            self._agents[agent.agent_id] = agent
            self._pools_of[agent.agent_id] = []
            self._index_attributes(agent, add=True)

    def __len__(self) -> int:
        return len(self._agents)

    def __iter__(self) -> Iterator[AgentState]:
        return iter(self._agents.values())

    def get(self, agent_id: str) -> AgentState | None:
        return self._agents.get(agent_id)

    def choose(self, item: WaitingItem, queue: QueueConfig) -> AgentState | None:
        """The agent the queue's strategy picks for `item`, or None. Changes no agent."""
        if not queue.accepts(item.channel):
            return None
        pool = self._pool(queue.skills, queue.language_for(item), queue.strategy)
        channel = item.channel
        if channel in pool.full_for:
            return None
        heap, agents, members, strategy = pool.heap, self._agents, pool.members, pool.strategy
        aside: list[_Entry] = []
        chosen: AgentState | None = None
        while heap:
            key, agent_id = heap[0]
            agent = agents.get(agent_id)
            if agent is None or agent_id not in members or not _has_room(agent):
                heapq.heappop(heap)  # left, moved on, went offline or filled up
                continue
            current = agent_order_key(agent, strategy)
            if current > key:  # the agent got busier since: re-key the entry
                heapq.heapreplace(heap, (current, agent_id))
                continue
            if current < key:  # a leftover: a fresher, smaller entry exists for the agent
                heapq.heappop(heap)
                continue
            if agent.fits(channel):
                chosen = agent
                break
            aside.append(heapq.heappop(heap))
        for entry in aside:
            heapq.heappush(heap, entry)
        if chosen is None:
            pool.full_for.add(channel)
        return chosen

    def assign(self, agent_id: str, channel: str, now: datetime) -> AgentState:
        agent = self._require(agent_id)
        if not agent.fits(channel):
            raise InvalidInput(
                f"agent {agent_id} cannot take a {channel} conversation: expected an online "
                f"agent with room, got {agent.presence.value} at load {agent.load:g}"
                f"/{agent.max_concurrent:g}"
            )
        updated = agent.with_assignment(channel, now)
        self._agents[agent_id] = updated
        if agent.last_assigned_at is not None and now < agent.last_assigned_at:
            self._refresh(updated, freed=False)  # the clock went back: its key got smaller
        return updated

    def release(self, agent_id: str, channel: str) -> AgentState:
        """A conversation of `agent_id` on `channel` ended or was transferred away."""
        updated = self._require(agent_id).with_release(channel)
        self._agents[agent_id] = updated
        self._refresh(updated, freed=True)
        return updated

    def upsert(self, agent: AgentState) -> None:
        """A new agent, or a change of presence, skills, languages, capacity or load."""
        agent_id = agent.agent_id
        previous = self._agents.get(agent_id)
        self._agents[agent_id] = agent
        if previous is None or (previous.skills, previous.languages) != (
            agent.skills,
            agent.languages,
        ):
            if previous is not None:
                self._index_attributes(previous, add=False)
            self._index_attributes(agent, add=True)
            for pool in self._pools_of.get(agent_id, []):
                pool.members.discard(agent_id)
            pools = [p for p in self._pools.values() if agent.serves(p.skills, p.language)]
            for pool in pools:
                pool.members.add(agent_id)
            self._pools_of[agent_id] = pools
        self._refresh(agent, freed=True)

    def remove(self, agent_id: str) -> None:
        self._index_attributes(self._require(agent_id), add=False)
        for pool in self._pools_of.pop(agent_id):
            pool.members.discard(agent_id)
        del self._agents[agent_id]

    def _index_attributes(self, agent: AgentState, *, add: bool) -> None:
        buckets = [self._by_skill[s] for s in agent.skills]
        buckets += [self._by_language[lang] for lang in agent.languages]
        for bucket in buckets:
            if add:
                bucket.add(agent.agent_id)
            else:
                bucket.discard(agent.agent_id)

    def _require(self, agent_id: str) -> AgentState:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise NotFound(f"agent {agent_id} is not known to routing")
        return agent

    def _refresh(self, agent: AgentState, *, freed: bool) -> None:
        """Push the agent's current key into each of its pools (its key may have shrunk)."""
        room = _has_room(agent)
        for pool in self._pools_of[agent.agent_id]:
            if freed:
                pool.full_for.clear()
            if room:
                pool.push(agent)
            if len(pool.heap) > 4 * len(pool.members) + 64:
                self._rebuild(pool)

    def _pool(self, skills: frozenset[str], language: str | None, strategy: Strategy) -> _Pool:
        key = (skills, language, strategy)
        pool = self._pools.get(key)
        if pool is None:
            pool = _Pool(skills, language, strategy)
            buckets = [self._by_skill.get(skill, set()) for skill in skills]
            if language is not None:
                buckets.append(self._by_language.get(language, set()))
            pool.members = set.intersection(*buckets) if buckets else set(self._agents)
            for agent_id in pool.members:
                self._pools_of[agent_id].append(pool)
            self._rebuild(pool)
            self._pools[key] = pool
        return pool

    def _rebuild(self, pool: _Pool) -> None:
        agents, strategy = self._agents, pool.strategy
        pool.heap = [
            (agent_order_key(agents[a], strategy), a) for a in pool.members if _has_room(agents[a])
        ]
        heapq.heapify(pool.heap)
