"""The conversation aggregate and its explicit state machine.

    bot ──hand_over──▶ queued ──assign──▶ assigned ──resolve──▶ resolved
     │                  ▲  │                │  ▲                   │
     │                  │  └──abandon──▶ abandoned   transfer      │
     └──assign (an agent steps in) ─────────┘                     reopen
    resolved / abandoned ──reopen──▶ bot (never had a human) or queued (had one)

Every change of state goes through one method here, which checks the transition and records
a domain event; services persist the aggregate and publish the events after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kefu.domain import events as ev
from kefu.domain.errors import InvalidInput, InvalidTransition

MAX_PRIORITY = 100
MAX_NAME_LENGTH = 64


class Status(StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    ABANDONED = "abandoned"


OPEN_STATUSES = frozenset({Status.BOT, Status.QUEUED, Status.ASSIGNED})

# action -> statuses it may start from
_ALLOWED_FROM: dict[str, frozenset[Status]] = {
    "hand_over": frozenset({Status.BOT}),
    "assign": frozenset({Status.BOT, Status.QUEUED}),
    "transfer_to_agent": frozenset({Status.ASSIGNED}),
    "transfer_to_queue": frozenset({Status.ASSIGNED}),
    "resolve": frozenset(OPEN_STATUSES),
    "abandon": frozenset({Status.BOT, Status.QUEUED}),
    "reopen": frozenset({Status.RESOLVED, Status.ABANDONED}),
    "book_callback": frozenset({Status.QUEUED}),
    "hand_back": frozenset({Status.QUEUED, Status.ASSIGNED}),
}


def check_name(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_NAME_LENGTH:
        raise InvalidInput(f"{what} must be 1 to {MAX_NAME_LENGTH} characters")
    return value


def check_priority(priority: int) -> int:
    if not 0 <= priority <= MAX_PRIORITY:
        raise InvalidInput(f"priority must be between 0 and {MAX_PRIORITY}, got {priority}")
    return priority


@dataclass(slots=True)
class Conversation:
    id: str
    account_id: str
    inbox_id: str
    customer_id: str
    channel: str
    created_at: datetime
    updated_at: datetime
    status: Status = Status.BOT
    language: str = "zh"
    entry_point: str | None = None
    queue: str = "general"
    priority: int = 0
    assignee_id: str | None = None
    handover_reason: str | None = None
    tags: list[str] = field(default_factory=list)
    queued_at: datetime | None = None
    assigned_at: datetime | None = None
    resolved_at: datetime | None = None
    first_response_at: datetime | None = None
    overflow_offer: str | None = None
    emotion: str | None = None
    last_seq: int = 0
    last_public_seq: int = 0
    reopen_count: int = 0
    had_human: bool = False
    pending_events: list[ev.DomainEvent] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        *,
        id: str,
        account_id: str,
        inbox_id: str,
        customer_id: str,
        channel: str,
        language: str,
        entry_point: str | None,
        now: datetime,
    ) -> Conversation:
        conversation = cls(
            id=id,
            account_id=account_id,
            inbox_id=inbox_id,
            customer_id=customer_id,
            channel=channel,
            created_at=now,
            updated_at=now,
            language=language,
            entry_point=entry_point,
        )
        conversation._record(
            ev.ConversationCreated(
                occurred_at=now,
                conversation_id=id,
                status=conversation.status,
                account_id=account_id,
                inbox_id=inbox_id,
                customer_id=customer_id,
                channel=channel,
                entry_point=entry_point,
                language=language,
            )
        )
        return conversation

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def hand_over(self, *, reason: str, queue: str, priority: int, now: datetime) -> None:
        self._check("hand_over")
        self.handover_reason = check_name(reason, "reason")
        self.queue = check_name(queue, "queue")
        self.priority = max(self.priority, check_priority(priority))
        self._move(Status.QUEUED, now)
        self._restart_clocks(now)
        self._record(
            ev.ConversationHandedOver(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                reason=self.handover_reason,
                queue=self.queue,
                priority=self.priority,
            )
        )
        self._record_queued(now)

    def assign(self, agent_id: str, *, now: datetime) -> None:
        self._check("assign")
        previous = self.assignee_id
        self._give_to(agent_id, now)
        self._record_assigned(previous, now)

    def transfer_to_agent(self, agent_id: str, *, note: str | None, now: datetime) -> None:
        self._check("transfer_to_agent")
        if agent_id == self.assignee_id:
            raise InvalidTransition("the conversation is already assigned to that agent")
        previous = self.assignee_id
        self._give_to(agent_id, now)
        self._record_transfer(previous, agent_id, None, note, now)
        self._record_assigned(previous, now)

    def transfer_to_queue(self, queue: str, *, note: str | None, now: datetime) -> None:
        self._check("transfer_to_queue")
        previous = self.assignee_id
        self.queue = check_name(queue, "queue")
        self.assignee_id = None
        self._move(Status.QUEUED, now)
        self._restart_clocks(now)
        self._record_transfer(previous, None, self.queue, note, now)
        self._record_queued(now)

    def hand_back(self, *, note: str | None, now: datetime) -> None:
        """An agent gives the conversation back to the bot (the customer's remaining
        questions are ones it can answer); the bot may speak again."""
        self._check("hand_back")
        previous = self.assignee_id
        self.assignee_id = None
        self.overflow_offer = None
        self._move(Status.BOT, now)
        self._record_transfer(previous, None, None, note, now)

    def resolve(self, *, by: str, now: datetime) -> None:
        """`by` is "bot", "customer" or the id of the agent who resolved it."""
        self._check("resolve")
        self._move(Status.RESOLVED, now)
        self.resolved_at = now
        self._record(
            ev.ConversationResolved(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                resolved_by=by,
                agent_id=self.assignee_id,
            )
        )

    def abandon(self, *, now: datetime) -> None:
        self._check("abandon")
        previous = self.status
        self._move(Status.ABANDONED, now)
        self._record(
            ev.ConversationAbandoned(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                previous_status=previous,
            )
        )

    def reopen(self, *, now: datetime) -> None:
        """A customer writing into a closed conversation brings it back.

        Someone who was already helped by a human expects a human again, so such a
        conversation goes straight back to the queue instead of to the bot.
        """
        self._check("reopen")
        self.reopen_count += 1
        self.resolved_at = None
        self.assignee_id = None
        if self.had_human:
            self._move(Status.QUEUED, now)
            self._restart_clocks(now)
        else:
            self._move(Status.BOT, now)
        self._record(
            ev.ConversationReopened(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                reopen_count=self.reopen_count,
            )
        )
        if self.status is Status.QUEUED:
            self._record_queued(now)

    def overflow(
        self,
        *,
        action: str,
        reason: str,
        to_queue: str | None,
        opens_at: datetime | None,
        now: datetime,
    ) -> None:
        """Records what the customer was offered instead of (or besides) waiting; a spill
        over moves the conversation to `to_queue`."""
        from_queue = self.queue
        if to_queue is not None and self.status is Status.QUEUED:
            self.queue = check_name(to_queue, "queue")
        else:
            self.overflow_offer = action
        self.updated_at = now
        self._record(
            ev.ConversationOverflowed(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                action=action,
                reason=reason,
                from_queue=from_queue,
                to_queue=to_queue,
                opens_at=opens_at,
            )
        )
        if self.queue != from_queue:
            self._record_queued(now)

    def book_callback(
        self, callback_id: str, *, queue: str, preferred_time: str | None, now: datetime
    ) -> None:
        """The customer leaves a number instead of waiting: the conversation waits in the
        callback queue, where agents who call back pick it up."""
        self._check("book_callback")
        self.queue = check_name(queue, "queue")
        self.overflow_offer = None
        self.updated_at = now
        self._record(
            ev.CallbackBooked(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                callback_id=callback_id,
                queue=self.queue,
                preferred_time=preferred_time,
            )
        )
        self._record_queued(now)

    def _record_queued(self, now: datetime) -> None:
        self._record(
            ev.ConversationQueued(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                queue=self.queue,
                priority=self.priority,
            )
        )

    def _restart_clocks(self, now: datetime) -> None:
        """Back in a queue: waiting and the service-level clocks count from now."""
        self.queued_at = now
        self.first_response_at = None

    def note_reply(self, *, now: datetime) -> None:
        """A human agent answered the customer; the first time stops the first-response
        clock (bot replies and internal notes do not count)."""
        if self.first_response_at is None:
            self.first_response_at = now

    def next_seq(self) -> int:
        self.last_seq += 1
        return self.last_seq

    def next_public_seq(self) -> int:
        """The next number in the customer's sequence (messages they can see)."""
        self.last_public_seq += 1
        return self.last_public_seq

    def take_events(self) -> list[ev.DomainEvent]:
        taken, self.pending_events = self.pending_events, []
        return taken

    def _give_to(self, agent_id: str, now: datetime) -> None:
        self.assignee_id = agent_id
        self.assigned_at = now
        self.had_human = True
        self._move(Status.ASSIGNED, now)

    def _record_assigned(self, previous: str | None, now: datetime) -> None:
        assert self.assignee_id is not None
        self._record(
            ev.ConversationAssigned(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                agent_id=self.assignee_id,
                previous_agent_id=previous,
                queue=self.queue,
            )
        )

    def _record_transfer(
        self,
        from_agent: str | None,
        to_agent: str | None,
        to_queue: str | None,
        note: str | None,
        now: datetime,
    ) -> None:
        self._record(
            ev.ConversationTransferred(
                occurred_at=now,
                conversation_id=self.id,
                status=self.status,
                from_agent_id=from_agent,
                to_agent_id=to_agent,
                to_queue=to_queue,
                note=note,
            )
        )

    def _check(self, action: str) -> None:
        allowed = _ALLOWED_FROM[action]
        if self.status not in allowed:
            expected = " or ".join(sorted(s.value for s in allowed))
            raise InvalidTransition(
                f"cannot {action.replace('_', ' ')} a conversation that is {self.status.value}; "
                f"expected {expected}"
            )

    def _move(self, status: Status, now: datetime) -> None:
        self.status = status
        self.updated_at = now

    def _record(self, event: ev.DomainEvent) -> None:
        self.pending_events.append(event)
