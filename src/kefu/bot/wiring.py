"""Assembles the bot from the adapters it is given (it never imports `kefu.adapters`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kefu.bot.actions import BotActions
from kefu.bot.drafts import DraftActions
from kefu.bot.handlers import BotHandlers
from kefu.bot.model import TurnWrite
from kefu.bot.ports import (
    BOT_TURNS,
    BotStore,
    Conversations,
    DraftStore,
    HandoverCards,
    Knowledge,
    KnownCustomer,
    Language,
    RatingStore,
    Suggestions,
)
from kefu.bot.rules import BotRules
from kefu.bot.rules_cache import RulesCache
from kefu.domain.business import DEFAULT_AUTO_APPROVE_LIMIT_CENTS, BusinessSystem
from kefu.domain.clock import Clock
from kefu.domain.conversation import Conversation
from kefu.domain.customer import Customer
from kefu.domain.events import ConversationCreated, DomainEvent, MessageCreated
from kefu.domain.message import Message, Sender, check_client_id, check_text
from kefu.knowledge.ports import SUGGESTION_RECORDS
from kefu.services import conversations as conv
from kefu.services.context import ServiceContext
from kefu.services.message_writer import NewMessage, write_batch
from kefu.services.ports import EventBus, UnitOfWork


@dataclass(frozen=True, slots=True)
class ServiceConversations:
    """`kefu.services.conversations` as the bot's `Conversations` port.

    With `joined` (the composition root provided `BOT_TURNS` to the unit of work), it is
    also a `TurnPoster`: a bot turn's reply, record, memory and events commit together,
    through the same group-commit writer as every message."""

    ctx: ServiceContext
    joined: bool = False

    async def get(self, conversation_id: str) -> Conversation:
        return await conv.get_conversation(self.ctx, conversation_id)

    async def get_with_customer(
        self, conversation_id: str, known: KnownCustomer
    ) -> tuple[Conversation, Customer | None, bool]:
        async with self.ctx.uow(read_only=True) as uow:
            conversation = await conv.load_conversation(uow, conversation_id)
            cached, customer = known(conversation.customer_id)
            if cached:
                return conversation, customer, False
            return conversation, await uow.customers.get(conversation.customer_id), True

    async def post_bot_message(
        self,
        conversation_id: str,
        text: str,
        *,
        payload: dict[str, Any] | None = None,
        client_id: str | None = None,
    ) -> int:
        message = await conv.post_bot_message(
            self.ctx, conversation_id, text, payload=payload, client_id=client_id
        )
        return message.seq

    async def post_bot_turn(
        self,
        conversation_id: str,
        text: str,
        *,
        payload: dict[str, Any],
        client_id: str,
        turn: TurnWrite,
    ) -> int:
        async def record(uow: UnitOfWork, message: Message) -> None:
            if turn.row is not None:
                await uow.repository(BOT_TURNS).record_turn(turn.row, turn.state, turn.now)
            if turn.shown is not None:
                shown = turn.shown
                await uow.repository(SUGGESTION_RECORDS).add_many(shown.account_id, shown.records)

        item = NewMessage(
            conversation_id=conversation_id,
            sender=Sender.BOT,
            text=check_text(text),
            client_id=check_client_id(client_id),
            payload=payload,
            joined=record,
            before=turn.before,
            after=turn.after + ((turn.shown.event,) if turn.shown is not None else ()),
        )
        if self.ctx.writer is not None:
            return (await self.ctx.writer.submit(item)).seq
        [result] = await write_batch(self.ctx.uow, self.ctx.clock, [item])
        if isinstance(result, Exception):
            raise result
        return result.seq

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
        return await conv.hand_over(
            self.ctx,
            conversation_id,
            reason=reason,
            queue=queue,
            priority=priority,
            simple_intent=simple_intent,
            emotion=emotion,
        )


def refund_review_limit(business: BusinessSystem) -> int:
    """The business system's automatic-refund limit (above it a refund is reviewed); the
    platform default when the adapter does not say."""
    limit = getattr(business, "auto_approve_limit_cents", None)
    return limit if isinstance(limit, int) else DEFAULT_AUTO_APPROVE_LIMIT_CENTS


@dataclass(frozen=True, slots=True)
class Bot:
    """The wired bot: its use cases, its event handlers and its rules."""

    actions: BotActions
    drafts: DraftActions
    handlers: BotHandlers
    rules: RulesCache
    ratings: RatingStore

    async def on_event(self, event: DomainEvent) -> None:
        await self.handlers.on_event(event)

    async def greet_event(self, event: ConversationCreated) -> None:
        """Subscribed on the queued lane (group `bot`: one job at a time per conversation)."""
        await self.actions.greet(event.conversation_id)

    async def take_turn(self, event: MessageCreated) -> None:
        """Subscribed on the queued lane, for customer messages."""
        await self.actions.take_turn(event)

    async def catch_up(self, within: timedelta = timedelta(hours=1)) -> int:
        return await self.handlers.catch_up(within)

    async def drain(self) -> None:
        await self.handlers.drain()

    async def rules_for(self, account_id: str) -> BotRules:
        return await self.rules.get(account_id)

    async def put_rules(self, account_id: str, data: Mapping[str, Any], by: str) -> BotRules:
        return await self.rules.put(account_id, data, by)


def build_bot(
    *,
    clock: Clock,
    conversations: Conversations,
    store: BotStore,
    drafts: DraftStore,
    ratings: RatingStore,
    nlu: Language,
    business: BusinessSystem,
    bus: EventBus,
    knowledge: Knowledge,
    suggestions: Suggestions | None = None,
    cards: HandoverCards | None = None,
) -> Bot:
    people = conversations
    joined = people if isinstance(people, ServiceConversations) and people.joined else None
    rules = RulesCache(store, clock)
    draft_actions = DraftActions(drafts, people, bus, clock)
    actions = BotActions(
        store=store,
        conversations=people,
        nlu=nlu,
        business=business,
        bus=bus,
        clock=clock,
        knowledge=knowledge,
        suggestions=suggestions,
        cards=cards,
        drafts=draft_actions,
        rules=rules,
        refund_review_limit_cents=refund_review_limit(business),
        joined=joined,
    )
    return Bot(actions, draft_actions, BotHandlers(actions, store, clock), rules, ratings)
