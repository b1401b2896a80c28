"""What the bot needs from the rest of kefu, as protocols. `kefu.bot.fakes` has an
in-memory fake of each; `wiring` receives the real adapters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from kefu.assist.card import CardFacts
from kefu.bot.model import Draft, TurnWrite
from kefu.domain.conversation import Conversation
from kefu.domain.customer import Customer
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.ports import Shown
from kefu.knowledge.service import KnowledgeHit
from kefu.nlu.types import Analysis
from kefu.services.ports import Repository

#: A `bot_turns` row: what was understood and done for one customer message.
TurnRow = dict[str, Any]


class BotStore(Protocol):
    """The bot's own tables: working memory, turns and per-account rules."""

    async def load_state(self, conversation_id: str) -> dict[str, Any] | None: ...

    async def record_turn(
        self, row: TurnRow, state: dict[str, Any] | None, now: datetime
    ) -> None: ...

    async def get_rules(self, account_id: str) -> dict[str, Any] | None: ...

    async def put_rules(
        self, account_id: str, rules: dict[str, Any], by: str | None, now: datetime
    ) -> None: ...

    async def unanswered(self, since: datetime, limit: int = 1000) -> list[dict[str, Any]]: ...


class TurnRecords(Protocol):
    """The turn record and the bot's memory, inside a unit of work (`BOT_TURNS`)."""

    async def record_turn(
        self, row: TurnRow, state: dict[str, Any] | None, now: datetime
    ) -> None: ...


#: The bot's turn records joined to the unit of work that stores its reply.
BOT_TURNS: Repository[TurnRecords] = Repository("bot.turns")


class RatingStore(Protocol):
    """Customer ratings (CSAT), kept here until the quality feature owns them."""

    async def add_rating(
        self, conversation_id: str, score: int, comment: str | None, now: datetime
    ) -> None: ...


class DraftStore(Protocol):
    async def add_draft(self, draft: Draft) -> None: ...

    async def list_drafts(
        self, account_id: str, status: str = "pending", limit: int = 100
    ) -> list[Draft]: ...

    async def get_draft(self, draft_id: str) -> Draft | None: ...

    async def decide_draft(
        self, draft_id: str, status: str, by: str, final_text: str | None, now: datetime
    ) -> bool: ...


#: Whether the caller has a customer already, and which (the bot's `CustomerCache.get`).
KnownCustomer = Callable[[str], tuple[bool, Customer | None]]


class Conversations(Protocol):
    """The conversation use cases the bot calls (`kefu.services.conversations`)."""

    async def get(self, conversation_id: str) -> Conversation: ...

    async def get_with_customer(
        self, conversation_id: str, known: KnownCustomer
    ) -> tuple[Conversation, Customer | None, bool]:
        """The conversation and its customer in one read. `known(customer_id)` answers
        `(True, customer)` when the caller has the customer already: it is not read again.
        The last item says whether the customer was read."""
        ...

    async def post_bot_message(
        self,
        conversation_id: str,
        text: str,
        *,
        payload: dict[str, Any] | None = None,
        client_id: str | None = None,
    ) -> int:
        """Posts the reply; returns its seq."""
        ...

    async def hand_over(
        self,
        conversation_id: str,
        *,
        reason: str,
        queue: str = "general",
        priority: int = 0,
        simple_intent: bool = False,
        emotion: str | None = None,
    ) -> Conversation: ...


class Language(Protocol):
    """The language engine (`kefu.nlu.NluEngine`)."""

    def analyse(self, text: str, *, top_k: int = ...) -> Analysis: ...

    async def analyse_async(self, text: str, *, top_k: int = ...) -> Analysis:
        """The same analysis; the encoder runs off the event loop, batched with the
        messages of other conversations that arrive at the same moment."""
        ...


class TurnPoster(Protocol):
    """What a bot turn is, written at once: the reply, the turn record, the bot's memory and
    the turn's events in one transaction (`wiring.ServiceConversations` when the unit of
    work can join the bot's records). Returns the reply's seq."""

    async def post_bot_turn(
        self,
        conversation_id: str,
        text: str,
        *,
        payload: dict[str, Any],
        client_id: str,
        turn: TurnWrite,
    ) -> int: ...


class Knowledge(Protocol):
    """What the bot needs of `kefu.knowledge.KnowledgeService`."""

    def match(
        self,
        text: str,
        *,
        language: str = ...,
        channel: str | None = ...,
        customer_tags: Sequence[str] = ...,
        now: datetime | None = ...,
        top_k: int = ...,
    ) -> Sequence[KnowledgeHit]: ...

    def get(self, entry_id: str) -> KnowledgeEntry | None: ...

    def render_answer(
        self, entry: KnowledgeEntry, language: str, variables: Mapping[str, object] | None = ...
    ) -> str: ...


class Suggestions(Protocol):
    async def choose(
        self, conversation_id: str, customer: Customer | None, language: str, now: datetime
    ) -> Shown:
        """The questions to show; their impression is logged with the message (`TurnWrite`)
        or by `log`."""
        ...

    async def log(self, shown: Shown) -> None: ...

    async def record_click(self, conversation_id: str, suggestion_id: str) -> None: ...


class HandoverCards(Protocol):
    """Builds the agent's hand-over card (`kefu.assist.cards.CardService`)."""

    async def facts_for(
        self, conversation_id: str, *, reason: str | None = ..., promises: Sequence[str] = ...
    ) -> CardFacts: ...

    async def create_on_handover(self, facts: CardFacts) -> object: ...
