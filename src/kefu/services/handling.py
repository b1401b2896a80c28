"""Use cases of the people at either end once a conversation left the bot: an agent takes,
transfers or resolves it; the customer closes it or gives up.

Each is one transaction through the aggregate; the unit of work publishes its events after
commit.
"""

from __future__ import annotations

from kefu.domain.agent import Agent
from kefu.domain.conversation import Conversation, Status, check_name
from kefu.domain.errors import InvalidInput, NotFound
from kefu.domain.message import check_text
from kefu.services.access import check_can_see, check_handles
from kefu.services.context import ServiceContext
from kefu.services.conversations import load_conversation, save_conversation


async def take(ctx: ServiceContext, agent: Agent, conversation_id: str) -> Conversation:
    async with ctx.uow() as uow:
        conversation = await load_conversation(uow, conversation_id, for_update=True)
        check_can_see(agent, conversation)
        conversation.assign(agent.id, now=ctx.clock())
        return await save_conversation(uow, conversation)


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
        conversation = await load_conversation(uow, conversation_id, for_update=True)
        check_handles(agent, conversation)
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
        return await save_conversation(uow, conversation)


async def resolve(ctx: ServiceContext, conversation_id: str, *, by: Agent | str) -> Conversation:
    """`by` is the resolving agent, or "bot" / "customer"."""
    async with ctx.uow() as uow:
        conversation = await load_conversation(uow, conversation_id, for_update=True)
        if isinstance(by, Agent):
            check_handles(by, conversation)
            resolver = by.id
        else:
            resolver = by
        conversation.resolve(by=resolver, now=ctx.clock())
        return await save_conversation(uow, conversation)


async def close_by_customer(ctx: ServiceContext, conversation_id: str) -> Conversation:
    """The customer ends the chat: while still with the bot or waiting that is an
    abandonment (they gave up), with an agent it is a resolution by the customer.
    Closing an already closed conversation changes nothing."""
    async with ctx.uow() as uow:
        conversation = await load_conversation(uow, conversation_id, for_update=True)
        if not conversation.is_open:
            return conversation
        if conversation.status is Status.ASSIGNED:
            conversation.resolve(by="customer", now=ctx.clock())
        else:
            conversation.abandon(now=ctx.clock())
        return await save_conversation(uow, conversation)


async def abandon(ctx: ServiceContext, conversation_id: str) -> Conversation:
    async with ctx.uow() as uow:
        conversation = await load_conversation(uow, conversation_id, for_update=True)
        conversation.abandon(now=ctx.clock())
        return await save_conversation(uow, conversation)
