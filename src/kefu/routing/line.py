"""Who waits in which queue, in serving order, kept in memory from the events.

The stream hub asks it, once per change, which waiting customers moved: a queue move costs
the customers behind the change point a position each and the database nothing. The order
is the one `queue_position` reads from the database: higher priority first, then earlier
`queued_at`, ties broken by conversation id.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime

LineKey = tuple[str, str]  # (account id, queue)
_Place = tuple[int, datetime, str]  # (-priority, queued_at, conversation id)


@dataclass(frozen=True, slots=True)
class Moved:
    """A waiting conversation whose position changed, and its new position (1 = next)."""

    conversation_id: str
    position: int


class WaitingLine:
    def __init__(self) -> None:
        self._lines: dict[LineKey, list[_Place]] = {}
        self._where: dict[str, tuple[LineKey, _Place]] = {}

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, conversation_id: object) -> bool:
        return conversation_id in self._where

    def position(self, conversation_id: str) -> int | None:
        found = self._where.get(conversation_id)
        if found is None:
            return None
        key, place = found
        return bisect.bisect_left(self._lines[key], place) + 1

    def queue_of(self, conversation_id: str) -> LineKey | None:
        found = self._where.get(conversation_id)
        return found[0] if found else None

    def join(
        self,
        conversation_id: str,
        *,
        account_id: str,
        queue: str,
        priority: int,
        queued_at: datetime,
    ) -> list[Moved]:
        """The conversation (re)entered a queue; returns the others whose position changed."""
        moved = self.leave(conversation_id)
        key = (account_id, queue)
        line = self._lines.setdefault(key, [])
        place = (-priority, queued_at, conversation_id)
        at = bisect.bisect_left(line, place)
        line.insert(at, place)
        self._where[conversation_id] = (key, place)
        behind = self._from(key, at + 1)
        again = {b.conversation_id for b in behind}
        return [m for m in moved if m.conversation_id not in again] + behind

    def leave(self, conversation_id: str) -> list[Moved]:
        """The conversation left its queue; returns those behind it, each one place ahead."""
        found = self._where.pop(conversation_id, None)
        if found is None:
            return []
        key, place = found
        line = self._lines[key]
        at = bisect.bisect_left(line, place)
        del line[at]
        if not line:
            del self._lines[key]
            return []
        return self._from(key, at)

    def _from(self, key: LineKey, start: int) -> list[Moved]:
        line = self._lines.get(key, [])
        return [Moved(place[2], index + 1) for index, place in enumerate(line[start:], start)]
