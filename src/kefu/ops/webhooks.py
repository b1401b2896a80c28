"""Alert webhooks: POSTed by a background worker, so a slow or dead receiver never holds up
the event path. Failures are logged and dropped (alerts are also on the board and in the
event stream)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from kefu.domain.errors import InvalidInput
from kefu.services import outbound
from kefu.services.background import cancel

log = logging.getLogger(__name__)

QUEUE_LIMIT = 1000


class WebhookSender:
    def __init__(
        self,
        urls: list[str] | None = None,
        *,
        timeout_s: float = 3.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.urls = list(urls or [])
        self.timeout_s = timeout_s
        self._transport = transport
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self.failed = 0

    def notify(self, body: dict[str, Any]) -> None:
        if not self.urls:
            return
        try:
            self._queue.put_nowait(body)
        except asyncio.QueueFull:
            self.failed += 1
            log.warning("alert webhook queue full; notification dropped")

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="ops-webhooks")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def drain(self) -> None:
        """Waits until everything queued was attempted (for tests and shutdown)."""
        await self._queue.join()

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=self.timeout_s, transport=self._transport) as http:
            while True:
                body = await self._queue.get()
                try:
                    for url in list(self.urls):
                        await self._post(http, url, body)
                finally:
                    self._queue.task_done()

    async def _post(self, http: httpx.AsyncClient, url: str, body: dict[str, Any]) -> None:
        try:
            await outbound.check_resolved(url)
        except InvalidInput as exc:
            self.failed += 1
            log.warning("alert webhook refused", extra={"url": url, "error": exc.message})
            return
        try:
            response = await http.post(url, json=body)
            response.raise_for_status()
            self.sent += 1
        except httpx.HTTPError as exc:
            self.failed += 1
            log.warning("alert webhook failed", extra={"url": url, "error": str(exc)})
