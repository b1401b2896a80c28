"""Use cases of a conversation: start it, talk in it, hand it over, take, transfer, resolve.

Each use case is one transaction that changes state through the aggregate and records its
events; the unit of work publishes them after commit.
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
from kefu.services import overflow
from kefu.services.context import ServiceContext
from kefu.services.dispatch import estimated_wait_s, priority_for
from kefu.services.message_writer import NewMessage, write_batch
from kefu.services.ports import DuplicateKey, UnitOfWork
from kefu.services.queues import CALLBACK_QUEUE, get_config
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
        existing.name = info.name or existing.name
        existing.phone = info.phone or existing.phone
        existing.language = info.language
        existing.tags = normalise_tags([*existing.tags, *info.tags])
        await uow.customers.update(existing)
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
        return await _load(uow, conversation_id)


async def queue_position(ctx: ServiceContext, conversation: Conversation) -> int | None:
    if conversation.status != Status.QUEUED:
        return None
    async with ctx.uow(read_only=True) as uow:
        return await uow.conversations.queue_position(conversation)


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
        await _load(uow, conversation_id)
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
        conversation = await _load(uow, conversation_id)
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
    current = await get_conversation(ctx, conversation_id)
    config = await get_config(ctx, check_name(queue, "queue"), current.account_id)
    stats = await overflow.queue_stats(ctx, config, current.account_id, current.language)
    back_to_bot = False
    async with ctx.uow() as uow:
        conversation = await _load(uow, conversation_id, for_update=True)
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
        await _save(uow, conversation)
    if back_to_bot:
        text = overflow.BUSY_REPLY.get(conversation.language, overflow.BUSY_REPLY["en"])
        await post_bot_message(ctx, conversation_id, text)
    return conversation


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
        conversation = await _load(uow, conversation_id, for_update=True)
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
        await _save(uow, conversation)
    return request


async def take(ctx: ServiceContext, agent: Agent, conversation_id: str) -> Conversation:
    async with ctx.uow() as uow:
        conversation = await _load(uow, conversation_id, for_update=True)
        check_can_see(agent, conversation)
        conversation.assign(agent.id, now=ctx.clock())
        return await _save(uow, conversation)


async def transfer(
    ctx: ServiceContext,
    agent: Agent,
    conversation_id: str,
    *,
    to_agent_id: str | None = None,
    to_queue: str | None = None,
    to_bot: bool = False,
    note: str | None = None,
) -> Conversation:
    if [to_agent_id is not None, to_queue is not None, to_bot].count(True) != 1:
        raise InvalidInput("give exactly one of to_agent_id, to_queue or to_bot")
    if note is not None:
        note = check_text(note)
    async with ctx.uow() as uow:
        conversation = await _load(uow, conversation_id, for_update=True)
        _check_handles(agent, conversation)
        if to_bot:
            conversation.hand_back(note=note, now=ctx.clock())
        elif to_agent_id is not None:
            target = await uow.agents.get(to_agent_id)
            if target is None or not target.active or target.account_id != agent.account_id:
                raise NotFound(f"no active agent {to_agent_id}")
            conversation.transfer_to_agent(target.id, note=note, now=ctx.clock())
        else:
            conversation.transfer_to_queue(
                check_name(to_queue or "", "queue"), note=note, now=ctx.clock()
            )
        return await _save(uow, conversation)


async def resolve(ctx: ServiceContext, conversation_id: str, *, by: Agent | str) -> Conversation:
    """`by` is the resolving agent, or "bot" / "customer"."""
    async with ctx.uow() as uow:
        conversation = await _load(uow, conversation_id, for_update=True)
        if isinstance(by, Agent):
            _check_handles(by, conversation)
            resolver = by.id
        else:
            resolver = by
        conversation.resolve(by=resolver, now=ctx.clock())
        return await _save(uow, conversation)


async def close_by_customer(ctx: ServiceContext, conversation_id: str) -> Conversation:
    """The customer ends the chat: while still with the bot or waiting that is an
    abandonment (they gave up), with an agent it is a resolution by the customer.
    Closing an already closed conversation changes nothing."""
    async with ctx.uow() as uow:
        conversation = await _load(uow, conversation_id, for_update=True)
        if not conversation.is_open:
            return conversation
        if conversation.status is Status.ASSIGNED:
            conversation.resolve(by="customer", now=ctx.clock())
        else:
            conversation.abandon(now=ctx.clock())
        return await _save(uow, conversation)


async def abandon(ctx: ServiceContext, conversation_id: str) -> Conversation:
    async with ctx.uow() as uow:
        conversation = await _load(uow, conversation_id, for_update=True)
        conversation.abandon(now=ctx.clock())
        return await _save(uow, conversation)


async def list_for_agent(
    ctx: ServiceContext, agent: Agent, *, scope: str, limit: int = 100
) -> list[Conversation]:
    """`mine`: assigned to me; `queued`: waiting in queues I may see; `open`: every open
    conversation I may see (supervisors see all queues)."""
    async with ctx.uow(read_only=True) as uow:
        repo = uow.conversations
        if scope == "mine":
            return await repo.list(
                agent.account_id, statuses=[Status.ASSIGNED], assignee_id=agent.id, limit=limit
            )
        queues = None if agent.sees_everything else sorted(agent.visible_queues())
        if scope == "queued":
            return await repo.list(
                agent.account_id, statuses=[Status.QUEUED], queues=queues, limit=limit
            )
        if scope == "open":
            found = await repo.list(
                agent.account_id,
                statuses=[Status.BOT, Status.QUEUED, Status.ASSIGNED],
                queues=queues,
                limit=limit,
            )
            return [c for c in found if can_see(agent, c)]
        raise InvalidInput(f"scope must be mine, queued or open, got {scope!r}")


async def queue_counts(ctx: ServiceContext, agent: Agent) -> dict[str, int]:
    async with ctx.uow(read_only=True) as uow:
        counts = await uow.conversations.count_by_queue(agent.account_id)
    visible = {q: counts.get(q, 0) for q in agent.visible_queues()}
    if agent.sees_everything:
        visible.update(counts)
    return dict(sorted(visible.items()))


def can_see(agent: Agent, conversation: Conversation) -> bool:
    if agent.account_id != conversation.account_id:
        return False
    return (
        agent.sees_everything
        or conversation.assignee_id == agent.id
        or agent.can_see_queue(conversation.queue)
    )


def check_can_see(agent: Agent, conversation: Conversation) -> None:
    if not can_see(agent, conversation):
        # Not "forbidden": an agent should not learn that a conversation exists elsewhere.
        raise NotFound(f"no conversation {conversation.id}")


def _check_handles(agent: Agent, conversation: Conversation) -> None:
    check_can_see(agent, conversation)
    if not agent.sees_everything and conversation.assignee_id not in (None, agent.id):
        raise PermissionDenied("this conversation is handled by another agent")


async def _load(uow: UnitOfWork, conversation_id: str, *, for_update: bool = False) -> Conversation:
    conversation = await uow.conversations.get(conversation_id, for_update=for_update)
    if conversation is None:
        raise NotFound(f"no conversation {conversation_id}")
    return conversation


async def _save(uow: UnitOfWork, conversation: Conversation) -> Conversation:
    await uow.conversations.update(conversation)
    uow.record(conversation.take_events())
    await uow.commit()
    return conversation


@dataclass(frozen=True, slots=True)
class CustomerView:
    """What a customer is shown about their conversation: the same over HTTP and the stream."""

    conversation: Conversation
    queue: str | None
    queue_position: int | None
    estimated_wait_s: float | None
    offer: str | None

    def status_fields(self) -> dict[str, object]:
        return {
            "status": self.conversation.status.value,
            "handover_reason": self.conversation.handover_reason,
            "queue": self.queue,
            "queue_position": self.queue_position,
            "estimated_wait_s": self.estimated_wait_s,
            "offer": self.offer,
        }


async def customer_view(ctx: ServiceContext, conversation_id: str) -> CustomerView:
    conversation = await get_conversation(ctx, conversation_id)
    waiting = conversation.status is Status.QUEUED
    position = await queue_position(ctx, conversation) if waiting else None
    return CustomerView(
        conversation=conversation,
        queue=conversation.queue if waiting else None,
        queue_position=position,
        estimated_wait_s=await estimated_wait_s(ctx, conversation, position) if position else None,
        offer=conversation.overflow_offer if waiting else None,
    )
