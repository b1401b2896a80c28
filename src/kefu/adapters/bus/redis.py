"""Redis fan-out: every kefu instance hears the events committed by every other one.

An instance dispatches its own events locally at once (no round trip) and ignores their echo
from Redis; events from other instances arrive through one pub/sub subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import redis.asyncio as aioredis

from kefu.adapters.bus.memory import InMemoryBus
from kefu.domain.events import DomainEvent
from kefu.domain.ids import new_id
from kefu.services import event_codec
from kefu.services.handlers import HandlerTable

log = logging.getLogger(__name__)
CHANNEL = "kefu:events"


class RedisBus(InMemoryBus):
    def __init__(
        self, url: str, *, channel: str = CHANNEL, handlers: HandlerTable | None = None
    ) -> None:
        super().__init__(handlers)
        self.instance_id = new_id()
        self._client: aioredis.Redis = aioredis.from_url(url)
        self._channel = channel
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def _forward(self, events: Sequence[DomainEvent]) -> None:
        async with self._client.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(self._channel, event_codec.encode(event, origin=self.instance_id))
            await pipe.execute()

    async def start(self) -> None:
        await self._client.ping()
        self._listener = asyncio.create_task(self._listen(), name="kefu-redis-bus")
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await super().stop()
        await self._client.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await self._client.ping())
        except Exception:
            return False

    async def _listen(self) -> None:
        while True:
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    self._ready.set()
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        event, origin = event_codec.decode(message["data"])
                        if origin != self.instance_id:
                            await self.dispatch(event)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis subscription lost; reconnecting")
                await asyncio.sleep(1)
