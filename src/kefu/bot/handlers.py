"""Reactions to events: a customer message -> a bot turn; a new conversation -> a greeting.

Turns run off the publisher's path (the message writer), one at a time per conversation,
in order. Replies use the customer message's seq as their `client_id`, so a redelivered
event cannot make the bot answer twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import timedelta

from kefu.bot.actions import BotActions
from kefu.bot.ports import BotStore
from kefu.domain.clock import Clock
from kefu.domain.conversation import Status
from kefu.domain.events import ConversationCreated, DomainEvent, MessageCreated

log = logging.getLogger(__name__)


class BotHandlers:
    def __init__(self, actions: BotActions, store: BotStore, clock: Clock) -> None:
        self.actions = actions
        self.store = store
        self.clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def on_event(self, event: DomainEvent) -> None:
        if isinstance(event, MessageCreated) and event.sender == "customer" and not event.internal:
            self._spawn(event.conversation_id, self.actions.take_turn(event))
        elif isinstance(event, ConversationCreated):
            self._spawn(event.conversation_id, self.actions.greet(event.conversation_id))

    def _spawn(self, conversation_id: str, work: Awaitable[None]) -> None:
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())

        async def run() -> None:
            async with lock:
                try:
                    await work
                except Exception:
                    log.exception("bot turn failed", extra={"conversation_id": conversation_id})
            if not lock.locked() and not lock._waiters:
                self._locks.pop(conversation_id, None)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def catch_up(self, within: timedelta = timedelta(hours=1)) -> int:
        """Answers customer messages stored while no bot was running (a crash between the
        message and the reply); returns how many it picked up."""
        rows = await self.store.unanswered(self.clock() - within)
        for row in rows:
            event = MessageCreated(
                occurred_at=row["created_at"],
                conversation_id=row["conversation_id"],
                status=Status.BOT.value,
                message_id=row["id"],
                seq=row["seq"],
                sender=row["sender"],
                text=row["text"],
                internal=row["internal"],
                author_id=row["author_id"],
                client_id=row["client_id"],
                created_at=row["created_at"],
                payload=row["payload"],
            )
            self._spawn(event.conversation_id, self.actions.take_turn(event))
        return len(rows)

    async def drain(self) -> None:
        """Waits for turns in progress (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
