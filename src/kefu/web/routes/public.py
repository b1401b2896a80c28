"""The public channel API: what the widget and integrations use on behalf of a customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, status

from kefu.services import conversations as conv
from kefu.services.conversations import CustomerInfo
from kefu.web.deps import (
    AuthorizationHeader,
    CtxDep,
    CustomerDep,
    TokensDep,
    bearer,
    check_customer,
)
from kefu.web.schemas import (
    MAX_SEQ,
    CallbackIn,
    CallbackOut,
    CustomerMessageIn,
    HandOverIn,
    MessageOut,
    MessagesOut,
    PublicConversationOut,
    StartConversationIn,
    StartConversationOut,
)

router = APIRouter(prefix="/api/v1/public", tags=["public"])


@router.post(
    "/conversations", status_code=status.HTTP_201_CREATED, response_model=StartConversationOut
)
async def start_conversation(
    ctx: CtxDep, tokens: TokensDep, body: Annotated[StartConversationIn | None, Body()] = None
) -> StartConversationOut:
    """Starts a conversation and returns the `customer_token` that opens it."""
    body = body or StartConversationIn()
    nested = body.customer or StartConversationIn()
    info = CustomerInfo(
        external_id=nested.external_id or body.external_id,
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
    conversation_id: str,
    ctx: CtxDep,
    tokens: TokensDep,
    authorization: AuthorizationHeader = None,
    token: Annotated[str | None, Query()] = None,
) -> PublicConversationOut:
    """Status, hand-over reason and queue position. A token, when sent, must match."""
    raw = bearer(authorization) or token
    if raw is not None:
        check_customer(tokens, raw, conversation_id)
    view = await conv.customer_view(ctx, conversation_id)
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
        last_seq=c.last_seq,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageOut,
)
async def post_message(
    conversation_id: str, body: CustomerMessageIn, ctx: CtxDep, _customer: CustomerDep
) -> MessageOut:
    """Stores the customer's message. Sending the same `client_id` again returns the message
    stored the first time instead of storing it twice. `action` names the button behind the
    message (a quick reply, a suggested question, a menu node, the human button)."""
    action = body.action.model_dump() if body.action else None
    message = await conv.post_customer_message(
        ctx, conversation_id, body.text, body.client_id, action=action
    )
    return MessageOut.of(message)


@router.get("/conversations/{conversation_id}/messages", response_model=MessagesOut)
async def list_messages(
    conversation_id: str,
    ctx: CtxDep,
    _customer: CustomerDep,
    after: Annotated[
        int, Query(ge=0, le=MAX_SEQ, description="Only messages with a larger seq")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 500,
) -> MessagesOut:
    found = await conv.list_messages(ctx, conversation_id, after=after, limit=limit)
    return MessagesOut(messages=[MessageOut.of(m) for m in found])


@router.post("/conversations/{conversation_id}/handover", response_model=PublicConversationOut)
async def ask_for_human(
    conversation_id: str,
    ctx: CtxDep,
    tokens: TokensDep,
    customer: CustomerDep,
    body: Annotated[HandOverIn | None, Body()] = None,
) -> PublicConversationOut:
    """The "talk to a human" button."""
    current = await conv.get_conversation(ctx, conversation_id)
    # Pressing the button again while already waiting for (or talking to) a human is harmless.
    if current.status.value == "bot":
        await conv.hand_over(ctx, conversation_id, reason=(body or HandOverIn()).reason)
    return await conversation_status(conversation_id, ctx, tokens, None, None)


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
async def close(
    conversation_id: str, ctx: CtxDep, tokens: TokensDep, _customer: CustomerDep
) -> PublicConversationOut:
    """The customer ends the chat (closing the widget, say). Writing again reopens it."""
    await conv.close_by_customer(ctx, conversation_id)
    return await conversation_status(conversation_id, ctx, tokens, None, None)
