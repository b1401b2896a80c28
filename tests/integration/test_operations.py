"""What an operator relies on: schema upgrades, the CLI, health, metrics, offline docs, demo."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from kefu.adapters.db import migrate
from kefu.web import cli as web_cli
from tests.conftest import make_settings


def run_cli(*argv: str) -> int:
    import argparse

    from kefu.cli import CliError

    parser = argparse.ArgumentParser(prog="kefu")
    web_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    try:
        return int(args.handler(args))
    except CliError as exc:
        print(f"kefu: error: {exc}")
        return 2


def test_db_upgrade_creates_the_schema_and_is_repeatable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'kefu.db'}"
    assert run_cli("db", "upgrade", "--database", url) == 0
    assert run_cli("db", "upgrade", "--database", url) == 0
    assert f"revision {migrate.head_revision()}" in capsys.readouterr().out


def test_a_schema_newer_than_the_code_is_refused(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    assert run_cli("db", "upgrade", "--database", sqlite_url) == 2
    assert "newer than this kefu" in capsys.readouterr().out


def test_users_create_and_its_errors(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("users", "create", "--database", sqlite_url, "--name", "李娜")
    assert (
        run_cli(
            *base, "--email", "lina@example.com", "--password", "s3cret-pass", "--skills", "orders"
        )
        == 0
    )
    assert run_cli(*base, "--email", "lina@example.com", "--password", "s3cret-pass") == 2
    assert "already exists" in capsys.readouterr().out
    assert run_cli(*base, "--email", "short@example.com", "--password", "short") == 2
    assert "at least 8" in capsys.readouterr().out
    assert run_cli(*base, "--email", "not-an-email", "--password", "s3cret-pass") == 2
    assert run_cli("db", "upgrade", "--database", "mysql://x") == 2
    assert "unsupported database" in capsys.readouterr().out


def test_the_demo_can_be_loaded_twice_without_duplicates(sqlite_url: str) -> None:
    from kefu import bootstrap, demo

    async def seed_twice() -> tuple[int, int, int]:
        container = bootstrap.build(make_settings(sqlite_url))
        try:
            first = await demo.seed(container.ctx)
            second = await demo.seed(container.ctx)
            async with container.ctx.uow() as uow:
                team = await uow.agents.list("default")
            return first, second, len(team)
        finally:
            await container.stop()

    assert asyncio.run(seed_twice()) == (len(demo.DEMO_TEAM), 0, len(demo.DEMO_TEAM))


def test_health_readiness_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready == {"status": "ready", "database": "ok", "redis": "not_configured"}
    client.post("/api/v1/public/conversations", json={})
    metrics = client.get("/metrics").text
    assert 'kefu_events_total{name="conversation.created"} 1.0' in metrics
    assert "kefu_http_request_seconds_bucket" in metrics
    assert "kefu_websocket_connections 0.0" in metrics


def test_api_docs_are_served_without_internet(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "https://" not in page
    assert "/_static/swagger/swagger-ui-bundle.js" in page
    assert client.get("/_static/swagger/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/v1/public/conversations/{conversation_id}/messages" in spec["paths"]


def test_unknown_routes_and_methods_answer_in_json(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client.delete("/api/v1/public/conversations").status_code == 405


def test_the_migrations_build_exactly_the_schema_the_code_uses(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kefu.adapters.db.engine import sync_url
    from kefu.adapters.db.tables import metadata

    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_users_create_starts_without_the_language_models(sqlite_url: str) -> None:
    """An admin adding a colleague waits for a database write, not for models to load."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from kefu.cli import main\n"
        f"code = main(['users', 'create', '--email', 'mei@kefu.local', '--name', 'Mei', "
        f"'--password', 'correct-horse-battery', '--database', {sqlite_url!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'numpy') "
        "or m.startswith(('kefu.nlu', 'kefu.bot')))\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 []"
