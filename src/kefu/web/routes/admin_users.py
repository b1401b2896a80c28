"""Administration of the team (users and roles) and of retention settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, status
from pydantic import Field

from kefu.domain.agent import Agent, Role
from kefu.services import agents as agent_service
from kefu.services import team
from kefu.services.passwords import MIN_PASSWORD_LENGTH
from kefu.web.deps import CtxDep, SupervisorDep
from kefu.web.routes.privacy import audit, privacy_of
from kefu.web.schemas import AgentOut, RequestBody

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

RoleName = Literal["agent", "supervisor", "admin"]
Language = Literal["zh", "en"]
ZH: Language = "zh"


class UserOut(AgentOut):
    """A member of the team as admins see them: the agent view plus account state."""

    active: bool
    created_at: datetime

    @classmethod
    def of(cls, a: Agent) -> UserOut:
        return cls(**AgentOut.of(a).model_dump(), active=a.active, created_at=a.created_at)


class UserIn(RequestBody):
    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=200)
    role: RoleName = "agent"
    skills: list[str] = Field(default_factory=list, max_length=50)
    languages: list[Language] = Field(default_factory=lambda: [ZH], max_length=2)
    max_concurrent: int = Field(default=5, ge=1, le=50)


class UserPatch(RequestBody):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: RoleName | None = None
    skills: list[str] | None = Field(default=None, max_length=50)
    languages: list[Language] | None = Field(default=None, max_length=2)
    max_concurrent: int | None = Field(default=None, ge=1, le=50)
    active: bool | None = None
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=200)


class RetentionSettings(RequestBody):
    transcript_days: int = Field(
        default=365, ge=1, le=3650, description="Keep conversation transcripts this many days"
    )
    customer_data_days: int = Field(
        default=730, ge=1, le=3650, description="Keep customer profiles this many days"
    )
    keep_ratings: bool = Field(default=True, description="Keep CSAT scores after purging")


class RetentionOut(RetentionSettings):
    updated_at: datetime | None = None
    updated_by: str | None = None


@router.get("/users", response_model=list[UserOut])
async def list_users(supervisor: SupervisorDep, ctx: CtxDep) -> list[UserOut]:
    """Everyone on the team, including deactivated accounts."""
    return [UserOut.of(a) for a in await agent_service.list_agents(ctx, supervisor.account_id)]


@router.post("/users", status_code=status.HTTP_201_CREATED, response_model=UserOut)
async def create_user(
    body: UserIn, supervisor: SupervisorDep, ctx: CtxDep, request: Request
) -> UserOut:
    team.require_admin(supervisor)
    new = agent_service.NewAgent(
        email=body.email,
        name=body.name,
        password=body.password,
        role=Role(body.role),
        skills=body.skills,
        languages=list(body.languages),
        max_concurrent=body.max_concurrent,
        account_id=supervisor.account_id,
    )
    created = await agent_service.create_agent(ctx, new)
    await audit(request, supervisor, "user.created", created.id, {"role": body.role})
    return UserOut.of(created)


@router.patch("/users/{user_id}", response_model=UserOut)
async def update_user(
    user_id: str, body: UserPatch, supervisor: SupervisorDep, ctx: CtxDep, request: Request
) -> UserOut:
    changes = team.AgentChanges(
        name=body.name,
        role=Role(body.role) if body.role else None,
        skills=body.skills,
        languages=list(body.languages) if body.languages is not None else None,
        max_concurrent=body.max_concurrent,
        active=body.active,
        password=body.password,
    )
    updated = await team.update_agent(ctx, supervisor, user_id, changes)
    fields = sorted(k for k, v in body.model_dump(exclude_unset=True).items() if k != "password")
    detail = {"fields": fields, "password_changed": body.password is not None}
    await audit(request, supervisor, "user.updated", user_id, detail)
    return UserOut.of(updated)


@router.get("/settings/retention", response_model=RetentionOut)
async def get_retention(supervisor: SupervisorDep, request: Request) -> RetentionOut:
    return RetentionOut.model_validate(await privacy_of(request).retention(supervisor))


@router.put("/settings/retention", response_model=RetentionOut)
async def put_retention(
    body: RetentionSettings, supervisor: SupervisorDep, request: Request
) -> RetentionOut:
    value = await privacy_of(request).set_retention(supervisor, body.model_dump(mode="json"))
    await audit(request, supervisor, "retention.updated", supervisor.account_id, body.model_dump())
    return RetentionOut.model_validate(value)
