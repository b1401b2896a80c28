"""Administration for supervisors and admins: queue settings, callback requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kefu.privacy.policy import shown_phone
from kefu.routing import queues
from kefu.web.deps import CtxDep, SupervisorDep
from kefu.web.routes.privacy import audit
from kefu.web.schemas import CallbackOut, QueueSettingsIn, QueueSettingsOut

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/queues", response_model=list[QueueSettingsOut])
async def list_queues(supervisor: SupervisorDep, ctx: CtxDep) -> list[QueueSettingsOut]:
    async with ctx.uow() as uow:
        stored = await uow.queues.list(supervisor.account_id)
    return [QueueSettingsOut(name=name, **data) for name, data in stored.items()]


@router.put("/queues/{name}", response_model=QueueSettingsOut)
async def put_queue(
    name: str, body: QueueSettingsIn, supervisor: SupervisorDep, ctx: CtxDep, request: Request
) -> QueueSettingsOut:
    """Skills, strategy, overflow rules and business hours of a queue; takes effect at once."""
    data: dict[str, Any] = body.model_dump(mode="json", exclude_none=True)
    await queues.put_config(ctx, name, data, supervisor.account_id)
    await audit(request, supervisor, "queue.updated", name, data)
    return QueueSettingsOut(name=name, **data)


@router.get("/callbacks", response_model=list[CallbackOut])
async def callbacks(
    supervisor: SupervisorDep,
    ctx: CtxDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CallbackOut]:
    """Booked callbacks. The number shows in full only to whoever calls back: the agent the
    callback's conversation is assigned to; everyone else sees it masked."""
    async with ctx.uow() as uow:
        found = await uow.callbacks.list(supervisor.account_id, limit)
        callers = {}
        for c in found:
            conversation = await uow.conversations.get(c.conversation_id)
            callers[c.id] = conversation.assignee_id if conversation else None
    return [
        CallbackOut(
            callback_id=c.id,
            conversation_id=c.conversation_id,
            phone=shown_phone(c.phone, calling_back=callers[c.id] == supervisor.id) or "",
            preferred_time=c.preferred_time,
            created_at=c.created_at,
        )
        for c in found
    ]
