"""A customer's data on request (export, erasure) and the audit log of admin actions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from kefu.domain.agent import Agent
from kefu.privacy.actions import Privacy
from kefu.web.deps import SupervisorDep

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
ExternalId = Annotated[str, Path(min_length=1, max_length=128)]


class AuditEntryOut(BaseModel):
    id: str
    at: str
    actor_id: str
    actor_role: str
    action: str
    target: str
    detail: dict[str, Any]


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]


class ErasedOut(BaseModel):
    customer_id: str
    conversations: int


def privacy_of(request: Request) -> Privacy:
    privacy: Privacy = request.app.state.privacy
    return privacy


async def audit(
    request: Request, actor: Agent, action: str, target: str, detail: dict[str, Any] | None = None
) -> None:
    """Leaves a line in the audit log (used by every admin and supervisor change)."""
    await privacy_of(request).record(actor, action, target, detail)


@router.get("/customers/{external_id}/export")
async def export_customer(
    external_id: ExternalId, supervisor: SupervisorDep, request: Request
) -> dict[str, Any]:
    """Everything kefu holds on the customer, as JSON (admins only; audited)."""
    return await privacy_of(request).export_customer(supervisor, external_id)


@router.delete("/customers/{external_id}", response_model=ErasedOut)
async def erase_customer(
    external_id: ExternalId, supervisor: SupervisorDep, request: Request
) -> ErasedOut:
    """Erases the customer's personal data and message text; anonymous counts stay (admins
    only; audited; publishes `customer.erased`)."""
    return ErasedOut(**await privacy_of(request).erase_customer(supervisor, external_id))


@router.get("/audit", response_model=AuditOut)
async def audit_log(
    supervisor: SupervisorDep,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditOut:
    """Who did what, newest first: admin and supervisor changes, exports and erasures."""
    entries = await privacy_of(request).audit_log(supervisor, limit=limit, action=action)
    return AuditOut(entries=[AuditEntryOut(**e.to_json()) for e in entries])
