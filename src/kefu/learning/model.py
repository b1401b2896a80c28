"""The learning loop's values: gaps the bot left, topics they form, proposals to review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class GapKind(StrEnum):
    """Why a customer question counts as something the bot could not answer well."""

    UNKNOWN = "unknown"  # the bot said it did not know
    CLARIFY_REJECTED = "clarify_rejected"  # the customer picked none of the offered questions
    HANDOVER_AFTER_FAILURE = "handover_after_failure"  # a person took over after the bot failed
    THUMBS_DOWN = "thumbs_down"  # the customer rated the bot's answer down
    REPEAT_AFTER_ANSWER = "repeat_after_answer"  # the customer asked again after an answer


#: What a supervisor reads for each kind (the codes never reach a person).
GAP_KIND_LABELS: dict[GapKind, tuple[str, str]] = {
    GapKind.UNKNOWN: ("机器人答不上来", "The bot did not know"),
    GapKind.CLARIFY_REJECTED: ("推荐的问题都不对", "None of the offered questions fitted"),
    GapKind.HANDOVER_AFTER_FAILURE: (
        "机器人失败后转人工",
        "Handed to a person after the bot failed",
    ),
    GapKind.THUMBS_DOWN: ("客户点了“没帮助”", "The customer rated the answer down"),
    GapKind.REPEAT_AFTER_ANSWER: ("回答后客户又问了一遍", "Asked again after the answer"),
}


@dataclass(frozen=True, slots=True)
class Gap:
    """One question the bot did not answer well. `text` is already masked."""

    id: str
    account_id: str
    conversation_id: str
    kind: GapKind
    text: str
    language: str
    decision: str | None
    knowledge_id: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Topic:
    """Gaps that ask the same thing. `recent` and `before` count the gaps of the two halves
    of the trend window; `growing` flags a topic that rises like a burst."""

    id: str
    label: str
    size: int
    examples: tuple[str, ...]
    gap_ids: tuple[str, ...]
    kinds: dict[str, int]
    recent: int
    before: int
    growing: bool
    first_at: datetime
    last_at: datetime


class ProposalKind(StrEnum):
    NEW_ENTRY = "new_entry"  # a knowledge entry mined from human answers
    PHRASING = "phrasing"  # new ways customers ask an existing entry
    CORRECTION = "correction"  # customers rejected this entry's answer for these questions
    OUT_OF_SCOPE = "out_of_scope"  # questions the bot should keep declining


class ProposalStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    MERGED = "merged"
    REJECTED = "rejected"


PROPOSAL_KIND_LABELS: dict[ProposalKind, tuple[str, str]] = {
    ProposalKind.NEW_ENTRY: ("新知识条目", "New knowledge entry"),
    ProposalKind.PHRASING: ("新的问法", "New phrasings"),
    ProposalKind.CORRECTION: ("答案需要修正", "Answer needs a correction"),
    ProposalKind.OUT_OF_SCOPE: ("超出服务范围的问题", "Out-of-scope questions"),
}

PROPOSAL_STATUS_LABELS: dict[ProposalStatus, tuple[str, str]] = {
    ProposalStatus.PENDING: ("待审核", "Pending"),
    ProposalStatus.ACCEPTED: ("已采纳", "Accepted"),
    ProposalStatus.MERGED: ("已合并", "Merged"),
    ProposalStatus.REJECTED: ("已拒绝", "Rejected"),
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """Something for a person to accept, merge or reject.

    `question` is the standard question, `phrasings` the customers' own wordings (masked),
    `answer` a draft answer with `{order.…}` variables; `entry_id` names the existing entry a
    phrasing, correction or merge is about; `sources` are the conversations it came from.
    """

    id: str
    account_id: str
    kind: ProposalKind
    question: str
    answer: str
    phrasings: tuple[str, ...]
    language: str
    category: str | None
    entry_id: str | None
    sources: tuple[str, ...]
    support: int
    created_at: datetime
    status: ProposalStatus = ProposalStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    result_entry_id: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str  # customer | agent
    text: str


@dataclass(frozen=True, slots=True)
class Transcript:
    """A past conversation between a customer and a person, oldest turn first."""

    id: str
    turns: tuple[Turn, ...]
    resolved: bool = True
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing past conversations found and queued."""

    transcripts: int
    pairs: int
    usable: int
    proposals: int
    new: int
    by_kind: dict[str, int]
