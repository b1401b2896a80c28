"""What live operations need from outside: storage of the board's state, packs and settings,
and a way to pin a topic in suggested questions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from kefu.ops.board_state import AgentSeed, Seed
from kefu.ops.packs import KnowledgePack


class OpsStore(Protocol):
    async def open_conversations(self) -> list[Seed]: ...
    async def team(self) -> list[AgentSeed]: ...
    async def agent_capacity(self, agent_id: str) -> int | None: ...
    async def add_pack(self, account_id: str, pack: KnowledgePack) -> None: ...
    async def save_pack(self, account_id: str, pack: KnowledgePack) -> None: ...
    async def get_pack(self, account_id: str, pack_id: str) -> KnowledgePack | None: ...
    async def list_packs(
        self, account_id: str, *, status: str | None = None, limit: int = 100
    ) -> list[KnowledgePack]: ...
    async def load_settings(self, account_id: str) -> dict[str, Any] | None: ...
    async def save_settings(
        self, account_id: str, config: dict[str, Any], now: datetime
    ) -> None: ...


#: Pins a bursting topic in suggested questions (knowledge's `SuggestionService`).
Pinner = Callable[[str], Awaitable[None] | None]
