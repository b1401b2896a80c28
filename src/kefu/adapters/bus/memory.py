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
        self.published: list[DomainEvent] = []
        self.keep_history = False

    def subscribe(self, handler: EventHandler) -> None:
        self._handlers.append(handler)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        if self.keep_history:
            self.published.extend(events)
        for event in events:
            await self.dispatch(event)

    async def dispatch(self, event: DomainEvent) -> None:
        # One failing subscriber must not keep the event from the others.
        for handler in list(self._handlers):
            try:
                await handler(event)
            except Exception:
                log.exception("event handler failed", extra={"event": event.name})

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
