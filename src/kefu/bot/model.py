"""The bot's values: one turn as the policy sees it, the plan it makes, and drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from kefu.bot.handover import Handover
from kefu.bot.memory import BotMemory
from kefu.domain.business import Language
from kefu.domain.events import DomainEvent
from kefu.knowledge.ports import Shown
from kefu.nlu.types import Analysis

#: What the bot did with a turn, as every bot message's `payload["decision"]` says.
Decision = Literal[
    "answer",  # a knowledge entry
    "flow",  # started or continued a task flow
    "clarify",  # asked which of a few entries the customer means
    "unknown",  # honestly does not know; offers a person
    "handover",  # a person takes over
    "greeting",
    "thanks",
    "ack",  # "yes" / "好的" with no question pending
    "prompt",  # "在吗" and other messages without content
    "drafted",  # a person approves the reply first
]


@dataclass(frozen=True, slots=True)
class Hit:
    """A knowledge entry that may answer the turn, as the policy needs it."""

    entry_id: str
    question: str  # in the customer's language
    score: float
    flow: str | None = None  # the task flow the entry stands for, if any
    category: str | None = None
    #: The message is one of the entry's own phrasings (up to case, spaces, punctuation):
    #: an admin wrote it for this entry, so it is right whatever the score.
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Turn:
    """One customer message, with everything the policy decides on. Plain data."""

    text: str
    language: Language
    analysis: Analysis
    hits: tuple[Hit, ...] = ()
    action: str | None = None  # the type of a pressed button: choice, menu, human, suggestion
    action_value: str | None = None
    customer_tags: tuple[str, ...] = ()
    #: The entry a pressed "kb:<id>" choice names (looked up before planning).
    chosen: Hit | None = None
    #: The message began with a greeting; `analysis` and `hits` are of the rest.
    greeted: bool = False
    #: `hits` were matched with the previous message in front (a fragment leaning on it).
    with_context: bool = False


@dataclass(slots=True)
class TurnPlan:
    """What to do with one turn. `memory` is the memory after the turn (a copy)."""

    decision: Decision
    memory: BotMemory
    knowledge_id: str | None = None
    flow: str | None = None
    #: Start `flow` afresh (else continue the one in memory).
    start_flow: bool = False
    choice: str | None = None  # a button value for the flow step
    order_hint: str | None = None
    handover: Handover | None = None
    confidence: float = 0.0
    choices: list[dict[str, str]] = field(default_factory=list)
    #: Record the question as a knowledge gap (an honest "I don't know").
    knowledge_gap: bool = False
    record_click: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    id: str
    account_id: str
    conversation_id: str
    message_seq: int
    intent: str
    text: str
    payload: dict[str, Any] | None
    status: str
    created_at: datetime
    decided_by: str | None = None
    final_text: str | None = None


@dataclass(frozen=True, slots=True)
class TurnWrite:
    """What is stored with the bot's reply, in its transaction: the `bot_turns` row (none
    for the greeting), the memory after the turn, the suggestions it shows, and the turn's
    events (before / after the reply's own)."""

    row: dict[str, Any] | None
    state: dict[str, Any] | None
    now: datetime
    before: tuple[DomainEvent, ...] = ()
    after: tuple[DomainEvent, ...] = ()
    shown: Shown | None = None
