"""The bot's tables: its turns, per-conversation state, settings, drafts and ratings."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text

from kefu.adapters.db.tables import UtcDateTime, metadata

# What the bot understood and did for each customer message: the hand-over card, agent
# assist and the quality reports read it back.
bot_turns = Table(
    "bot_turns",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("message_seq", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("intent", String(64), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("is_oos", Boolean, nullable=False),
    Column("category", String(64)),
    Column("emotion_index", Integer, nullable=False),
    Column("emotion_category", String(16), nullable=False),
    Column("entities", JSON, nullable=False),
    Column("knowledge_id", String(64)),
    Column("outcome", String(16), nullable=False),
    Column("reply_text", Text),
    Column("created_at", UtcDateTime, nullable=False),
)


# The bot's working memory per conversation (current flow, slots, counters) as one document.
bot_states = Table(
    "bot_states",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)


# Hand-over rules and thresholds per account, edited by admins; validated by kefu.bot.
bot_settings = Table(
    "bot_settings",
    metadata,
    Column("account_id", String(64), ForeignKey("accounts.id"), primary_key=True),
    Column("rules", JSON, nullable=False),
    Column("updated_by", String(32)),
    Column("updated_at", UtcDateTime, nullable=False),
)


# Replies the bot drafted for intents that need a human's approval before they are sent.
bot_drafts = Table(
    "bot_drafts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.id")),
    Column("conversation_id", String(32), ForeignKey("conversations.id"), nullable=False),
    Column("message_seq", Integer, nullable=False),
    Column("intent", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("payload", JSON),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(32)),
    Column("final_text", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Index("ix_bot_drafts_status", "status"),
    Index("ix_bot_drafts_account_id_status", "account_id", "status"),
)


ratings = Table(
    "ratings",
    metadata,
    Column("conversation_id", String(32), ForeignKey("conversations.id"), primary_key=True),
    Column("score", Integer, nullable=False),
    Column("comment", Text),
    Column("created_at", UtcDateTime, nullable=False),
)


# The bot's per-turn record belongs to kefu.bot. Other features' adapters (assist's hand-over
# package, QA's transcript reader) read only these columns of it: the bot's published read
# model of a turn, kept apart so the bot may change the rest of its table.
TURN_READINGS = sa.table(
    "bot_turns",
    sa.column("conversation_id"),
    sa.column("message_seq"),
    sa.column("text"),
    sa.column("language"),
    sa.column("intent"),
    sa.column("confidence"),
    sa.column("is_oos"),
    sa.column("category"),
    sa.column("emotion_index"),
    sa.column("emotion_category"),
    sa.column("entities", sa.JSON),
    sa.column("knowledge_id"),
    sa.column("outcome"),
    sa.column("reply_text"),
    sa.column("created_at"),
)
