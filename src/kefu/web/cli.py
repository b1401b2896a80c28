"""`kefu serve`, `kefu db upgrade`, `kefu users create`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import Any

from pydantic import ValidationError

from kefu.cli import CliError
from kefu.domain.agent import Role
from kefu.domain.errors import DomainError
from kefu.settings import Settings


def load_settings(**overrides: Any) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise CliError(f"invalid settings: {problems}") from exc
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="run the kefu server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--database", help="database URL (default: KEFU_DATABASE_URL)")
    serve.add_argument("--redis", help="Redis URL for fan-out between instances")
    serve.add_argument("--demo", action="store_true", help="load the food-delivery demo data")
    serve.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema")
    serve.add_argument("--log-level", default=None)
    serve.set_defaults(handler=_serve)

    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="bring the schema up to date")
    upgrade.add_argument("--database", help="database URL (default: KEFU_DATABASE_URL)")
    upgrade.set_defaults(handler=_db_upgrade)

    users = subparsers.add_parser("users", help="service team accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    create = users_sub.add_parser("create", help="create an agent, supervisor or admin")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--password", help="default: KEFU_NEW_PASSWORD or a prompt")
    create.add_argument("--role", choices=[r.value for r in Role], default=Role.AGENT.value)
    create.add_argument("--skills", default="", help="comma-separated, e.g. orders,refunds")
    create.add_argument("--languages", default="zh", help="comma-separated, e.g. zh,en")
    create.add_argument("--max-concurrent", type=int, default=5)
    create.add_argument("--database", help="database URL (default: KEFU_DATABASE_URL)")
    create.set_defaults(handler=_users_create)


def _migrate(url: str) -> str:
    from kefu import core

    try:
        return core.upgrade_database(url)
    except DomainError as exc:
        raise CliError(exc.message) from exc
    except Exception as exc:
        raise CliError(f"cannot reach or upgrade the database at {url}: {exc}") from exc


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings(database_url=args.database)
    revision = _migrate(settings.database_url)
    print(f"database schema is at revision {revision}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kefu import core, logs
    from kefu.web.app import create_app

    settings = load_settings(
        database_url=args.database, redis_url=args.redis, log_level=args.log_level
    )
    logs.configure(settings.log_level, json_lines=settings.log_json)
    if args.no_migrate:
        try:
            core.check_database(settings.database_url)
        except DomainError as exc:
            raise CliError(exc.message) from exc
    else:
        _migrate(settings.database_url)
    if args.demo:
        asyncio.run(_seed_demo(settings))
        print(
            "demo team: admin@kefu.local, lead@kefu.local, lina@kefu.local, wei@kefu.local, "
            "emma@kefu.local — password kefu-demo-2026",
            file=sys.stderr,
        )
    print(f"kefu on http://{args.host}:{args.port}  (API docs: /docs)", file=sys.stderr)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        ws_ping_interval=20,
        timeout_graceful_shutdown=5,
    )
    return 0


async def _seed_demo(settings: Settings) -> None:
    from kefu import core, demo

    container = core.build_core(settings.model_copy(update={"redis_url": None}), batch_writes=False)
    try:
        await demo.seed(container.ctx)
    finally:
        await container.stop()


def _users_create(args: argparse.Namespace) -> int:
    from kefu import core
    from kefu.services.agents import NewAgent, create_agent

    password = args.password or os.environ.get("KEFU_NEW_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("give --password or KEFU_NEW_PASSWORD (no terminal to ask on)")
        password = getpass.getpass("password: ")
    settings = load_settings(database_url=args.database)
    try:
        core.check_database(settings.database_url)
    except DomainError as exc:
        raise CliError(exc.message) from exc
    new = NewAgent(
        email=args.email,
        name=args.name,
        password=password,
        role=Role(args.role),
        skills=[s for s in args.skills.split(",") if s.strip()],
        languages=[s for s in args.languages.split(",") if s.strip()],
        max_concurrent=args.max_concurrent,
    )

    async def run() -> str:
        # Only storage and the use cases: no language models, no features.
        container = core.build_core(settings, batch_writes=False)
        try:
            return (await create_agent(container.ctx, new)).id
        finally:
            await container.stop()

    try:
        agent_id = asyncio.run(run())
    except DomainError as exc:
        raise CliError(exc.message) from exc
    print(f"created {args.role} {args.email} ({agent_id})")
    return 0
