"""Administration of the team (users and roles) and of retention settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, status
from pydantic import Field

from kefu.adapters.db.account_settings import AccountSettingsStore
from kefu.domain.agent import Agent, Role
from kefu.services import agents as agent_service
from kefu.services import team
from kefu.web.deps import ContainerDep, CtxDep, SupervisorDep
from kefu.web.schemas import AgentOut, RequestBody

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

RoleName = Literal["agent", "supervisor", "admin"]
Language = Literal["zh", "en"]
ZH: Language = "zh"
RETENTION_KEY = "retention"


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
    password: str = Field(max_length=200)
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
    password: str | None = Field(default=None, max_length=200)


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
async def create_user(body: UserIn, supervisor: SupervisorDep, ctx: CtxDep) -> UserOut:
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
    return UserOut.of(await agent_service.create_agent(ctx, new))


@router.patch("/users/{user_id}", response_model=UserOut)
async def update_user(
    user_id: str, body: UserPatch, supervisor: SupervisorDep, ctx: CtxDep
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
    return UserOut.of(await team.update_agent(ctx, supervisor, user_id, changes))


@router.get("/settings/retention", response_model=RetentionOut)
async def get_retention(supervisor: SupervisorDep, container: ContainerDep) -> RetentionOut:
    stored = await AccountSettingsStore(container.engine).get(supervisor.account_id, RETENTION_KEY)
    return RetentionOut.model_validate(stored or {})


@router.put("/settings/retention", response_model=RetentionOut)
async def put_retention(
    body: RetentionSettings, supervisor: SupervisorDep, container: ContainerDep
) -> RetentionOut:
    team.require_admin(supervisor)
    now = container.ctx.clock()
    value = {
        **body.model_dump(mode="json"),
        "updated_at": now.isoformat(),
        "updated_by": supervisor.id,
    }
    await AccountSettingsStore(container.engine).put(
        supervisor.account_id, RETENTION_KEY, value, by=supervisor.id, now=now
    )
    return RetentionOut.model_validate(value)
