"""Repositories over SQLAlchemy Core: rows in, domain objects out.

This module holds their shared base and the repositories of accounts and inboxes, customers
and agents; conversations and messages are in `conversation_repositories`, routing's SLA
ledger, queue settings and callbacks in `routing_repositories`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from kefu.adapters.db import tables as t
from kefu.domain.agent import Agent, Presence, Role
from kefu.domain.customer import Customer
from kefu.domain.tenancy import Account, ChannelKind, Inbox
from kefu.services.ports import DuplicateKey


class SqlRepository:
    """The base of every repository here: one connection, inside the unit of work's
    transaction."""

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


class SqlTenancyRepository(SqlRepository):
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


class SqlCustomerRepository(SqlRepository):
    async def add(self, customer: Customer) -> None:
        # Only an external id can clash (ids are random): no savepoint's round trips else.
        savepoint = customer.external_id is not None
        await self._insert(t.customers, _customer_values(customer), savepoint=savepoint)

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


class SqlAgentRepository(SqlRepository):
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
        "token_version": a.token_version,
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
        token_version=row["token_version"],
    )


def aware(value: datetime | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back naive (UTC) datetimes or text.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
