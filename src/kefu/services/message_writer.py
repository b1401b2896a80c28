"""Storing messages in batches: one transaction, a handful of statements, many messages.

Under load, requests that arrive while a batch is being written wait for the next one, so
the cost of a commit (and on SQLite, of the single write lock) is shared by everyone in it
("group commit"). Each message is still checked on its own: a missing conversation fails
only its own request, and a retried `client_id` returns the message stored the first time.
A message is acknowledged only after the transaction holding it committed.

A message may bring writes of its own (`NewMessage.joined`: the bot's turn record and
memory) and events (`before`, `after` its `message.created`): they commit in the message's
transaction, so a bot turn is one commit, and not at all when the message was stored
already (a retried `client_id`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from kefu.domain.clock import Clock
from kefu.domain.conversation import Conversation
from kefu.domain.errors import NotFound
from kefu.domain.events import DomainEvent, MessageCreated
from kefu.domain.ids import new_id
from kefu.domain.message import Message, Sender
from kefu.services.background import cancel
from kefu.services.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
MAX_BATCH = 256


@dataclass(frozen=True, slots=True)
class NewMessage:
    conversation_id: str
    sender: Sender
    text: str
    client_id: str | None = None
    author_id: str | None = None
    internal: bool = False
    payload: dict[str, Any] | None = None
    #: Writes in the message's transaction, after it is stored (it has its seq then).
    joined: Callable[[UnitOfWork, Message], Awaitable[None]] | None = None
    #: Events committed with the message, delivered before / after its `message.created`.
    before: tuple[DomainEvent, ...] = ()
    after: tuple[DomainEvent, ...] = ()


@dataclass(slots=True)
class _Outcome:
    message: Message | None = None
    error: Exception | None = None


async def write_batch(
    uow_factory: UnitOfWorkFactory, clock: Clock, batch: list[NewMessage]
) -> list[Message | Exception]:
    """Stores the batch in one transaction; returns, per request, its message or its error."""
    outcomes = [_Outcome() for _ in batch]
    async with uow_factory() as uow:
        ids = sorted({item.conversation_id for item in batch})
        conversations = {c.id: c for c in await uow.conversations.get_many(ids, for_update=True)}
        known = await uow.messages.find_by_client_ids(
            [(i.conversation_id, i.client_id) for i in batch if i.client_id is not None]
        )
        fresh: list[Message] = []
        joined: list[tuple[NewMessage, Message]] = []
        touched: dict[str, Conversation] = {}
        events: list[DomainEvent] = []
        now = clock()
        for item, outcome in zip(batch, outcomes, strict=True):
            conversation = conversations.get(item.conversation_id)
            if conversation is None:
                outcome.error = NotFound(f"no conversation {item.conversation_id}")
                continue
            key = (item.conversation_id, item.client_id)
            if item.client_id is not None and key in known:
                outcome.message = known[key]
                continue
            if item.sender is Sender.CUSTOMER and not conversation.is_open:
                conversation.reopen(now=now)
            message = Message(
                id=new_id(),
                conversation_id=conversation.id,
                seq=conversation.next_seq(),
                sender=item.sender,
                text=item.text,
                created_at=now,
                client_id=item.client_id,
                internal=item.internal,
                author_id=item.author_id,
                payload=item.payload,
                public_seq=None if item.internal else conversation.next_public_seq(),
            )
            conversation.updated_at = now
            if item.sender is Sender.AGENT and not item.internal:
                conversation.note_reply(now=now)
            if item.client_id is not None:
                known[key] = message  # the same client_id twice in one batch: stored once
            fresh.append(message)
            touched[conversation.id] = conversation
            outcome.message = message
            events.extend(item.before)
            events.extend(conversation.take_events())
            events.append(message_created(message, conversation))
            events.extend(item.after)
            if item.joined is not None:
                joined.append((item, message))
        if fresh:
            await uow.messages.add_many(fresh)
            await uow.conversations.update_many(list(touched.values()))
            for item, message in joined:
                assert item.joined is not None
                await item.joined(uow, message)
            uow.record(events)
            await uow.commit()
    return [
        o.message if o.message is not None else o.error or RuntimeError("lost") for o in outcomes
    ]


def message_created(message: Message, conversation: Conversation) -> MessageCreated:
    return MessageCreated(
        occurred_at=message.created_at,
        conversation_id=message.conversation_id,
        status=conversation.status.value,
        message_id=message.id,
        seq=message.seq,
        sender=message.sender.value,
        text=message.text,
        internal=message.internal,
        author_id=message.author_id,
        client_id=message.client_id,
        created_at=message.created_at,
        payload=message.payload,
        public_seq=message.public_seq,
    )


@dataclass(eq=False)
class MessageWriter:
    """Collects concurrent posts and hands them to `write_batch` together."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    max_batch: int = MAX_BATCH
    _queue: asyncio.Queue[tuple[NewMessage, asyncio.Future[Message]]] | None = field(
        default=None, init=False
    )
    _task: asyncio.Task[None] | None = field(default=None, init=False)

    async def submit(self, item: NewMessage) -> Message:
        if self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._run(), name="kefu-message-writer")
        assert self._queue is not None
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        await self._queue.put((item, future))
        return await future

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            pending = [await queue.get()]
            while len(pending) < self.max_batch and not queue.empty():
                pending.append(queue.get_nowait())
            await self._write(pending)

    async def _write(self, pending: list[tuple[NewMessage, asyncio.Future[Message]]]) -> None:
        results: list[Message | Exception]
        try:
            results = await write_batch(self.uow_factory, self.clock, [item for item, _ in pending])
        except Exception as exc:
            if len(pending) == 1:
                results = [exc]
            else:
                # Something in the batch broke the transaction: nothing of it was stored, so
                # each request is tried on its own and only the culprit fails.
                log.warning("batch of %d messages failed; retrying one by one", len(pending))
                for one in pending:
                    await self._write([one])
                return
        for (_, future), result in zip(pending, results, strict=True):
            if future.done():
                continue  # the request went away; its message is stored all the same
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
