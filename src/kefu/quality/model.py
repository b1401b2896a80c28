"""The quality package's data: transcripts in, scores, ratings, surveys and outcomes out.

Plain frozen values with no I/O, so the policies (`qa`, `csat`, `nps`, `outcomes`,
`scorecards`) are functions of them and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from kefu.quality.consistency import KnowledgeAnswer

Tier = Literal["bot", "bot_human", "human"]
TIERS: tuple[Tier, ...] = ("bot", "bot_human", "human")
DIMENSIONS: tuple[str, ...] = (
    "empathy",
    "politeness",
    "professionalism",
    "responsiveness",
    "resolution",
    "emotion",
)
OUTCOME_KINDS: tuple[str, ...] = ("renewal", "repeat_order", "complaint", "refund", "order_value")


@dataclass(frozen=True, slots=True)
class Turn:
    seq: int
    sender: str  # customer, bot, agent, system
    text: str
    at: datetime
    author_id: str | None = None
    #: The customer's 5-level emotion index (1 very negative … 5 very positive).
    emotion_index: int | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """A closed conversation as QA reads it."""

    conversation_id: str
    account_id: str
    customer_id: str
    customer_external_id: str | None
    channel: str
    language: str
    queue: str
    status: str  # resolved or abandoned
    created_at: datetime
    closed_at: datetime
    agent_id: str | None
    resolved_by: str | None = None
    reopen_count: int = 0
    intent: str | None = None
    assisted: bool = False
    turns: tuple[Turn, ...] = ()
    #: The knowledge entries the bot answered from in this conversation: what the agent's
    #: figures are checked against (`kefu.quality.consistency`).
    knowledge: tuple[KnowledgeAnswer, ...] = ()

    @property
    def tier(self) -> Tier:
        humans = any(t.sender == "agent" for t in self.turns) or self.agent_id is not None
        bots = any(t.sender == "bot" for t in self.turns)
        if humans:
            return "bot_human" if bots else "human"
        return "bot"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence that earned (`points` > 0) or cost (`points` < 0) a dimension points."""

    dimension: str
    seq: int | None
    sentence: str
    points: float
    reason: str


@dataclass(frozen=True, slots=True)
class QaReport:
    conversation_id: str
    scores: dict[str, float]
    total: float
    evidence: tuple[Evidence, ...]
    stiff_policy: int
    empathy_expressions: int
    start_emotion: int | None
    end_emotion: int | None
    first_response_s: float | None
    handling_s: float | None
    model_version: str = ""


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """What quality keeps of each closed conversation: scorecards and analyses read it."""

    conversation_id: str
    account_id: str
    customer_id: str
    customer_external_id: str | None
    agent_id: str | None
    queue: str
    channel: str
    intent: str | None
    tier: Tier
    resolved: bool
    assisted: bool
    created_at: datetime
    closed_at: datetime
    first_response_s: float | None
    handling_s: float | None
    resolution_s: float
    qa_total: float | None
    qa_scores: dict[str, float] = field(default_factory=dict)
    end_emotion: int | None = None
    empathy_expressions: int = 0
    csat: int | None = None


@dataclass(frozen=True, slots=True)
class CsatRating:
    conversation_id: str
    account_id: str
    score: int
    comment: str | None
    created_at: datetime
    agent_id: str | None = None
    queue: str | None = None
    intent: str | None = None
    tier: Tier | None = None


@dataclass(frozen=True, slots=True)
class BotFeedback:
    conversation_id: str
    seq: int
    helpful: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NpsJob:
    id: str
    token: str
    account_id: str
    conversation_id: str
    customer_id: str
    language: str
    due_at: datetime
    status: str  # pending, sent, answered, cancelled
    segment: dict[str, str] = field(default_factory=dict)
    sent_at: datetime | None = None
    score: int | None = None
    comment: str | None = None
    cancelled_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    customer_external_id: str
    day: date
    kind: str
    value: float
