"""Bring a database schema up to date, and refuse one that is newer than this code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from kefu.adapters.db.engine import sync_url
from kefu.domain.errors import DomainError

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaError(DomainError):
    code = "schema_error"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _check_known(connection: Connection) -> str | None:
    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return None
    script = ScriptDirectory.from_config(_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise SchemaError(
            f"the database schema is at revision {current}, which is newer than this kefu "
            f"(latest known: {head_revision()}); upgrade kefu before starting it on this database"
        )
    return current


def current_revision(url: str) -> str | None:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return _check_known(connection)
    finally:
        engine.dispose()


def upgrade(url: str) -> str:
    """Upgrade to the newest schema this code knows; returns the revision reached."""
    _ensure_sqlite_directory(url)
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as connection:
            _check_known(connection)
            command.upgrade(_config(connection), "head")
    finally:
        engine.dispose()
    return head_revision()


def check_up_to_date(url: str) -> None:
    current = current_revision(url)
    if current != head_revision():
        raise SchemaError(
            f"the database schema is at {current or 'nothing'}, kefu needs {head_revision()}; "
            "run 'kefu db upgrade' or start without --no-migrate"
        )


def _ensure_sqlite_directory(url: str) -> None:
    parsed = sync_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
