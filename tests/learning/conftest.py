"""Factories for the learning loop's unit tests: fakes only, no database, no models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.domain.agent import Agent, Role
from kefu.knowledge.demo import demo_entries
from kefu.learning.actions import Learning
from kefu.learning.encoders import HashingEncoder
from kefu.learning.fakes import MemoryKnowledge, MemoryLearningStore
from kefu.learning.model import Proposal, ProposalKind

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def person(role: Role = Role.SUPERVISOR, name: str = "lead") -> Agent:
    return Agent(
        id=f"a-{name}",
        account_id="default",
        email=f"{name}@kefu.local",
        name=name,
        role=role,
        password_hash="x",
        created_at=NOW,
    )


def proposal(
    pid: str,
    kind: ProposalKind,
    question: str,
    phrasings: tuple[str, ...] = (),
    entry_id: str | None = None,
    answer: str = "拼单里有人15分钟内没付款会被自动移出，订单照常下单。",
    support: int = 2,
) -> Proposal:
    """A pending proposal as mining would queue it, from two source transcripts."""
    return Proposal(
        id=pid,
        account_id="default",
        kind=kind,
        question=question,
        answer=answer if kind is ProposalKind.NEW_ENTRY else "",
        phrasings=phrasings,
        language="zh",
        category=None,
        entry_id=entry_id,
        sources=("t1", "t2"),
        support=support,
        created_at=NOW,
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def knowledge() -> MemoryKnowledge:
    return MemoryKnowledge(demo_entries())


@pytest.fixture
def store() -> MemoryLearningStore:
    return MemoryLearningStore()


@pytest.fixture
def learning(store: MemoryLearningStore, knowledge: MemoryKnowledge, clock: Clock) -> Learning:
    return Learning(store, knowledge, HashingEncoder(), clock)
