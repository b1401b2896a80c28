"""Database URLs and engines: one URL from the operator, the right driver for each use."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from kefu.domain.errors import InvalidInput

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise InvalidInput(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend not in _ASYNC_DRIVERS:
        raise InvalidInput(f"unsupported database {backend!r}; use sqlite:/// or postgresql://")
    return parsed


def async_url(url: str) -> URL:
    parsed = _parse(url)
    return parsed.set(drivername=_ASYNC_DRIVERS[parsed.get_backend_name()])


def sync_url(url: str) -> URL:
    parsed = _parse(url)
    return parsed.set(drivername=_SYNC_DRIVERS[parsed.get_backend_name()])


def is_sqlite(url: str) -> bool:
    return _parse(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; synchronous=NORMAL in WAL mode still survives a
    # killed process (only a power cut may lose the last commits), which is the promise we make.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # The driver's own transaction handling emits BEGIN only before INSERT/UPDATE/DELETE, so
    # a unit of work whose first write sits in a SAVEPOINT would commit it on RELEASE, alone.
    # SQLAlchemy begins every transaction itself instead (`_sqlite_begin`).
    dbapi_connection.isolation_level = None


_WRITES = "kefu_writes"


def _sqlite_begin(conn: Any) -> None:
    # A write transaction takes the write lock when it begins. A deferred one that reads
    # first cannot take it later if another process (`kefu users create` beside a running
    # server) committed after its read: SQLite then fails the write at once with "database
    # is locked", without waiting for `busy_timeout`. Taken up front, it waits its turn.
    writes = conn.get_execution_options().get(_WRITES, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


_WRITERS: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def writer(engine: AsyncEngine) -> AsyncEngine:
    """The engine that write transactions use: on SQLite they begin IMMEDIATE (made once per
    engine: every feature store's write asks for it)."""
    if engine.dialect.name != "sqlite":
        return engine
    made = _WRITERS.get(engine)
    if made is None:
        made = _WRITERS[engine] = engine.execution_options(**{_WRITES: True})
    return made


def create_engine(
    url: str, *, pool_size: int = 20, max_overflow: int = 10, pool_timeout_s: float = 30.0
) -> AsyncEngine:
    """On PostgreSQL, `pool_size` connections stay open and `max_overflow` more are opened
    at peaks (`KEFU_DB_POOL_SIZE`, `KEFU_DB_POOL_OVERFLOW`): every instance may hold their
    sum, so keep instances × sum under the server's `max_connections` (100 by default)."""
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_async_engine(target)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # No pre-ping: it is one more round trip on every checkout, taken while holding the
    # connection, and under load every round trip waits a turn of the event loop. A
    # connection the server dropped fails its first statement instead, and SQLAlchemy then
    # replaces every connection of the pool that is older; `pool_recycle` retires idle ones
    # before proxies or firewalls silently cut them.
    return create_async_engine(
        target,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
        pool_recycle=1800,
    )


_WRITE_LOCKS: weakref.WeakKeyDictionary[AsyncEngine, asyncio.Lock] = weakref.WeakKeyDictionary()


def write_lock(engine: AsyncEngine) -> asyncio.Lock | None:
    """SQLite allows one writer: everything in this process that writes through `engine`
    takes turns on this lock instead of colliding on the database's own lock, whose busy
    wait backs off by whole milliseconds. PostgreSQL needs none (None)."""
    if engine.dialect.name != "sqlite":
        return None
    lock = _WRITE_LOCKS.get(engine)
    if lock is None:
        lock = _WRITE_LOCKS[engine] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A write transaction (`engine.begin()`) that respects the process's SQLite write lock."""
    lock = write_lock(engine)
    async with contextlib.AsyncExitStack() as stack:
        if lock is not None:
            await stack.enter_async_context(lock)
        conn = await stack.enter_async_context(writer(engine).begin())
        yield conn
