"""SQLite beside another process: an operator runs `kefu users create` while the server is
writing, and neither write fails with "database is locked"."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from kefu import core
from kefu.domain.agent import Agent, Role
from kefu.domain.ids import new_id
from kefu.services.agents import NewAgent, create_agent
from kefu.services.tenancy import ensure_account
from tests.conftest import make_settings

PASSWORD = "a-long-enough-password"


def test_a_user_created_from_the_command_line_while_the_server_writes_is_kept(
    sqlite_url: str,
) -> None:
    async def run() -> list[str]:
        server = core.build_core(make_settings(sqlite_url))
        command_line = core.build_core(make_settings(sqlite_url))
        other_wrote = asyncio.Event()
        try:
            # The server's unit of work reads, then writes; the command line commits in
            # between. Before writes began IMMEDIATE, the server's write failed at once.
            async def server_writes() -> None:
                async with server.ctx.uow() as uow:
                    await uow.agents.get_by_email("nobody@kefu.test")
                    started.set()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(other_wrote.wait(), 0.5)
                    await ensure_account(uow, "default")
                    await uow.agents.add(_agent("server@kefu.test"))
                    await uow.commit()

            async def command_line_writes() -> None:
                await started.wait()
                await create_agent(command_line.ctx, _new("cli@kefu.test"))
                other_wrote.set()

            started = asyncio.Event()
            await asyncio.gather(server_writes(), command_line_writes())
            async with server.ctx.uow(read_only=True) as uow:
                found = [
                    await uow.agents.get_by_email(email)
                    for email in ("server@kefu.test", "cli@kefu.test")
                ]
            return [agent.email for agent in found if agent is not None]
        finally:
            await command_line.stop()
            await server.stop()

    assert asyncio.run(run()) == ["server@kefu.test", "cli@kefu.test"]


def _new(email: str) -> NewAgent:
    return NewAgent(email, email.split("@")[0], PASSWORD, Role("agent"), [], ["zh"])


def _agent(email: str) -> Agent:
    return Agent(
        id=new_id(),
        account_id="default",
        email=email,
        name=email.split("@")[0],
        role=Role.AGENT,
        password_hash="not-a-login",
        created_at=datetime.now(UTC),
    )
