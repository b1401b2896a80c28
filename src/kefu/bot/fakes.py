"""In-memory fakes of the bot's ports, so its use cases run in tests with no database, no
app and no language model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kefu.bot.model import Draft
from kefu.bot.ports import KnownCustomer
from kefu.domain.conversation import Conversation, Status
from kefu.domain.customer import Customer
from kefu.domain.errors import Conflict, NotFound
from kefu.domain.events import DomainEvent
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.service import KnowledgeHit
from kefu.nlu.types import Analysis
from kefu.services.ports import EventHandler


class InMemoryBotStore:
    """`BotStore`, `DraftStore` and `RatingStore` in dictionaries."""

    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}
        self.turns: dict[tuple[str, int], dict[str, Any]] = {}
        self.rules: dict[str, dict[str, Any]] = {}
        self.drafts: dict[str, Draft] = {}
        self.ratings: dict[str, int] = {}

    async def load_state(self, conversation_id: str) -> dict[str, Any] | None:
        return self.states.get(conversation_id)

    async def record_turn(
        self, row: dict[str, Any], state: dict[str, Any] | None, now: datetime
    ) -> None:
        self.turns.setdefault((row["conversation_id"], row["message_seq"]), dict(row))
        if state is not None:
            self.states[row["conversation_id"]] = state

    async def get_rules(self, account_id: str) -> dict[str, Any] | None:
        return self.rules.get(account_id)

    async def put_rules(
        self, account_id: str, rules: dict[str, Any], by: str | None, now: datetime
    ) -> None:
        self.rules[account_id] = rules

    async def unanswered(self, since: datetime, limit: int = 1000) -> list[dict[str, Any]]:
        return []

    async def add_draft(self, draft: Draft) -> None:
        self.drafts[draft.id] = draft

    async def list_drafts(
        self, account_id: str, status: str = "pending", limit: int = 100
    ) -> list[Draft]:
        found = [
            d for d in self.drafts.values() if (d.account_id, d.status) == (account_id, status)
        ]
        return sorted(found, key=lambda d: d.created_at)[:limit]

    async def get_draft(self, draft_id: str) -> Draft | None:
        return self.drafts.get(draft_id)

    async def decide_draft(
        self, draft_id: str, status: str, by: str, final_text: str | None, now: datetime
    ) -> bool:
        draft = self.drafts.get(draft_id)
        if draft is None or draft.status != "pending":
            return False
        self.drafts[draft_id] = replace(draft, status=status, decided_by=by, final_text=final_text)
        return True

    async def add_rating(
        self, conversation_id: str, score: int, comment: str | None, now: datetime
    ) -> None:
        if conversation_id in self.ratings:
            raise Conflict("this conversation has already been rated")
        self.ratings[conversation_id] = score


@dataclass
class Posted:
    conversation_id: str
    text: str
    payload: dict[str, Any] | None
    client_id: str | None
    seq: int


@dataclass
class FakeConversations:
    """`Conversations`: conversations and customers in memory; posts and hand-overs recorded."""

    conversations: dict[str, Conversation] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    posted: list[Posted] = field(default_factory=list)
    handed_over: list[tuple[str, str]] = field(default_factory=list)

    async def get(self, conversation_id: str) -> Conversation:
        found = self.conversations.get(conversation_id)
        if found is None:
            raise NotFound(f"no conversation {conversation_id}")
        return found

    async def get_with_customer(
        self, conversation_id: str, known: KnownCustomer
    ) -> tuple[Conversation, Customer | None, bool]:
        conversation = await self.get(conversation_id)
        cached, customer = known(conversation.customer_id)
        if cached:
            return conversation, customer, False
        return conversation, self.customers.get(conversation.customer_id), True

    async def post_bot_message(
        self,
        conversation_id: str,
        text: str,
        *,
        payload: dict[str, Any] | None = None,
        client_id: str | None = None,
    ) -> int:
        conversation = await self.get(conversation_id)
        conversation.last_seq += 1
        self.posted.append(Posted(conversation_id, text, payload, client_id, conversation.last_seq))
        return conversation.last_seq

    async def hand_over(
        self,
        conversation_id: str,
        *,
        reason: str,
        queue: str = "general",
        priority: int = 0,
        simple_intent: bool = False,
        emotion: str | None = None,
    ) -> Conversation:
        conversation = await self.get(conversation_id)
        conversation.status = Status.QUEUED
        conversation.handover_reason = reason
        self.handed_over.append((conversation_id, reason))
        return conversation


@dataclass
class FakeKnowledge:
    """`Knowledge`: entries in memory; `scores` says which entry each text matches, how well."""

    entries: dict[str, KnowledgeEntry] = field(default_factory=dict)
    scores: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def match(
        self,
        text: str,
        *,
        language: str = "zh",
        channel: str | None = None,
        customer_tags: Sequence[str] = (),
        now: datetime | None = None,
        top_k: int = 3,
    ) -> Sequence[KnowledgeHit]:
        self.calls.append(text)
        found = self.scores.get(text, [])
        return [
            KnowledgeHit(self.entries[i], s, self.entries[i].question.zh) for i, s in found[:top_k]
        ]

    def get(self, entry_id: str) -> KnowledgeEntry | None:
        return self.entries.get(entry_id)

    def render_answer(
        self, entry: KnowledgeEntry, language: str, variables: Mapping[str, object] | None = None
    ) -> str:
        return entry.answer.in_language(language)


@dataclass
class FakeLanguage:
    """`Language`: the analysis given for each text."""

    analyses: dict[str, Analysis] = field(default_factory=dict)

    def analyse(self, text: str, *, top_k: int = 0) -> Analysis:
        return self.analyses[text]

    async def analyse_async(self, text: str, *, top_k: int = 0) -> Analysis:
        return self.analyse(text, top_k=top_k)


@dataclass
class RecordingBus:
    """`EventBus` that keeps what was published."""

    events: list[DomainEvent] = field(default_factory=list)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        self.events.extend(events)

    def subscribe(self, handler: EventHandler) -> None:
        return None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
