"""Use cases of a conversation: start it, talk in it, hand it over (or book a callback).

Each use case is one transaction that changes state through the aggregate and records its
events; the unit of work publishes them after commit. What agents do with a conversation
once it reaches them is in `kefu.services.handling`; what customers and agents are shown
of it is in `kefu.services.conversation_views`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kefu.domain.agent import Agent
from kefu.domain.callback import CallbackRequest
from kefu.domain.conversation import Conversation, Status, check_name
from kefu.domain.customer import Customer, normalise_tags
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.domain.ids import new_id
from kefu.domain.message import Message, Sender, check_client_id, check_text
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.routing import OverflowAction
from kefu.routing import overflow_actions as overflow
from kefu.routing.dispatch import priority_for
from kefu.routing.queues import CALLBACK_QUEUE, get_config
from kefu.services import access
from kefu.services.context import ServiceContext
from kefu.services.message_writer import NewMessage, write_batch
from kefu.services.ports import DuplicateKey, UnitOfWork
from kefu.services.tenancy import inbox_for

MAX_ENTRY_POINT_LENGTH = 64


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    external_id: str | None = None
    name: str | None = None
    phone: str | None = None
    language: str = "zh"
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StartedConversation:
    conversation: Conversation
    customer: Customer


async def start_conversation(
    ctx: ServiceContext,
    customer_info: CustomerInfo,
    *,
    channel: str = "web_widget",
    entry_point: str | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> StartedConversation:
    if entry_point is not None and not 0 < len(entry_point) <= MAX_ENTRY_POINT_LENGTH:
        raise InvalidInput(f"entry_point must be 1 to {MAX_ENTRY_POINT_LENGTH} characters")
    now = ctx.clock()
    async with ctx.uow() as uow:
        inbox = await inbox_for(uow, account_id, channel)
        customer = await _find_or_add_customer(uow, account_id, customer_info, ctx)
        conversation = Conversation.start(
            id=new_id(),
            account_id=account_id,
            inbox_id=inbox.id,
            customer_id=customer.id,
            channel=inbox.channel.value,
            language=customer.language,
            entry_point=entry_point,
            now=now,
        )
        await uow.conversations.add(conversation)
        uow.record(conversation.take_events())
        await uow.commit()
    return StartedConversation(conversation, customer)


async def _find_or_add_customer(
    uow: UnitOfWork, account_id: str, info: CustomerInfo, ctx: ServiceContext
) -> Customer:
    """A returning customer (same external id) keeps one profile, refreshed with what they
    told us this time."""
    existing = (
        await uow.customers.get_by_external_id(account_id, info.external_id)
        if info.external_id
        else None
    )
    if existing is not None:
        before = (existing.name, existing.phone, existing.language, list(existing.tags))
        existing.name = info.name or existing.name
        existing.phone = info.phone or existing.phone
        existing.language = info.language
        existing.tags = normalise_tags([*existing.tags, *info.tags])
        if (existing.name, existing.phone, existing.language, existing.tags) != before:
            await uow.customers.update(existing)  # an unchanged profile is not written again
        return existing
    customer = Customer(
        id=new_id(),
        account_id=account_id,
        created_at=ctx.clock(),
        external_id=info.external_id,
        name=info.name,
        phone=info.phone,
        language=info.language,
        tags=list(info.tags),
    )
    try:
        await uow.customers.add(customer)
    except DuplicateKey:
        assert info.external_id is not None
        found = await uow.customers.get_by_external_id(account_id, info.external_id)
        assert found is not None
        return found
    return customer


async def get_conversation(ctx: ServiceContext, conversation_id: str) -> Conversation:
    async with ctx.uow(read_only=True) as uow:
        return await load_conversation(uow, conversation_id)


async def list_messages(
    ctx: ServiceContext,
    conversation_id: str,
    *,
    after: int = 0,
    limit: int = 500,
    include_internal: bool = False,
) -> list[Message]:
    if after < 0:
        raise InvalidInput("after must be 0 or more")
    async with ctx.uow(read_only=True) as uow:
        await load_conversation(uow, conversation_id)
        return await uow.messages.list_after(
            conversation_id, after=after, limit=limit, include_internal=include_internal
        )


async def post_customer_message(
    ctx: ServiceContext,
    conversation_id: str,
    text: str,
    client_id: str | None,
    *,
    action: dict[str, Any] | None = None,
) -> Message:
    """Stores what the customer wrote, exactly once per `client_id`; `action` is the button
    behind it, if any (`{"type": "choice", "value": ...}`).

    Writing into a closed conversation reopens it: the customer is not done yet.
    """
    return await _post(
        ctx,
        conversation_id,
        Sender.CUSTOMER,
        text,
        client_id,
        author_id=None,
        internal=False,
        payload={"action": action} if action else None,
    )


async def post_bot_message(
    ctx: ServiceContext,
    conversation_id: str,
    text: str,
    *,
    payload: dict[str, Any] | None = None,
    client_id: str | None = None,
) -> Message:
    """A bot reply; `payload` carries its choices, cards and suggestions. A `client_id`
    makes the reply idempotent (the bot keys it on the customer message it answers)."""
    return await _post(
        ctx,
        conversation_id,
        Sender.BOT,
        text,
        client_id,
        author_id=None,
        internal=False,
        payload=payload,
    )


async def post_agent_message(
    ctx: ServiceContext,
    agent: Agent,
    conversation_id: str,
    text: str,
    client_id: str | None,
    *,
    internal: bool = False,
) -> Message:
    """A reply goes to the customer only from the agent handling the conversation (or a
    supervisor); anyone who may see the conversation can leave an internal note."""
    async with ctx.uow() as uow:
        conversation = await load_conversation(uow, conversation_id)
        check_can_see(agent, conversation)
        if not internal and not agent.sees_everything and conversation.assignee_id != agent.id:
            raise PermissionDenied("only the assigned agent can reply; take the conversation first")
    return await _post(
        ctx, conversation_id, Sender.AGENT, text, client_id, author_id=agent.id, internal=internal
    )


async def _post(
    ctx: ServiceContext,
    conversation_id: str,
    sender: Sender,
    text: str,
    client_id: str | None,
    *,
    author_id: str | None,
    internal: bool,
    payload: dict[str, Any] | None = None,
) -> Message:
    item = NewMessage(
        conversation_id=conversation_id,
        sender=sender,
        text=check_text(text),
        client_id=check_client_id(client_id),
        author_id=author_id,
        internal=internal,
        payload=payload,
    )
    if ctx.writer is not None:
        return await ctx.writer.submit(item)
    [result] = await write_batch(ctx.uow, ctx.clock, [item])
    if isinstance(result, Exception):
        raise result
    return result


async def hand_over(
    ctx: ServiceContext,
    conversation_id: str,
    *,
    reason: str,
    queue: str = "general",
    priority: int = 0,
    simple_intent: bool = False,
    emotion: str | None = None,
) -> Conversation:
    """Queues the conversation for a human, unless the queue's overflow rules send this
    customer another way (a callback offer, a spill-over queue, back to the bot while busy).
    `simple_intent` tells overflow the question is one the bot can answer alone; `emotion`
    (a `kefu.nlu` category such as anger or anxiety) moves an upset customer ahead."""
    outcome = await hand_over_from_bot(
        ctx,
        conversation_id,
        reason=reason,
        queue=queue,
        priority=priority,
        simple_intent=simple_intent,
        emotion=emotion,
    )
    return outcome.conversation


@dataclass(frozen=True, slots=True)
class HandOverOutcome:
    conversation: Conversation
    #: False when the conversation had already left the bot (queued, assigned or closed by a
    #: concurrent request: the customer's button racing a bot turn). Nothing changed then.
    handed_over: bool


async def hand_over_from_bot(
    ctx: ServiceContext,
    conversation_id: str,
    *,
    reason: str,
    queue: str = "general",
    priority: int = 0,
    simple_intent: bool = False,
    emotion: str | None = None,
) -> HandOverOutcome:
    """`hand_over`, telling whether it did anything: a conversation no longer with the bot
    is left as it is."""
    current = await get_conversation(ctx, conversation_id)
    if current.status is not Status.BOT:
        return HandOverOutcome(current, handed_over=False)
    config = await get_config(ctx, check_name(queue, "queue"), current.account_id)
    stats = await overflow.queue_stats(ctx, config, current.account_id, current.language)
    back_to_bot = False
    async with ctx.uow() as uow:
        conversation = await load_conversation(uow, conversation_id, for_update=True)
        if conversation.status is not Status.BOT:
            return HandOverOutcome(conversation, handed_over=False)
        customer = await uow.customers.get(conversation.customer_id)
        tags = customer.tags if customer else []
        now = ctx.clock()
        if emotion is not None:
            conversation.emotion = check_name(emotion, "emotion")
        decision = overflow.decide(
            config, stats, conversation, tags, simple_intent=simple_intent, now=now
        )
        back_to_bot = decision.action is OverflowAction.BACK_TO_BOT_BUSY
        if not back_to_bot:
            # Protected customers and VIPs wait less, whoever asked for the hand-over.
            priority = max(priority, priority_for(conversation, tags))
            conversation.hand_over(reason=reason, queue=queue, priority=priority, now=now)
        if decision.diverted:
            overflow.apply(conversation, decision, now)
        await save_conversation(uow, conversation)
    if back_to_bot:
        text = overflow.BUSY_REPLY.get(conversation.language, overflow.BUSY_REPLY["en"])
        await post_bot_message(ctx, conversation_id, text)
    return HandOverOutcome(conversation, handed_over=True)


async def book_callback(
    ctx: ServiceContext,
    conversation_id: str,
    *,
    phone: str,
    preferred_time: str | None,
    note: str | None,
) -> CallbackRequest:
    """The customer leaves a number instead of waiting; the conversation moves to the
    callback queue, served by agents with the `callback` skill."""
    if note is not None:
        note = check_text(note)
    async with ctx.uow() as uow:
        conversation = await load_conversation(uow, conversation_id, for_update=True)
        request = CallbackRequest(
            id=new_id(),
            account_id=conversation.account_id,
            conversation_id=conversation.id,
            customer_id=conversation.customer_id,
            phone=phone.strip(),
            created_at=ctx.clock(),
            preferred_time=preferred_time,
            note=note,
        )
        conversation.book_callback(
            request.id, queue=CALLBACK_QUEUE, preferred_time=preferred_time, now=ctx.clock()
        )
        await uow.callbacks.add(request)
        await save_conversation(uow, conversation)
    return request


# The rules live in `kefu.services.access`; these names stay for existing callers.
can_see = access.can_see
check_can_see = access.check_can_see

_check_handles = access.check_handles


async def load_conversation(
    uow: UnitOfWork, conversation_id: str, *, for_update: bool = False
) -> Conversation:
    """The conversation (row-locked with `for_update`); `NotFound` when there is none."""
    conversation = await uow.conversations.get(conversation_id, for_update=for_update)
    if conversation is None:
        raise NotFound(f"no conversation {conversation_id}")
    return conversation


async def save_conversation(uow: UnitOfWork, conversation: Conversation) -> Conversation:
    """Stores the aggregate's changes with the events it recorded, and commits."""
    await uow.conversations.update(conversation)
    uow.record(conversation.take_events())
    await uow.commit()
    return conversation
