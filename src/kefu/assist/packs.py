"""Knowledge packs in agent assist: short notices live operations publishes during an
incident ("payments via X fail since 12:10; tell customers …").

`PackSource` is the port; live operations plugs in its own store. Without one, assist shows
no packs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class PackNotice:
    id: str
    title: str
    text: str
    intents: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": f"pack:{self.id}",
            "pack_id": self.id,
            "title": self.title,
            "text": self.text,
            "intents": list(self.intents),
        }


class PackSource(Protocol):
    async def active_packs(
        self, *, account_id: str, language: str, intent: str | None, now: datetime
    ) -> Sequence[PackNotice]:
        """Packs in force now, in `language`; those for `intent` first."""
        ...


class NoPacks:
    async def active_packs(
        self, *, account_id: str, language: str, intent: str | None, now: datetime
    ) -> Sequence[PackNotice]:
        return ()
