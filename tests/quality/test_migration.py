"""Ratings given before quality took CSAT over still count after the upgrade."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from kefu.adapters.db import migrate


def test_existing_ratings_move_into_quality_csat(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), "0009")
        conn.execute(text("INSERT INTO accounts (id, name) VALUES ('acc', 'Shop')"))
        conn.execute(
            text(
                "INSERT INTO inboxes (id, account_id, name, channel)"
                " VALUES ('in', 'acc', 'Web', 'web_widget')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO customers (id, account_id, language, tags, created_at)"
                " VALUES ('cu', 'acc', 'zh', '[]', '2026-11-30 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO conversations (id, account_id, inbox_id, customer_id, channel, status,"
                " language, queue, priority, tags, last_seq, reopen_count, had_human, created_at,"
                " updated_at) VALUES ('cv', 'acc', 'in', 'cu', 'web_widget', 'resolved', 'zh',"
                " 'general', 0, '[]', 3, 0, 1, '2026-11-30 10:00:00', '2026-11-30 10:05:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ratings (conversation_id, score, comment, created_at)"
                " VALUES ('cv', 4, 'ok', '2026-11-30 10:06:00')"
            )
        )
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT account_id, score, comment, tier FROM quality_csat")).one()
    engine.dispose()
    assert tuple(row) == ("acc", 4, "ok", "bot_human")
