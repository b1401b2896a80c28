"""Shared fixtures: databases (SQLite and PostgreSQL for real), apps, clients."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from kefu.adapters.db import migrate
from kefu.settings import Settings

POSTGRES_URL = os.environ.get("KEFU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_SECRET = "test-secret-that-is-long-enough-for-hs256"


def reset_postgres(url: str = POSTGRES_URL) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database: every integration test runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kefu.db'}"
    else:
        reset_postgres()
        url = POSTGRES_URL
    migrate.upgrade(url)
    yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    migrate.upgrade(url)
    return url


def make_settings(database_url: str, **overrides: object) -> Settings:
    # Tests of the plumbing count messages exactly, so the bot is off unless a test asks.
    overrides.setdefault("bot_enabled", False)
    # Every test client comes from one address; abuse limits are tested on their own.
    overrides.setdefault("rate_limits", False)
    return Settings(
        env="test",
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        database_url=database_url,
        log_json=False,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    from kefu.web.app import create_app

    with TestClient(create_app(make_settings(database_url))) as test_client:
        yield test_client
