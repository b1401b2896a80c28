"""Ports the use cases depend on; adapters in `kefu.adapters` implement them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from kefu.domain.agent import Agent
from kefu.domain.callback import CallbackRequest
from kefu.domain.conversation import Conversation, Status
from kefu.domain.customer import Customer
from kefu.domain.events import DomainEvent
from kefu.domain.message import Message
from kefu.domain.tenancy import Account, Inbox
from kefu.services.handlers import EventHandler, HandlerTable

__all__ = ["EventHandler"]
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class AgentWorkload:
    assigned: int
    last_assigned_at: datetime | None


class EventBus(Protocol):
    """Delivers committed events to the handler table's lanes in this process and, if
    distributed, to other instances."""

    handlers: HandlerTable

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        """Events committed outside a unit of work (their queued jobs are stored here)."""
        ...

    async def deliver(self, events: Sequence[DomainEvent], *, wait: bool = True) -> None:
        """Events a unit of work committed (with their jobs) to the realtime lane."""
        ...

    def subscribe(self, handler: EventHandler) -> None:
        """`handlers.on()(handler)`: every event, in the realtime lane."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class TenancyRepository(Protocol):
    async def get_account(self, account_id: str) -> Account | None: ...

    async def add_account(self, account: Account) -> None: ...

    async def get_inbox(self, inbox_id: str) -> Inbox | None: ...

    async def find_inbox(self, account_id: str, channel: str) -> Inbox | None: ...

    async def add_inbox(self, inbox: Inbox) -> None: ...


class CustomerRepository(Protocol):
    async def add(self, customer: Customer) -> None: ...

    async def get(self, customer_id: str) -> Customer | None: ...

    async def get_many(self, ids: Sequence[str]) -> list[Customer]: ...

    async def get_by_external_id(self, account_id: str, external_id: str) -> Customer | None: ...

    async def update(self, customer: Customer) -> None: ...


class AgentRepository(Protocol):
    async def add(self, agent: Agent) -> None: ...

    async def get(self, agent_id: str, *, for_update: bool = False) -> Agent | None: ...

    async def get_by_email(self, email: str) -> Agent | None: ...

    async def list(self, account_id: str) -> list[Agent]: ...

    async def update(self, agent: Agent) -> None: ...


class ConversationRepository(Protocol):
    async def add(self, conversation: Conversation) -> None: ...

    async def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        """`for_update` locks the row until commit so that concurrent writers serialise."""
        ...

    async def get_many(self, ids: Sequence[str], *, for_update: bool = False) -> list[Conversation]:
        """Locks in id order, so that concurrent batches cannot deadlock each other."""
        ...

    async def update(self, conversation: Conversation) -> None: ...

    async def update_many(self, conversations: Sequence[Conversation]) -> None: ...

    async def list(
        self,
        account_id: str,
        *,
        statuses: Iterable[Status] | None = None,
        queues: Iterable[str] | None = None,
        assignee_id: str | None = None,
        limit: int = 100,
        queue_order: bool = False,
    ) -> list[Conversation]:
        """`queue_order`: most urgent first, then who waited longest (else latest activity)."""
        ...

    async def queue_position(self, conversation: Conversation) -> int:
        """1-based place in its queue: higher priority first, then who waited longest."""
        ...

    async def count_by_queue(self, account_id: str) -> dict[str, int]: ...

    async def workload(self, account_id: str) -> dict[str, AgentWorkload]:
        """Per agent id: conversations assigned now, and when the latest was assigned."""
        ...


class MessageRepository(Protocol):
    async def add_many(self, messages: Sequence[Message]) -> None: ...

    async def find_by_client_ids(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str | None], Message]:
        """Messages already stored under these (conversation_id, client_id) pairs."""
        ...

    async def get_by_client_id(self, conversation_id: str, client_id: str) -> Message | None: ...

    async def list_after(
        self,
        conversation_id: str,
        *,
        after: int = 0,
        limit: int = 500,
        include_internal: bool = False,
    ) -> list[Message]: ...


class QueueSettingsRepository(Protocol):
    async def get(self, account_id: str, name: str) -> dict[str, Any] | None: ...

    async def list(self, account_id: str) -> dict[str, dict[str, Any]]: ...

    async def put(
        self, account_id: str, name: str, config: dict[str, Any], now: datetime
    ) -> None: ...


class CallbackRepository(Protocol):
    async def add(self, callback: CallbackRequest) -> None: ...

    async def list(self, account_id: str, limit: int = 100) -> list[CallbackRequest]: ...


SlaKey = tuple[str, str, str, datetime]  # conversation_id, kind, target, scheduled_at


class SlaLedger(Protocol):
    """Which SLA events were already announced (by any instance)."""

    async def announced(self, conversation_ids: Sequence[str]) -> set[SlaKey]: ...

    async def claim(self, key: SlaKey, policy_id: str) -> bool:
        """Records the event; False when another instance already did."""
        ...


@dataclass(frozen=True, slots=True)
class Repository(Generic[R]):
    """Names a feature's repository so that it can join the unit of work:
    `uow.repository(CARDS)` is bound to the unit's transaction, so the feature's change, the
    core's changes and the events recorded commit together, once. Features declare the key
    (typed with their port); the composition root provides the implementation."""

    name: str


class UnitOfWork(Protocol):
    """One transaction. Events recorded in it are published only after it commits, and the
    jobs of their queued handlers are stored in it."""

    tenancy: TenancyRepository
    customers: CustomerRepository
    agents: AgentRepository
    conversations: ConversationRepository
    messages: MessageRepository
    sla: SlaLedger
    queues: QueueSettingsRepository
    callbacks: CallbackRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    def record(self, events: Iterable[DomainEvent]) -> None: ...

    def repository(self, key: Repository[R]) -> R:
        """The feature repository named `key`, in this unit's transaction."""
        ...


class DuplicateKey(Exception):
    """Raised by a repository when a unique constraint rejects a row."""


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """`read_only` units never commit; on SQLite they read beside the one writer
        instead of waiting for the write lock."""
        ...
