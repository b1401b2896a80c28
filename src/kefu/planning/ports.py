"""What planning reads from the rest of kefu: when conversations started and how long
people took with them. `kefu.adapters.db.planning_history` implements it over SQL (read
only); `MemoryHistory` is the fake for tests and the CLI's CSV input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class HandlingSample:
    """Measured over a period: conversations, how many reached a person, and the average
    handling time of those (assigned → resolved), None when there were none."""

    conversations: int
    with_human: int
    aht_s: float | None

    @property
    def containment(self) -> float | None:
        if self.conversations == 0:
            return None
        return 1.0 - self.with_human / self.conversations


class ContactHistory(Protocol):
    async def conversation_starts(
        self, account_id: str, since: datetime, until: datetime
    ) -> Sequence[datetime]:
        """Start times (UTC) of the account's conversations in [since, until)."""
        ...

    async def handling(
        self, account_id: str, since: datetime, until: datetime
    ) -> HandlingSample: ...


@dataclass
class MemoryHistory:
    starts: dict[str, list[datetime]] = field(default_factory=dict)
    samples: dict[str, HandlingSample] = field(default_factory=dict)

    async def conversation_starts(
        self, account_id: str, since: datetime, until: datetime
    ) -> Sequence[datetime]:
        return sorted(at for at in self.starts.get(account_id, []) if since <= at < until)

    async def handling(self, account_id: str, since: datetime, until: datetime) -> HandlingSample:
        return self.samples.get(account_id, HandlingSample(0, 0, None))
