"""One conversation's journey folded into what the outcome definitions need (pure).

`fold(summary, event)` applies one journey step; `settle(summary, now, quiet_s)` decides the
outcome. Definitions are in docs/metrics.md ("Customer journeys"); the comments here say why.
"""

from __future__ import annotations

import copy
from dataclasses import MISSING, dataclass, field, fields
from datetime import UTC, datetime, tzinfo
from typing import Any

from kefu.insight.journeys import SOLVED_INTENTS
from kefu.insight.model import JourneyEvent, Step

QUIET_S = 24 * 3600
REPEAT_24H_S = 24 * 3600
REPEAT_7D_S = 7 * 24 * 3600
LOW_RATING = 2  # a rating of 1 or 2 (of 5) makes a bot resolution unresolved
MAX_PATH = 24
#: Intents that are small talk, not a topic of their own.
NOT_A_TOPIC = frozenset({"greeting", "thanks", "human_agent", "goodbye", "chitchat", "solved"})

#: Outcomes. Settled ones no longer change unless a later event says otherwise (a repeat
#: contact, a reopening, a late thumbs-down).
BOT_RESOLVED = "bot_resolved"
MENU_RESOLVED = "menu_resolved"
HUMAN_RESOLVED = "human_resolved"
HUMAN_LEFT = "human_left"
HUMAN_OPEN = "human_open"
UNRESOLVED = "unresolved"
ABANDONED = "abandoned"
PENDING = "pending"
OPEN = "open"
UNSETTLED = frozenset({PENDING, OPEN, HUMAN_OPEN})
SELF_SERVICE = frozenset({BOT_RESOLVED, MENU_RESOLVED})


@dataclass(slots=True)
class Summary:
    conversation_id: str
    started_at: float  # epoch seconds
    customer_id: str | None = None
    entry_point: str = "direct"
    channel: str = "unknown"
    last_at: float = 0.0
    topic: str | None = None
    first_intent: str | None = None
    # self-service menu
    menu_opened: bool = False
    max_level: int = 0
    menu_path: list[str] = field(default_factory=list)  # distinct nodes, in visiting order
    last_node: str | None = None
    last_level: int = 0
    last_menu_at: float | None = None
    menu_leaf: str | None = None  # the last entry reached through the menu
    menu_leaf_level: int = 0
    # bot
    questions: int = 0
    last_question_at: float | None = None
    decisions: dict[str, int] = field(default_factory=dict)
    bot_answered: bool = False
    answered_ids: list[str] = field(default_factory=list)
    last_answer_at: float | None = None
    last_decision: str | None = None
    # suggestions
    shown: int = 0
    clicks: int = 0
    variant: str | None = None
    first_shown: list[str] = field(default_factory=list)
    first_wanted: str | None = None  # the knowledge entry of the customer's first question
    # people
    human_button: bool = False
    handed_over_at: float | None = None
    handover_reason: str | None = None
    agent_replies: int = 0
    # ends and signals
    resolved_at: float | None = None
    resolved_by: str | None = None
    left_at: float | None = None
    reopened: int = 0
    rating: float | None = None
    thumbs_down: int = 0
    solved_at: float | None = None
    repeat_gap_s: float | None = None  # to the next contact on the same topic, if any
    outcome: str = OPEN
    settle_at: float | None = None
    contributions: dict[str, list[float]] = field(default_factory=dict)
    rolled_dims: list[str] = field(default_factory=list)  # (day, entry point, channel) rolled
    utc_offset_s: float = 0.0  # of the reporting time zone at the start: days and hours are local

    # -- derived -----------------------------------------------------------------------------

    @property
    def reached_human(self) -> bool:
        return self.handed_over_at is not None or self.agent_replies > 0

    @property
    def got_answer(self) -> bool:
        return self.bot_answered or self.menu_leaf is not None

    @property
    def ended_at(self) -> float | None:
        ends = [t for t in (self.resolved_at, self.left_at) if t is not None]
        return max(ends) if ends else None

    @property
    def local_start(self) -> datetime:
        return datetime.fromtimestamp(self.started_at + self.utc_offset_s, UTC)

    @property
    def day(self) -> str:
        return self.local_start.date().isoformat()

    def to_state(self) -> dict[str, Any]:
        """A JSON-ready copy (one level deep: every field is a value, list or flat dict)."""
        state = {name: getattr(self, name) for name in _FIELDS}
        for name in _CONTAINERS:
            state[name] = copy.copy(state[name])
        return state

    @staticmethod
    def from_state(state: dict[str, Any]) -> Summary:
        return Summary(**state)


_FIELDS = tuple(f.name for f in fields(Summary))
_CONTAINERS = tuple(
    f.name
    for f in fields(Summary)
    if f.default_factory is not MISSING  # lists and dicts
)


def new_summary(event: JourneyEvent, tz: tzinfo = UTC) -> Summary:
    """Days and hours of the reports are read in `tz` (the account's time zone)."""
    at = event.at.timestamp()
    offset = event.at.astimezone(tz).utcoffset()
    return Summary(
        conversation_id=event.conversation_id,
        started_at=at,
        last_at=at,
        utc_offset_s=offset.total_seconds() if offset else 0.0,
    )


def _answered(event: JourneyEvent) -> bool:
    # Small talk ("you're welcome") carries no knowledge entry and answers nothing.
    return event.decision == "flow" or (
        event.decision == "answer" and event.knowledge_id is not None
    )


