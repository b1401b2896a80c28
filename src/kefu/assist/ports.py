"""What assist needs from storage; `kefu.adapters.db.assist_store.SqlAssistStore` provides it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from kefu.assist.canned import CannedResponse
from kefu.assist.card import HandoverCard
from kefu.assist.replies import ReplyPair
from kefu.assist.turns import BotTurn


class AssistStore(Protocol):
    async def get_card(self, conversation_id: str) -> HandoverCard | None: ...

    async def insert_card(
        self, card: HandoverCard, *, account_id: str, author: str, action: str
    ) -> bool: ...

    async def update_card(
        self,
        card: HandoverCard,
        *,
        expected_version: int,
        author: str,
        action: str,
        changes: Mapping[str, tuple[Any, Any]],
    ) -> bool: ...

    async def card_edits(self, conversation_id: str) -> list[dict[str, Any]]: ...

    async def bot_turns(self, conversation_id: str) -> list[BotTurn]: ...

    async def customer_message(
        self, conversation_id: str, seq: int | None
    ) -> tuple[int, str] | None: ...

    async def contacts_since(self, customer_id: str, since: datetime) -> int: ...

    async def reply_pair(
        self, conversation_id: str, reply_seq: int, reply_text: str
    ) -> ReplyPair | None: ...

    async def recent_reply_pairs(self, account_id: str, limit: int) -> list[ReplyPair]: ...

    async def list_canned(self, account_id: str) -> list[CannedResponse]: ...

    async def get_canned(self, account_id: str, canned_id: str) -> CannedResponse | None: ...

    async def add_canned(self, canned: CannedResponse) -> bool: ...

    async def update_canned(self, canned: CannedResponse) -> bool | None: ...

    async def delete_canned(self, account_id: str, canned_id: str) -> bool: ...

    async def add_usage(self, values: Mapping[str, Any]) -> None: ...

    async def usage(self, conversation_id: str) -> list[dict[str, Any]]: ...
