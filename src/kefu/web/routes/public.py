"""The public channel API: what the widget and integrations use on behalf of a customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, status

from kefu.domain.message import Message
from kefu.services import agents as agent_service
from kefu.services import conversation_views, handling
from kefu.services import conversations as conv
from kefu.services.context import ServiceContext
from kefu.services.conversations import CustomerInfo
from kefu.web.deps import CtxDep, CustomerDep, TokensDep
from kefu.web.identity import IdentityCheck
from kefu.web.limits_config import GuardDep
from kefu.web.schemas import (
    MAX_SEQ,
    CallbackIn,
    CallbackOut,
    CustomerMessageIn,
    HandOverIn,
    PublicConversationOut,
    StartConversationIn,
    StartConversationOut,
)
from kefu.web.schemas_public import PublicMessageOut, PublicMessagesOut

router = APIRouter(prefix="/api/v1/public", tags=["public"])


@router.post(
    "/conversations", status_code=status.HTTP_201_CREATED, response_model=StartConversationOut
)
async def start_conversation(
    ctx: CtxDep,
    tokens: TokensDep,
    guard: GuardDep,
    request: Request,
    body: Annotated[StartConversationIn | None, Body()] = None,
) -> StartConversationOut:
    """Starts a conversation and returns the `customer_token` that opens it."""
    await guard.limiter.hit(
        guard.limits.starts_address, guard.address, "too many new conversations; wait a minute"
    )
    body = body or StartConversationIn()
    nested = body.customer or StartConversationIn()
    identity: IdentityCheck = request.app.state.identity
    info = CustomerInfo(
        external_id=identity.external_id(
            nested.external_id or body.external_id, body.identity_signature
        ),
        name=nested.name or body.name,
        phone=nested.phone or body.phone,
        language=nested.language or body.language or "zh",
        tags=list(nested.tags or body.tags or []),
    )
    started = await conv.start_conversation(
        ctx, info, channel=body.channel, entry_point=body.entry_point
    )
    c = started.conversation
    issued = tokens.for_customer(started.customer.id, c.id, ctx.clock())
    return StartConversationOut(
        conversation_id=c.id,
        customer_id=started.customer.id,
        customer_token=issued.token,
        token_expires_at=issued.expires_at,
        status=c.status.value,
        channel=c.channel,
        entry_point=c.entry_point,
        created_at=c.created_at,
    )


@router.get("/conversations/{conversation_id}", response_model=PublicConversationOut)
async def conversation_status(
    conversation_id: str, ctx: CtxDep, _customer: CustomerDep
) -> PublicConversationOut:
    """Status, hand-over reason and queue position (needs the conversation's token)."""
    return await _status(ctx, conversation_id)


async def _status(ctx: ServiceContext, conversation_id: str) -> PublicConversationOut:
    view = await conversation_views.customer_view(ctx, conversation_id)
    c = view.conversation
    return PublicConversationOut(
        conversation_id=c.id,
        status=c.status.value,
        handover_reason=c.handover_reason,
        queue=view.queue,
        queue_position=view.queue_position,
        estimated_wait_s=view.estimated_wait_s,
        offer=view.offer,
        language=c.language,
        channel=c.channel,
        entry_point=c.entry_point,
        last_seq=c.last_public_seq,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


async def public_messages(ctx: ServiceContext, found: list[Message]) -> list[PublicMessageOut]:
    names = await agent_service.display_names(
        ctx, {m.author_id for m in found if m.author_id is not None}
    )
    return [PublicMessageOut.of(m, names.get(m.author_id) if m.author_id else None) for m in found]


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=PublicMessageOut,
)
async def post_message(
    conversation_id: str,
    body: CustomerMessageIn,
    ctx: CtxDep,
    _customer: CustomerDep,
    guard: GuardDep,
) -> PublicMessageOut:
    """Stores the customer's message. Sending the same `client_id` again returns the message
    stored the first time instead of storing it twice. `action` names the button behind the
    message (a quick reply, a suggested question, a menu node, the human button)."""
    slow_down = "too many messages; wait a moment"
    await guard.limiter.hit(guard.limits.messages_customer, conversation_id, slow_down)
    await guard.limiter.hit(guard.limits.messages_address, guard.address, slow_down)
    action = body.action.model_dump() if body.action else None
    message = await conv.post_customer_message(
        ctx, conversation_id, body.text, body.client_id, action=action
    )
    return PublicMessageOut.of(message)


@router.get("/conversations/{conversation_id}/messages", response_model=PublicMessagesOut)
async def list_messages(
    conversation_id: str,
    ctx: CtxDep,
    _customer: CustomerDep,
    after: Annotated[
        int, Query(ge=0, le=MAX_SEQ, description="Only messages with a larger seq")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 500,
) -> PublicMessagesOut:
    found = await conv.list_messages(ctx, conversation_id, after=after, limit=limit)
    return PublicMessagesOut(messages=await public_messages(ctx, found))


@router.post("/conversations/{conversation_id}/handover", response_model=PublicConversationOut)
async def ask_for_human(
    conversation_id: str,
    ctx: CtxDep,
    _customer: CustomerDep,
    body: Annotated[HandOverIn | None, Body()] = None,
) -> PublicConversationOut:
    """The "talk to a human" button."""
    current = await conv.get_conversation(ctx, conversation_id)
    # Pressing the button again while already waiting for (or talking to) a human is harmless.
    if current.status.value == "bot":
        await conv.hand_over(ctx, conversation_id, reason=(body or HandOverIn()).reason)
    return await _status(ctx, conversation_id)


@router.post(
    "/conversations/{conversation_id}/callback",
    status_code=status.HTTP_201_CREATED,
    response_model=CallbackOut,
)
async def book_callback(
    conversation_id: str, body: CallbackIn, ctx: CtxDep, _customer: CustomerDep
) -> CallbackOut:
    """Leave a number instead of waiting: an agent calls back (at the preferred time)."""
    request = await conv.book_callback(
        ctx,
        conversation_id,
        phone=body.phone,
        preferred_time=body.preferred_time,
        note=body.note,
    )
    return CallbackOut(
        callback_id=request.id,
        conversation_id=request.conversation_id,
        phone=request.phone,
        preferred_time=request.preferred_time,
        created_at=request.created_at,
    )


@router.post("/conversations/{conversation_id}/close", response_model=PublicConversationOut)
async def close(conversation_id: str, ctx: CtxDep, _customer: CustomerDep) -> PublicConversationOut:
    """The customer ends the chat (closing the widget, say). Writing again reopens it."""
    await handling.close_by_customer(ctx, conversation_id)
    return await _status(ctx, conversation_id)
