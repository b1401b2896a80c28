"""The agent API: log in, presence, my work, take, reply, note, transfer, resolve."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from kefu.domain.errors import AuthenticationFailed
from kefu.privacy.policy import shown_profile
from kefu.services import access, business_wire, conversation_views, handling
from kefu.services import agents as agent_service
from kefu.services import conversations as conv
from kefu.services.customers import customer_context
from kefu.web.deps import AgentDep, ContainerDep, CtxDep, TokensDep
from kefu.web.limits_config import GuardDep
from kefu.web.schemas import (
    MAX_SEQ,
    AgentMessageIn,
    AgentOut,
    ConversationOut,
    ConversationsOut,
    CustomerContextOut,
    CustomerOut,
    LoginIn,
    LoginOut,
    MessageOut,
    MessagesOut,
    PresenceIn,
    QueuesOut,
    TransferIn,
)

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])


@router.post("/login", response_model=LoginOut)
async def login(body: LoginIn, ctx: CtxDep, tokens: TokensDep, guard: GuardDep) -> LoginOut:
    """Too many wrong passwords for one account or from one address: 429 with Retry-After."""
    limiter, limits = guard.limiter, guard.limits
    account = body.email.strip().lower()
    wait = "too many failed log-ins; wait and try again"
    await limiter.check(limits.login_account, account, wait)
    await limiter.check(limits.login_address, guard.address, wait)
    try:
        agent = await agent_service.authenticate(ctx, body.email, body.password)
    except AuthenticationFailed:
        await limiter.count(limits.login_account, account)
        await limiter.count(limits.login_address, guard.address)
        raise
    await limiter.reset(limits.login_account, account)
    issued = tokens.for_agent(agent.id, ctx.clock(), agent.token_version)
    return LoginOut(token=issued.token, expires_at=issued.expires_at, agent=AgentOut.of(agent))


@router.get("/me", response_model=AgentOut)
async def me(agent: AgentDep) -> AgentOut:
    return AgentOut.of(agent)


@router.put("/me/presence", response_model=AgentOut)
async def set_presence(body: PresenceIn, agent: AgentDep, ctx: CtxDep) -> AgentOut:
    return AgentOut.of(await agent_service.set_presence(ctx, agent.id, body.presence))


@router.get("/agents", response_model=list[AgentOut])
async def team(agent: AgentDep, ctx: CtxDep) -> list[AgentOut]:
    """The team, for choosing whom to transfer to."""
    return [AgentOut.of(a) for a in await agent_service.list_agents(ctx, agent.account_id)]


@router.get("/queues", response_model=QueuesOut)
async def queues(agent: AgentDep, ctx: CtxDep) -> QueuesOut:
    """Queues this agent may see, with how many conversations wait in each."""
    return QueuesOut(queues=await conversation_views.queue_counts(ctx, agent))


@router.get("/conversations", response_model=ConversationsOut)
async def my_conversations(
    agent: AgentDep,
    ctx: CtxDep,
    scope: Annotated[Literal["mine", "queued", "open"], Query()] = "mine",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ConversationsOut:
    found = await conversation_views.list_for_agent(ctx, agent, scope=scope, limit=limit)
    names = await conversation_views.customer_names(ctx, found, viewer=agent)
    return ConversationsOut(
        conversations=[ConversationOut.of(c, customer_name=names[c.id]) for c in found]
    )


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
async def conversation(conversation_id: str, agent: AgentDep, ctx: CtxDep) -> ConversationOut:
    return ConversationOut.of(await access.access_conversation(ctx, agent, conversation_id))


@router.get("/conversations/{conversation_id}/messages", response_model=MessagesOut)
async def messages(
    conversation_id: str,
    agent: AgentDep,
    ctx: CtxDep,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 500,
) -> MessagesOut:
    """The transcript including internal notes."""
    await access.access_conversation(ctx, agent, conversation_id)
    found = await conv.list_messages(
        ctx, conversation_id, after=after, limit=limit, include_internal=True
    )
    return MessagesOut(messages=[MessageOut.of(m) for m in found])


@router.post("/conversations/{conversation_id}/take", response_model=ConversationOut)
async def take(conversation_id: str, agent: AgentDep, ctx: CtxDep) -> ConversationOut:
    return ConversationOut.of(await handling.take(ctx, agent, conversation_id))


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageOut,
)
async def reply(
    conversation_id: str, body: AgentMessageIn, agent: AgentDep, ctx: CtxDep
) -> MessageOut:
    """A reply to the customer, or with `internal: true` a note only the team sees."""
    message = await conv.post_agent_message(
        ctx, agent, conversation_id, body.text, body.client_id, internal=body.internal
    )
    return MessageOut.of(message)


@router.post("/conversations/{conversation_id}/transfer", response_model=ConversationOut)
async def transfer(
    conversation_id: str, body: TransferIn, agent: AgentDep, ctx: CtxDep
) -> ConversationOut:
    c = await handling.transfer(
        ctx,
        agent,
        conversation_id,
        to_agent_id=body.to_agent_id,
        to_queue=body.to_queue,
        to_bot=body.to_bot,
        note=body.note,
    )
    return ConversationOut.of(c)


@router.post("/conversations/{conversation_id}/resolve", response_model=ConversationOut)
async def resolve(conversation_id: str, agent: AgentDep, ctx: CtxDep) -> ConversationOut:
    return ConversationOut.of(await handling.resolve(ctx, conversation_id, by=agent))


@router.get("/conversations/{conversation_id}/customer", response_model=CustomerContextOut)
async def customer(
    conversation_id: str, agent: AgentDep, container: ContainerDep
) -> CustomerContextOut:
    """Who the customer is and their recent orders from the business system."""
    found = await customer_context(container.ctx, container.business, agent, conversation_id)
    return CustomerContextOut(
        customer=CustomerOut.of(found.customer, handling=found.handling),
        business_profile=shown_profile(
            business_wire.to_json(found.business_profile) if found.business_profile else None,
            handling=found.handling,
        ),
        orders=[business_wire.to_json(order) for order in found.orders],
        business_error=found.business_error,
    )
