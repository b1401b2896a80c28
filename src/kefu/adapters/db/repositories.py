"""Repositories over SQLAlchemy Core: rows in, domain objects out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from kefu.adapters.db import tables as t
from kefu.domain.agent import Agent, Presence, Role
from kefu.domain.callback import CallbackRequest
from kefu.domain.conversation import Conversation, Status
from kefu.domain.customer import Customer
from kefu.domain.message import Message, Sender
from kefu.domain.tenancy import Account, ChannelKind, Inbox
from kefu.services.ports import AgentWorkload, DuplicateKey, SlaKey


class _Repository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def _insert(self, table: Any, values: dict[str, Any], *, savepoint: bool = True) -> None:
        """With `savepoint`, a clashing unique key leaves the transaction usable, so the
        caller can look up the row that won; without, the transaction must be abandoned."""
        try:
            if savepoint:
                async with self._conn.begin_nested():
                    await self._conn.execute(table.insert().values(**values))
            else:
                await self._conn.execute(table.insert().values(**values))
        except IntegrityError as exc:
            raise DuplicateKey(str(exc.orig)) from exc


class SqlTenancyRepository(_Repository):
    async def get_account(self, account_id: str) -> Account | None:
        row = (
            (await self._conn.execute(select(t.accounts).where(t.accounts.c.id == account_id)))
            .mappings()
            .first()
        )
        return Account(id=row["id"], name=row["name"]) if row else None

    async def add_account(self, account: Account) -> None:
        await self._insert(t.accounts, {"id": account.id, "name": account.name})

    async def get_inbox(self, inbox_id: str) -> Inbox | None:
        row = (
            (await self._conn.execute(select(t.inboxes).where(t.inboxes.c.id == inbox_id)))
            .mappings()
            .first()
        )
        return _inbox(row) if row else None

    async def find_inbox(self, account_id: str, channel: str) -> Inbox | None:
        query = (
            select(t.inboxes)
            .where(t.inboxes.c.account_id == account_id, t.inboxes.c.channel == channel)
            .order_by(t.inboxes.c.id)
        )
        row = (await self._conn.execute(query)).mappings().first()
        return _inbox(row) if row else None

    async def add_inbox(self, inbox: Inbox) -> None:
        await self._insert(
            t.inboxes,
            {
                "id": inbox.id,
                "account_id": inbox.account_id,
                "name": inbox.name,
                "channel": inbox.channel.value,
            },
        )


def _inbox(row: RowMapping) -> Inbox:
    return Inbox(
        id=row["id"],
        account_id=row["account_id"],
        name=row["name"],
        channel=ChannelKind(row["channel"]),
    )


class SqlCustomerRepository(_Repository):
    async def add(self, customer: Customer) -> None:
        await self._insert(t.customers, _customer_values(customer))

    async def get(self, customer_id: str) -> Customer | None:
        query = select(t.customers).where(t.customers.c.id == customer_id)
        row = (await self._conn.execute(query)).mappings().first()
        return _customer(row) if row else None

    async def get_many(self, ids: Sequence[str]) -> list[Customer]:
        if not ids:
            return []
        query = select(t.customers).where(t.customers.c.id.in_(set(ids)))
        return [_customer(r) for r in (await self._conn.execute(query)).mappings()]

    async def get_by_external_id(self, account_id: str, external_id: str) -> Customer | None:
        query = select(t.customers).where(
            t.customers.c.account_id == account_id, t.customers.c.external_id == external_id
        )
        row = (await self._conn.execute(query)).mappings().first()
        return _customer(row) if row else None

    async def update(self, customer: Customer) -> None:
        values = _customer_values(customer)
        await self._conn.execute(
            t.customers.update().where(t.customers.c.id == customer.id).values(**values)
        )


def _customer_values(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "account_id": c.account_id,
        "external_id": c.external_id,
        "name": c.name,
        "phone": c.phone,
        "language": c.language,
        "tags": list(c.tags),
        "created_at": c.created_at,
    }


def _customer(row: RowMapping) -> Customer:
    return Customer(
        id=row["id"],
        account_id=row["account_id"],
        external_id=row["external_id"],
        name=row["name"],
        phone=row["phone"],
        language=row["language"],
        tags=list(row["tags"]),
        created_at=row["created_at"],
    )


class SqlAgentRepository(_Repository):
    async def add(self, agent: Agent) -> None:
        await self._insert(t.agents, _agent_values(agent))

    async def get(self, agent_id: str, *, for_update: bool = False) -> Agent | None:
        query = select(t.agents).where(t.agents.c.id == agent_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).mappings().first()
        return _agent(row) if row else None

    async def get_by_email(self, email: str) -> Agent | None:
        query = select(t.agents).where(t.agents.c.email == email.strip().lower())
        row = (await self._conn.execute(query)).mappings().first()
        return _agent(row) if row else None

    async def list(self, account_id: str) -> list[Agent]:
        query = (
            select(t.agents).where(t.agents.c.account_id == account_id).order_by(t.agents.c.name)
        )
        return [_agent(r) for r in (await self._conn.execute(query)).mappings()]

    async def update(self, agent: Agent) -> None:
        await self._conn.execute(
            t.agents.update().where(t.agents.c.id == agent.id).values(**_agent_values(agent))
        )


def _agent_values(a: Agent) -> dict[str, Any]:
    return {
        "id": a.id,
        "account_id": a.account_id,
        "email": a.email.strip().lower(),
        "name": a.name,
        "role": a.role.value,
        "password_hash": a.password_hash,
        "skills": list(a.skills),
        "languages": list(a.languages),
        "max_concurrent": a.max_concurrent,
        "presence": a.presence.value,
        "active": a.active,
        "created_at": a.created_at,
    }


def _agent(row: RowMapping) -> Agent:
    return Agent(
        id=row["id"],
        account_id=row["account_id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        password_hash=row["password_hash"],
        skills=list(row["skills"]),
        languages=list(row["languages"]),
        max_concurrent=row["max_concurrent"],
        presence=Presence(row["presence"]),
        active=row["active"],
        created_at=row["created_at"],
    )


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


class SqlConversationRepository(_Repository):
    async def add(self, conversation: Conversation) -> None:
        await self._insert(t.conversations, _conversation_values(conversation))

    async def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        query = select(t.conversations).where(t.conversations.c.id == conversation_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).mappings().first()
        return _conversation(row) if row else None

    async def get_many(self, ids: Sequence[str], *, for_update: bool = False) -> list[Conversation]:
        if not ids:
            return []
        query = (
            select(t.conversations)
            .where(t.conversations.c.id.in_(sorted(ids)))
            .order_by(t.conversations.c.id)
        )
        if for_update:
            query = query.with_for_update()
        return [_conversation(r) for r in (await self._conn.execute(query)).mappings()]

    async def update_many(self, conversations: Sequence[Conversation]) -> None:
        if not conversations:
            return
        c = t.conversations.c
        statement = (
            t.conversations.update()
            .where(c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in _UPDATABLE})
        )
        rows = []
        for conversation in conversations:
            values = _conversation_values(conversation)
            rows.append({"_id": conversation.id, **{k: values[k] for k in _UPDATABLE}})
        await self._conn.execute(statement, rows)

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
            agent_id: AgentWorkload(int(n), _aware(latest))
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
    }


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back naive (UTC) datetimes or text.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class SqlMessageRepository(_Repository):
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
        m = t.messages.c
        wanted = set(keys)
        query = select(t.messages).where(
            m.conversation_id.in_({cid for cid, _ in keys}),
            m.client_id.in_({client for _, client in keys}),
        )
        found: dict[tuple[str, str | None], Message] = {}
        for row in (await self._conn.execute(query)).mappings():
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
        m = t.messages.c
        query = select(t.messages).where(m.conversation_id == conversation_id, m.seq > after)
        if not include_internal:
            query = query.where(m.internal.is_(False))
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
    )


class SqlSlaLedger(_Repository):
    async def announced(self, conversation_ids: Sequence[str]) -> set[SlaKey]:
        if not conversation_ids:
            return set()
        e = t.sla_events.c
        query = select(e.conversation_id, e.kind, e.target, e.scheduled_at).where(
            e.conversation_id.in_(set(conversation_ids))
        )
        return {
            (cid, kind, target, _aware(at) or at)
            for cid, kind, target, at in (await self._conn.execute(query)).all()
        }

    async def claim(self, key: SlaKey, policy_id: str) -> bool:
        conversation_id, kind, target, scheduled_at = key
        values = {
            "conversation_id": conversation_id,
            "kind": kind,
            "target": target,
            "scheduled_at": scheduled_at,
            "policy_id": policy_id,
        }
        try:
            await self._insert(t.sla_events, values)
        except DuplicateKey:
            return False
        return True


class SqlQueueSettingsRepository(_Repository):
    async def get(self, account_id: str, name: str) -> dict[str, Any] | None:
        q = t.queue_configs.c
        query = select(q.config).where(q.account_id == account_id, q.name == name)
        config = (await self._conn.execute(query)).scalar_one_or_none()
        return dict(config) if config is not None else None

    async def list(self, account_id: str) -> dict[str, dict[str, Any]]:
        q = t.queue_configs.c
        query = select(q.name, q.config).where(q.account_id == account_id).order_by(q.name)
        return {name: dict(config) for name, config in (await self._conn.execute(query)).all()}

    async def put(self, account_id: str, name: str, config: dict[str, Any], now: datetime) -> None:
        q = t.queue_configs.c
        updated = await self._conn.execute(
            t.queue_configs.update()
            .where(q.account_id == account_id, q.name == name)
            .values(config=config, updated_at=now)
        )
        if updated.rowcount == 0:
            values = {"account_id": account_id, "name": name, "config": config, "updated_at": now}
            await self._insert(t.queue_configs, values)


class SqlCallbackRepository(_Repository):
    async def add(self, callback: CallbackRequest) -> None:
        await self._insert(
            t.callbacks,
            {
                "id": callback.id,
                "account_id": callback.account_id,
                "conversation_id": callback.conversation_id,
                "customer_id": callback.customer_id,
                "phone": callback.phone,
                "preferred_time": callback.preferred_time,
                "note": callback.note,
                "created_at": callback.created_at,
            },
        )

    async def list(self, account_id: str, limit: int = 100) -> list[CallbackRequest]:
        c = t.callbacks.c
        query = (
            select(t.callbacks)
            .where(c.account_id == account_id)
            .order_by(c.created_at.desc())
            .limit(limit)
        )
        return [
            CallbackRequest(
                id=r["id"],
                account_id=r["account_id"],
                conversation_id=r["conversation_id"],
                customer_id=r["customer_id"],
                phone=r["phone"],
                created_at=r["created_at"],
                preferred_time=r["preferred_time"],
                note=r["note"],
            )
            for r in (await self._conn.execute(query)).mappings()
        ]
