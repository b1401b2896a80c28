"""Queue settings: stored as a JSON document per queue, turned into `routing.QueueConfig`.

A queue nobody configured serves the skill of its name (`general` needs none), picks the
least-loaded agent, has no overflow rules and is always open.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kefu.domain.errors import InvalidInput
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.routing import (
    AfterHours,
    BusinessHours,
    OverflowAction,
    OverflowRule,
    QueueConfig,
    Strategy,
)
from kefu.routing.sla import SlaPolicy
from kefu.services.context import ServiceContext
from kefu.services.tenancy import ensure_account

CALLBACK_QUEUE = "callback"


def default_config(name: str) -> QueueConfig:
    return QueueConfig(name=name, skills=frozenset() if name == "general" else frozenset({name}))


def parse_config(name: str, data: dict[str, Any]) -> QueueConfig:
    """Builds the routing view of a stored document; every mistake is an InvalidInput."""
    try:
        hours = data.get("hours")
        return QueueConfig(
            name=name,
            skills=frozenset(data.get("skills", [] if name == "general" else [name])),
            language=data.get("language"),
            channels=frozenset(data.get("channels", [])),
            strategy=Strategy(data.get("strategy", Strategy.LEAST_LOADED.value)),
            overflow=tuple(_rule(rule) for rule in data.get("overflow", [])),
            hours=_hours(hours) if hours else None,
            after_hours=AfterHours(data.get("after_hours", AfterHours.LEAVE_MESSAGE.value)),
        )
    except (ValueError, TypeError, KeyError) as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput(f"queue {name}: {exc}") from exc


def _rule(data: dict[str, Any]) -> OverflowRule:
    return OverflowRule(
        action=OverflowAction(data["action"]),
        max_waiting=data.get("max_waiting"),
        max_wait_s=data.get("max_wait_s"),
        share=float(data.get("share", 1.0)),
        simple_only=bool(data.get("simple_only", True)),
        spill_to=data.get("spill_to"),
    )


def _hours(data: dict[str, Any]) -> BusinessHours:
    weekly = {int(day): spans for day, spans in dict(data.get("weekly", {})).items()}
    holidays = [date.fromisoformat(d) for d in data.get("holidays", [])]
    return BusinessHours.build(data.get("timezone", "Asia/Shanghai"), weekly, holidays=holidays)


def queue_sla_policies(settings: dict[str, dict[str, Any]]) -> dict[str, SlaPolicy]:
    """Queues whose settings carry their own SLA targets."""
    return {name: _sla(name, data["sla"]) for name, data in settings.items() if data.get("sla")}


def _sla(name: str, data: dict[str, Any]) -> SlaPolicy:
    try:
        return SlaPolicy(
            id=f"queue:{name}",
            first_response_s=float(data["first_response_s"]),
            resolution_s=float(data["resolution_s"]),
            warn_at=float(data.get("warn_at", 0.8)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput(f"queue {name}: SLA needs first_response_s and resolution_s") from exc


async def queue_catalog(
    ctx: ServiceContext, account_id: str = DEFAULT_ACCOUNT_ID
) -> dict[str, QueueConfig]:
    async with ctx.uow() as uow:
        stored = await uow.queues.list(account_id)
    return {name: parse_config(name, data) for name, data in stored.items()}


async def get_config(
    ctx: ServiceContext, name: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> QueueConfig:
    async with ctx.uow(read_only=True) as uow:
        data = await uow.queues.get(account_id, name)
    return parse_config(name, data) if data is not None else default_config(name)


async def put_config(
    ctx: ServiceContext, name: str, data: dict[str, Any], account_id: str = DEFAULT_ACCOUNT_ID
) -> QueueConfig:
    config = parse_config(name, data)  # refuse before storing
    queue_sla_policies({name: data})
    async with ctx.uow() as uow:
        await ensure_account(uow, account_id)
        await uow.queues.put(account_id, name, data, ctx.clock())
        await uow.commit()
    return config
