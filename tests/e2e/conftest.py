"""Fixtures that run real `kefu serve` processes on free ports.

Every server is stopped in teardown; when a test fails, the tail of each running server's
log is attached to the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.e2e._kefu import ACTIVE, POSTGRES_URL, KefuServer

ServerFactory = Callable[..., KefuServer]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and ACTIVE:
        for server in ACTIVE:
            report.sections.append(
                (f"kefu server {server.name} (port {server.port}) log", server.log_tail())
            )
    return report


def _factory(workdir: Path) -> Iterator[ServerFactory]:
    started: list[KefuServer] = []

    def make(name: str, database: str, *, start: bool = True, **options: Any) -> KefuServer:
        server = KefuServer(name=name, database=database, workdir=workdir, **options)
        started.append(server)
        if start:
            server.start()
        return server

    try:
        yield make
    finally:
        for server in started:
            server.close()


@pytest.fixture
def kefu_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """`kefu_server(name, database_url, redis=..., demo=...)` starts a server for one test."""
    yield from _factory(tmp_path)


@pytest.fixture(scope="module")
def module_kefu_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFactory]:
    yield from _factory(tmp_path_factory.mktemp("kefu-servers"))


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KefuServer]:
    """One server with the demo team on its own SQLite file, shared by the session's tests
    (each test makes its own conversations)."""
    workdir = tmp_path_factory.mktemp("demo-server")
    factory = _factory(workdir)
    make = next(factory)
    yield make("demo", f"sqlite:///{workdir / 'kefu.db'}", demo=True)
    factory.close()


@pytest.fixture(scope="module")
def fresh_postgres() -> str:
    """The `test` database with an empty `public` schema (other suites use it too: not for
    parallel runs)."""
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return POSTGRES_URL
