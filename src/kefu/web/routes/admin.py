"""Administration for supervisors and admins: queue settings, callback requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from kefu.services import queues
from kefu.web.deps import CtxDep, SupervisorDep
from kefu.web.schemas import CallbackOut, QueueSettingsIn, QueueSettingsOut

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/queues", response_model=list[QueueSettingsOut])
async def list_queues(supervisor: SupervisorDep, ctx: CtxDep) -> list[QueueSettingsOut]:
    async with ctx.uow() as uow:
        stored = await uow.queues.list(supervisor.account_id)
    return [QueueSettingsOut(name=name, **data) for name, data in stored.items()]


@router.put("/queues/{name}", response_model=QueueSettingsOut)
async def put_queue(
    name: str, body: QueueSettingsIn, supervisor: SupervisorDep, ctx: CtxDep
) -> QueueSettingsOut:
    """Skills, strategy, overflow rules and business hours of a queue; takes effect at once."""
    data: dict[str, Any] = body.model_dump(mode="json", exclude_none=True)
    await queues.put_config(ctx, name, data, supervisor.account_id)
    return QueueSettingsOut(name=name, **data)


@router.get("/callbacks", response_model=list[CallbackOut])
async def callbacks(
    supervisor: SupervisorDep,
    ctx: CtxDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CallbackOut]:
    async with ctx.uow() as uow:
        found = await uow.callbacks.list(supervisor.account_id, limit)
    return [
        CallbackOut(
            callback_id=c.id,
            conversation_id=c.conversation_id,
            phone=c.phone,
            preferred_time=c.preferred_time,
            created_at=c.created_at,
        )
        for c in found
    ]
