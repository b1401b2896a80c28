"""The repositories of conversations and their messages over SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from kefu.adapters.db import tables as t
from kefu.adapters.db.repositories import SqlRepository, aware
from kefu.domain.conversation import Conversation, Status
from kefu.domain.message import Message, Sender
from kefu.services.ports import AgentWorkload, DuplicateKey

_CONVERSATION_FIELDS = (
    "id",
    "account_id",
    "inbox_id",
    "customer_id",
    "channel",
    "language",
    "entry_point",
    "queue",
    "priority",
    "assignee_id",
    "handover_reason",
    "queued_at",
    "assigned_at",
    "resolved_at",
    "first_response_at",
    "overflow_offer",
    "emotion",
    "last_seq",
    "last_public_seq",
    "reopen_count",
    "had_human",
    "created_at",
    "updated_at",
)


def _conversation_values(c: Conversation) -> dict[str, Any]:
    values = {name: getattr(c, name) for name in _CONVERSATION_FIELDS}
    values["status"] = c.status.value
    values["tags"] = list(c.tags)
    return values


def _conversation(row: RowMapping) -> Conversation:
    values = {name: row[name] for name in _CONVERSATION_FIELDS}
    return Conversation(**values, status=Status(row["status"]), tags=list(row["tags"]))


_UPDATABLE = tuple(
    name for name in (*_CONVERSATION_FIELDS, "status", "tags") if name not in ("id", "account_id")
)


# Built once: the message writer runs these for every batch, and building a statement
# costs more than SQLAlchemy's cached compilation of it.
_GET_MANY = (
    select(t.conversations)
    .where(t.conversations.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(t.conversations.c.id)
)
_GET_MANY_FOR_UPDATE = _GET_MANY.with_for_update()
_UPDATE_MANY = (
    t.conversations.update()
    .where(t.conversations.c.id == bindparam("_id"))
    .values({name: bindparam(name) for name in _UPDATABLE})
)


class SqlConversationRepository(SqlRepository):
    async def add(self, conversation: Conversation) -> None:
        await self._insert(t.conversations, _conversation_values(conversation), savepoint=False)

    async def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        query = select(t.conversations).where(t.conversations.c.id == conversation_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).mappings().first()
        return _conversation(row) if row else None

    async def get_many(self, ids: Sequence[str], *, for_update: bool = False) -> list[Conversation]:
        if not ids:
            return []
        query = _GET_MANY_FOR_UPDATE if for_update else _GET_MANY
        rows = (await self._conn.execute(query, {"ids": sorted(ids)})).mappings()
        return [_conversation(r) for r in rows]

    async def update_many(self, conversations: Sequence[Conversation]) -> None:
        if not conversations:
            return
        rows = []
        for conversation in conversations:
            values = _conversation_values(conversation)
            rows.append({"_id": conversation.id, **{k: values[k] for k in _UPDATABLE}})
        await self._conn.execute(_UPDATE_MANY, rows)

    async def update(self, conversation: Conversation) -> None:
        await self._conn.execute(
            t.conversations.update()
            .where(t.conversations.c.id == conversation.id)
            .values(**_conversation_values(conversation))
        )

    async def list(
        self,
        account_id: str,
        *,
        statuses: Iterable[Status] | None = None,
        queues: Iterable[str] | None = None,
        assignee_id: str | None = None,
        limit: int = 100,
        queue_order: bool = False,
    ) -> list[Conversation]:
        c = t.conversations.c
        query = select(t.conversations).where(c.account_id == account_id)
        if statuses is not None:
            query = query.where(c.status.in_([s.value for s in statuses]))
        if queues is not None:
            query = query.where(c.queue.in_(list(queues)))
        if assignee_id is not None:
            query = query.where(c.assignee_id == assignee_id)
        if queue_order:
            query = query.order_by(c.priority.desc(), c.queued_at, c.id)
        else:
            query = query.order_by(c.priority.desc(), c.updated_at.desc())
        query = query.limit(limit)
        return [_conversation(r) for r in (await self._conn.execute(query)).mappings()]

    async def queue_position(self, conversation: Conversation) -> int:
        c = t.conversations.c
        ahead = (
            select(func.count())
            .select_from(t.conversations)
            .where(
                c.account_id == conversation.account_id,
                c.status == Status.QUEUED.value,
                c.queue == conversation.queue,
                c.id != conversation.id,
                or_(
                    c.priority > conversation.priority,
                    and_(c.priority == conversation.priority, c.queued_at < conversation.queued_at),
                ),
            )
        )
        return int((await self._conn.execute(ahead)).scalar_one()) + 1

    async def count_by_queue(self, account_id: str) -> dict[str, int]:
        c = t.conversations.c
        query = (
            select(c.queue, func.count())
            .where(c.account_id == account_id, c.status == Status.QUEUED.value)
            .group_by(c.queue)
        )
        return {queue: int(n) for queue, n in (await self._conn.execute(query)).all()}

    async def workload(self, account_id: str) -> dict[str, AgentWorkload]:
        c = t.conversations.c
        query = (
            select(c.assignee_id, func.count(), func.max(c.assigned_at))
            .where(c.account_id == account_id, c.status == Status.ASSIGNED.value)
            .group_by(c.assignee_id)
        )
        rows = (await self._conn.execute(query)).all()
        return {
            agent_id: AgentWorkload(int(n), aware(latest))
            for agent_id, n, latest in rows
            if agent_id is not None
        }


def _message_values(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender": message.sender.value,
        "text": message.text,
        "client_id": message.client_id,
        "internal": message.internal,
        "author_id": message.author_id,
        "created_at": message.created_at,
        "payload": message.payload,
        "public_seq": message.public_seq,
    }


_BY_CLIENT_IDS = select(t.messages).where(
    t.messages.c.conversation_id.in_(bindparam("conversations", expanding=True)),
    t.messages.c.client_id.in_(bindparam("clients", expanding=True)),
)


class SqlMessageRepository(SqlRepository):
    async def add(self, message: Message) -> None:
        await self._insert(t.messages, _message_values(message))

    async def add_many(self, messages: Sequence[Message]) -> None:
        try:
            await self._conn.execute(t.messages.insert(), [_message_values(m) for m in messages])
        except IntegrityError as exc:
            raise DuplicateKey(str(exc.orig)) from exc

    async def find_by_client_ids(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str | None], Message]:
        if not keys:
            return {}
        wanted = set(keys)
        params = {
            "conversations": list({cid for cid, _ in keys}),
            "clients": list({client for _, client in keys}),
        }
        found: dict[tuple[str, str | None], Message] = {}
        for row in (await self._conn.execute(_BY_CLIENT_IDS, params)).mappings():
            key = (row["conversation_id"], row["client_id"])
            if key in wanted:
                found[key] = _message(row)
        return found

    async def get_by_client_id(self, conversation_id: str, client_id: str) -> Message | None:
        m = t.messages.c
        query = select(t.messages).where(
            m.conversation_id == conversation_id, m.client_id == client_id
        )
        row = (await self._conn.execute(query)).mappings().first()
        return _message(row) if row else None

    async def list_after(
        self,
        conversation_id: str,
        *,
        after: int = 0,
        limit: int = 500,
        include_internal: bool = False,
    ) -> list[Message]:
        """With `include_internal` (the team's view) `after` is a `seq`; without (the
        customer's view) it is a `public_seq`, the customer's own numbering."""
        m = t.messages.c
        query = select(t.messages).where(m.conversation_id == conversation_id)
        if include_internal:
            query = query.where(m.seq > after)
        else:
            query = query.where(m.internal.is_(False), m.public_seq > after)
        query = query.order_by(m.seq).limit(limit)
        return [_message(r) for r in (await self._conn.execute(query)).mappings()]


def _message(row: RowMapping) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        seq=row["seq"],
        sender=Sender(row["sender"]),
        text=row["text"],
        client_id=row["client_id"],
        internal=row["internal"],
        author_id=row["author_id"],
        created_at=row["created_at"],
        payload=row["payload"],
        public_seq=row["public_seq"],
    )
