"""In-process event bus: the embedded default and the fake for tests."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from kefu.domain.events import DomainEvent
from kefu.services.ports import EventHandler

log = logging.getLogger(__name__)


class InMemoryBus:
    def __init__(self) -> None:
        self._handlers: list[EventHandler] = []
        self._local_handlers: list[EventHandler] = []
        self.published: list[DomainEvent] = []
        self.keep_history = False

    def subscribe(self, handler: EventHandler, *, local_only: bool = False) -> None:
        """`local_only` handlers hear only events committed by this instance: work that must
        happen once per event (the bot answering a message) subscribes that way."""
        (self._local_handlers if local_only else self._handlers).append(handler)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        if self.keep_history:
            self.published.extend(events)
        for event in events:
            await self._deliver(event, [*self._handlers, *self._local_handlers])

    async def dispatch(self, event: DomainEvent) -> None:
        """Delivers an event another instance committed."""
        await self._deliver(event, list(self._handlers))

    async def _deliver(self, event: DomainEvent, handlers: list[EventHandler]) -> None:
        # One failing subscriber must not keep the event from the others.
        for handler in handlers:
            try:
                await handler(event)
            except Exception:
                log.exception("event handler failed", extra={"event": event.name})

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