def fold(s: Summary, event: JourneyEvent) -> None:
    """Applies one step. Steps of one conversation arrive in order."""
    at = event.at.timestamp()
    s.last_at = max(s.last_at, at)
    step = event.step
    if step is Step.ENTRY:
        s.started_at = min(s.started_at, at)
        s.customer_id = event.customer_id
        s.entry_point = event.entry_point or "direct"
        s.channel = event.channel or "unknown"
    elif step is Step.MENU:
        _menu(s, event, at)
    elif step is Step.QUESTION:
        s.questions += 1
        s.last_question_at = at
    elif step is Step.INTENT:
        intent = event.intent
        if intent in SOLVED_INTENTS and s.got_answer and s.solved_at is None:
            s.solved_at = at  # "problem solved, thanks" after an answer ends the quiet window
        if intent and intent not in NOT_A_TOPIC and s.first_intent is None:
            s.first_intent = intent
            if s.topic is None:
                s.topic = f"intent:{intent}"
    elif step is Step.BOT_REPLY:
        decision = event.decision or "answer"
        s.decisions[decision] = s.decisions.get(decision, 0) + 1
        s.last_decision = decision
        if _answered(event):
            s.bot_answered = True
            s.last_answer_at = at
            if event.knowledge_id is not None:
                if event.knowledge_id not in s.answered_ids:
                    s.answered_ids.append(event.knowledge_id)
                if s.first_wanted is None:
                    s.first_wanted = event.knowledge_id
                s.topic = s.topic or f"kb:{event.knowledge_id}"
    elif step is Step.SUGGESTIONS_SHOWN:
        s.shown += 1
        if s.variant is None:
            s.variant = event.action
        if not s.first_shown:
            s.first_shown = list(event.items[:3])
    elif step is Step.SUGGESTION_CLICK:
        s.clicks += 1
        if s.first_wanted is None:
            s.first_wanted = event.knowledge_id or event.node
    elif step is Step.HUMAN_BUTTON:
        s.human_button = True
    elif step is Step.SOLVED:
        if s.solved_at is None:
            s.solved_at = at
    elif step is Step.HANDOVER:
        if s.handed_over_at is None:
            s.handed_over_at = at
            s.handover_reason = event.action
    elif step is Step.AGENT_REPLY:
        s.agent_replies += 1
    elif step is Step.RESOLVED:
        s.resolved_at = at
        s.resolved_by = event.action
    elif step is Step.LEFT:
        s.left_at = at
    elif step is Step.REOPENED:
        s.reopened += 1
        s.resolved_at = s.left_at = None
    elif step is Step.RATED:
        s.rating = event.value
    elif step is Step.FEEDBACK and event.value is not None and event.value <= 0:
        s.thumbs_down += 1


def _menu(s: Summary, event: JourneyEvent, at: float) -> None:
    s.menu_opened = True
    node = event.node or "root"
    level = event.level or 0
    s.last_node, s.last_level, s.last_menu_at = node, level, at
    s.max_level = max(s.max_level, level)
    if node not in s.menu_path and len(s.menu_path) < MAX_PATH:
        s.menu_path.append(node)
    if event.knowledge_id is not None and event.action != "exit":
        # An entry reached through the menu: its answer is on the screen.
        s.menu_leaf, s.menu_leaf_level = event.knowledge_id, level
        s.last_answer_at = at
        if s.first_wanted is None:
            s.first_wanted = event.knowledge_id
        s.topic = s.topic or f"kb:{event.knowledge_id}"


def settle(s: Summary, now: float, quiet_s: float = QUIET_S) -> str:
    """Sets and returns the outcome as of `now`; `settle_at` is when a pending one settles."""
    s.settle_at = None
    repeated = s.repeat_gap_s is not None and s.repeat_gap_s <= quiet_s
    negative = (
        s.thumbs_down > 0
        or (s.rating is not None and s.rating <= LOW_RATING)
        or s.reopened > 0
        or repeated
    )
    if s.reached_human:
        if s.resolved_at is not None:
            s.outcome = HUMAN_RESOLVED
        elif s.left_at is not None:
            s.outcome = HUMAN_LEFT
        else:
            s.outcome = HUMAN_OPEN
    elif s.got_answer and negative:
        s.outcome = UNRESOLVED
    elif s.got_answer:
        resolved = BOT_RESOLVED if s.bot_answered else MENU_RESOLVED
        assert s.last_answer_at is not None
        quiet_until = s.last_answer_at + quiet_s
        if s.solved_at is not None or now >= quiet_until:
            s.outcome = resolved
        else:
            s.outcome = PENDING
            s.settle_at = quiet_until
    elif s.ended_at is not None:
        s.outcome = ABANDONED
    else:
        s.outcome = OPEN
    return s.outcome


def resolution_at(s: Summary) -> float | None:
    """When the problem was solved: the resolution by a person, else the confirmation or
    the answer that the quiet window proved right."""
    if s.outcome == HUMAN_RESOLVED:
        return s.resolved_at
    if s.outcome in SELF_SERVICE:
        if s.solved_at is not None:
            return s.solved_at
        return s.last_answer_at
    return None


def abandonment_node(s: Summary) -> str | None:
    """Where a customer who gave up was last: a menu node, the bot, the queue or the start."""
    if s.outcome == HUMAN_LEFT:
        return "queue"
    if s.outcome != ABANDONED:
        return None
    if s.menu_opened and (
        s.last_question_at is None or (s.last_menu_at or 0) >= s.last_question_at
    ):
        return s.last_node
    if s.last_decision in ("unknown", "clarify"):
        return f"bot:{s.last_decision}"
    if s.questions:
        return "bot:other"
    return "entry"


def menu_abandoned(s: Summary) -> bool:
    """The menu journey stopped on a category without a word: no entry reached, no question
    typed after it, nobody called, and the conversation ended."""
    return (
        s.menu_opened
        and s.menu_leaf is None
        and not s.reached_human
        and s.ended_at is not None
        and (s.last_question_at is None or (s.last_menu_at or 0) >= s.last_question_at)
    )
