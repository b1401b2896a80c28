"""Managing the service team: admins add people, change their role and skills, lock them out."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.domain.agent import Agent, Role
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.domain.events import AgentSignedOut
from kefu.services.context import ServiceContext
from kefu.services.passwords import hash_password


@dataclass(frozen=True, slots=True)
class AgentChanges:
    """Only the fields that are set change."""

    name: str | None = None
    role: Role | None = None
    skills: list[str] | None = None
    languages: list[str] | None = None
    max_concurrent: int | None = None
    active: bool | None = None
    password: str | None = None


def require_admin(actor: Agent) -> None:
    if actor.role is not Role.ADMIN:
        raise PermissionDenied("only an admin may manage users")


def _clean(values: list[str]) -> list[str]:
    return sorted({v.strip().lower() for v in values if v.strip()})


async def update_agent(
    ctx: ServiceContext, actor: Agent, agent_id: str, changes: AgentChanges
) -> Agent:
    require_admin(actor)
    if agent_id == actor.id and (
        changes.active is False or (changes.role is not None and changes.role is not actor.role)
    ):
        # An admin who demotes or locks out themselves may leave the account with no admin.
        raise InvalidInput("you cannot change your own role or deactivate yourself")
    async with ctx.uow() as uow:
        agent = await uow.agents.get(agent_id, for_update=True)
        if agent is None or agent.account_id != actor.account_id:
            raise NotFound(f"no user {agent_id}")
        if changes.name is not None:
            if not changes.name.strip():
                raise InvalidInput("name must not be empty")
            agent.name = changes.name.strip()
        if changes.role is not None:
            agent.role = changes.role
        if changes.skills is not None:
            agent.skills = _clean(changes.skills)
        if changes.languages is not None:
            agent.languages = _clean(changes.languages)
        if changes.max_concurrent is not None:
            if changes.max_concurrent < 1:
                raise InvalidInput("max_concurrent must be at least 1")
            agent.max_concurrent = changes.max_concurrent
        revoked: str | None = None
        if changes.active is not None:
            if agent.active and not changes.active:
                agent.token_version += 1  # logged out everywhere
                revoked = "deactivated"
            agent.active = changes.active
        if changes.password is not None:
            agent.password_hash = hash_password(changes.password)
            agent.token_version += 1  # a new password ends every session of the old one
            revoked = revoked or "password_changed"
        await uow.agents.update(agent)
        if revoked is not None:
            # Requests with an old token are refused by the version check; this closes the
            # streams those tokens opened, which no request passes through again.
            uow.record(
                [
                    AgentSignedOut(
                        occurred_at=ctx.clock(),
                        account_id=agent.account_id,
                        agent_id=agent.id,
                        token_version=agent.token_version,
                        reason=revoked,
                    )
                ]
            )
        await uow.commit()
    return agent
