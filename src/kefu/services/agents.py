"""Use cases for the service team: accounts, log-in, presence."""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.domain.agent import Agent, Presence, Role
from kefu.domain.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from kefu.domain.events import AgentPresenceChanged
from kefu.domain.ids import new_id
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.services.context import ServiceContext
from kefu.services.passwords import hash_password, verify_password
from kefu.services.ports import DuplicateKey
from kefu.services.tenancy import ensure_account


@dataclass(frozen=True, slots=True)
class NewAgent:
    email: str
    name: str
    password: str
    role: Role = Role.AGENT
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["zh"])
    max_concurrent: int = 5
    account_id: str = DEFAULT_ACCOUNT_ID


async def create_agent(ctx: ServiceContext, new: NewAgent) -> Agent:
    if not new.name.strip():
        raise InvalidInput("name must not be empty")
    agent = Agent(
        id=new_id(),
        account_id=new.account_id,
        email=new.email.strip().lower(),
        name=new.name.strip(),
        role=new.role,
        password_hash=hash_password(new.password),
        created_at=ctx.clock(),
        skills=sorted({s.strip().lower() for s in new.skills if s.strip()}),
        languages=sorted({lang.strip().lower() for lang in new.languages if lang.strip()}),
        max_concurrent=new.max_concurrent,
    )
    async with ctx.uow() as uow:
        await ensure_account(uow, new.account_id)
        try:
            await uow.agents.add(agent)
        except DuplicateKey as exc:
            raise Conflict(f"a user with e-mail {agent.email} already exists") from exc
        await uow.commit()
    return agent


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(new_id()))
    return _DUMMY_HASH[0]


async def authenticate(ctx: ServiceContext, email: str, password: str) -> Agent:
    async with ctx.uow(read_only=True) as uow:
        agent = await uow.agents.get_by_email(email)
    # Same message and the same time either way (an unknown e-mail still costs one argon2
    # verification), so the log-in form reveals neither which e-mails exist nor by timing.
    stored = agent.password_hash if agent is not None else _dummy_hash()
    matches = await verify_password(stored, password)
    if agent is None or not agent.active or not matches:
        raise AuthenticationFailed("wrong e-mail or password")
    return agent


async def get_agent(ctx: ServiceContext, agent_id: str) -> Agent:
    async with ctx.uow(read_only=True) as uow:
        agent = await uow.agents.get(agent_id)
    if agent is None or not agent.active:
        raise NotFound(f"no active agent {agent_id}")
    return agent


async def list_agents(ctx: ServiceContext, account_id: str) -> list[Agent]:
    async with ctx.uow(read_only=True) as uow:
        return await uow.agents.list(account_id)


async def set_presence(ctx: ServiceContext, agent_id: str, presence: Presence) -> Agent:
    async with ctx.uow() as uow:
        agent = await uow.agents.get(agent_id)
        if agent is None:
            raise NotFound(f"no agent {agent_id}")
        if agent.presence != presence:
            agent.presence = presence
            await uow.agents.update(agent)
            uow.record(
                [
                    AgentPresenceChanged(
                        occurred_at=ctx.clock(), agent_id=agent.id, presence=presence.value
                    )
                ]
            )
            await uow.commit()
    return agent


async def display_names(ctx: ServiceContext, agent_ids: set[str]) -> dict[str, str]:
    """What customers are shown of the agents who wrote to them: their name, nothing else."""
    if not agent_ids:
        return {}
    names: dict[str, str] = {}
    async with ctx.uow(read_only=True) as uow:
        for agent_id in sorted(agent_ids):
            agent = await uow.agents.get(agent_id)
            if agent is not None:
                names[agent_id] = agent.name
    return names
