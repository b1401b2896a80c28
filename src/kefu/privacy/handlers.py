"""The purge job: runs `Privacy.purge` at start and then every interval.

It keeps no state of its own: what is old enough is read from the rows each time, so a
restart (or a clock moved by hand) loses nothing: the next pass deletes whatever is due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kefu.privacy.actions import Privacy
from kefu.services.background import Every

log = logging.getLogger(__name__)


@dataclass(eq=False)
class PurgeJob:
    privacy: Privacy
    interval_s: float
    _loop: Every | None = field(default=None)

    async def start(self) -> None:
        self._loop = Every(
            self.interval_s, self._purge, name="kefu-privacy-purge", what="privacy purge"
        )
        await self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()
        self._loop = None

    async def _purge(self) -> None:
        purged = await self.privacy.purge()
        if any(purged.values()):
            log.info("privacy purge", extra=purged)
