"""What the live board keeps per open conversation, agent and queue, and what it is seeded
with at start-up (the current state as stored)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime

OPEN = ("bot", "queued", "assigned")

AWAY = frozenset({"away", "on_break"})

NEGATIVE_MAX_INDEX = 2  # emotion index 1 very negative … 5 very positive


@dataclass(slots=True)
class OpenConversation:
    id: str
    status: str
    waiting_in: str | None = None  # the queue it waits in, if it waits
    queue: str = "general"
    queued_at: float | None = None
    assignee: str | None = None
    handled_from: float | None = None  # when a human first took it in this episode
    response_from: float | None = None  # first-response clock start; None once answered
    reached_human: bool = False  # queued or assigned at least once
    reopen_count: int = 0
    bot_answered: bool = False  # a knowledge answer or a finished flow (insight's definition)
    negative: bool | None = None  # last analysed customer message; None before any


@dataclass(slots=True)
class AgentState:
    presence: str = "offline"
    load: int = 0
    capacity: int = 5


@dataclass(frozen=True, slots=True)
class Seed:
    """An open conversation as stored, to rebuild the current state at start-up."""

    conversation_id: str
    status: str
    queue: str
    queued_at: datetime | None
    assignee_id: str | None
    assigned_at: datetime | None
    first_response_at: datetime | None
    had_human: bool
    reopen_count: int


@dataclass(frozen=True, slots=True)
class AgentSeed:
    agent_id: str
    presence: str
    capacity: int


class Waiting:
    """Conversations waiting in one queue, with the oldest found cheaply (a heap of
    `queued_at` with lazy deletion: an entry is stale once its conversation left or requeued)."""

    __slots__ = ("heap", "members")

    def __init__(self) -> None:
        self.members: dict[str, float] = {}
        self.heap: list[tuple[float, str]] = []

    def add(self, conversation_id: str, queued_at: float) -> None:
        self.members[conversation_id] = queued_at
        heapq.heappush(self.heap, (queued_at, conversation_id))
        if len(self.heap) > 64 and len(self.heap) > 4 * len(self.members):
            self.heap = [(t, c) for c, t in self.members.items()]
            heapq.heapify(self.heap)

    def remove(self, conversation_id: str) -> None:
        self.members.pop(conversation_id, None)

    def oldest(self) -> float | None:
        heap, members = self.heap, self.members
        while heap:
            queued_at, conversation_id = heap[0]
            if members.get(conversation_id) == queued_at:
                return queued_at
            heapq.heappop(heap)
        return None
