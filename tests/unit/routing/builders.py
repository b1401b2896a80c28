"""Small builders for routing tests: agents, waiting customers and queues in one line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from kefu.routing import AgentState, Presence, QueueConfig, Strategy, WaitingItem

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def agent(
    agent_id: str,
    *,
    presence: Presence = Presence.ONLINE,
    skills: Iterable[str] = ("orders",),
    languages: Iterable[str] = ("zh",),
    max_concurrent: float = 3,
    load: float = 0,
    idle_minutes: float | None = None,
    channel_weights: dict[str, float] | None = None,
) -> AgentState:
    return AgentState(
        agent_id=agent_id,
        presence=presence,
        skills=frozenset(skills),
        languages=frozenset(languages),
        max_concurrent=max_concurrent,
        load=load,
        last_assigned_at=None if idle_minutes is None else NOW - timedelta(minutes=idle_minutes),
        channel_weights=channel_weights or {},
    )


def customer(
    conversation_id: str,
    *,
    queue: str = "orders",
    waited_minutes: float = 1,
    channel: str = "web_widget",
    language: str | None = "zh",
    tags: Iterable[str] = (),
    emotion: str = "neutral",
    emotion_index: int = 3,
    simple: bool = False,
    sla_due_in_minutes: float | None = None,
) -> WaitingItem:
    return WaitingItem(
        conversation_id=conversation_id,
        queue=queue,
        queued_at=NOW - timedelta(minutes=waited_minutes),
        channel=channel,
        language=language,
        tags=frozenset(tags),
        emotion=emotion,
        emotion_index=emotion_index,
        intent="opening_hours" if simple else "refund",
        simple_intent=simple,
        sla_due=None if sla_due_in_minutes is None else NOW + timedelta(minutes=sla_due_in_minutes),
    )


def queue(
    name: str = "orders",
    *,
    skills: Iterable[str] = ("orders",),
    language: str | None = None,
    strategy: Strategy = Strategy.LEAST_LOADED,
    **kwargs: object,
) -> QueueConfig:
    return QueueConfig(
        name=name, skills=frozenset(skills), language=language, strategy=strategy, **kwargs
    )  # type: ignore[arg-type]
