"""What accepting a proposal would change, judged before anyone accepts it. Pure.

A frozen set of questions whose right handling is known (the knowledge base's held-out
paraphrases, the calib split of kefu's real dev set) is replayed through the bot's decision
twice: with today's knowledge base and with the proposal applied (`ports.Replay`). This
module compares the two runs question by question:

- **newly answered**: the proposal's entry now answers a question it did not answer before;
- **newly right**: a question handled wrongly before is handled right after;
- **taken** (a *steal*): a question handled right before is handled wrongly after — another
  entry's question now answered by the proposal, or a correct "I don't know" turned into an
  answer.

A proposal that takes even one question is *risky*: accepting it needs an explicit confirm.
"Right" is what kefu's real dev set calls handled right (`docs/realdev.md`): an in-scope
question answered by, or offered, an entry or flow its label allows; an out-of-scope one
declined; a request for a person handed over; a greeting greeted; a fragment not answered
wrongly.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from kefu.domain.errors import Conflict

#: Label options that are not entries or flows (`docs/realdev.md`).
SPECIAL = frozenset({"none", "human", "context", "greeting"})
ANSWERING = frozenset({"answer", "flow"})
SOCIAL = frozenset({"greeting", "thanks", "prompt", "ack"})


class Verdict(StrEnum):
    SAFE = "safe"  # takes no question that was handled right
    RISKY = "risky"  # takes at least one
    UNCHECKED = "unchecked"  # nothing to replay on this server
    ANSWER_ONLY = "answer_only"  # changes an answer's text only: matching is unaffected


VERDICT_LABELS: dict[Verdict, tuple[str, str]] = {
    Verdict.SAFE: ("安全：不会抢走其他问题", "Safe: takes no question from another answer"),
    Verdict.RISKY: (
        "有风险：会抢走原本处理正确的问题",
        "Risky: takes questions that were handled right",
    ),
    Verdict.UNCHECKED: ("未预检：没有可回放的问题", "Not checked: no questions to replay"),
    Verdict.ANSWER_ONLY: ("只改答案，不影响匹配", "Changes the answer only: matching unaffected"),
}

#: Where the replayed questions come from.
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "heldout": ("知识库留出的问法", "Held-out paraphrases of the knowledge base"),
    "jddc_calib": ("京东真实顾客消息（校准集）", "Real JD.com customer messages (calib split)"),
    "en_calib": ("英文真实请求（校准集）", "English customer requests (calib split)"),
}

#: What the bot did with a question, as a reviewer reads it.
DECISION_LABELS: dict[str, tuple[str, str]] = {
    "answer": ("回答", "Answered"),
    "flow": ("办理流程", "Started a task"),
    "clarify": ("反问“您是想问”", "Asked which question was meant"),
    "unknown": ("说不知道", "Said it did not know"),
    "prompt": ("请顾客说详细些", "Asked for more detail"),
    "handover": ("转人工", "Handed to a person"),
    "greeting": ("打招呼", "Greeted"),
    "thanks": ("回应感谢", "Answered a thank-you"),
    "ack": ("确认", "Acknowledged"),
}


@dataclass(frozen=True, slots=True)
class FrozenQuestion:
    """A question whose right handling is known: `options` are label options (entry ids,
    `flow:<name>`, `none`, `human`, `greeting`, `context`)."""

    text: str
    options: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The bot's decision on one question: `entry_id` for an answer, `flow` for a task,
    `choices` (`kb:<id>`, `flow:<name>`) for a clarification."""

    decision: str
    entry_id: str | None = None
    flow: str | None = None
    choices: tuple[str, ...] = ()
    #: After the change: the candidate's wording nearest the question, when the candidate
    #: was among the entries the bot weighed (what to drop to undo a steal).
    matched: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Replayed:
    """One replay of the frozen questions without and with a proposal."""

    questions: tuple[FrozenQuestion, ...]
    before: tuple[Outcome, ...]
    after: tuple[Outcome, ...]
    missing: tuple[str, ...] = ()  # sources not available on this server
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Change:
    question: FrozenQuestion
    before: Outcome
    after: Outcome


@dataclass(frozen=True, slots=True)
class Precheck:
    verdict: Verdict
    entry_id: str | None  # the entry the proposal adds or extends
    questions: int
    sources: dict[str, int] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    newly_answered: int = 0
    newly_right: int = 0
    taken: tuple[Change, ...] = ()  # every steal
    gained: tuple[Change, ...] = ()  # every newly right question
    changed: int = 0  # questions handled differently at all
    seconds: float = 0.0
    #: The candidate's wordings nearest the taken questions, most takings first.
    culprits: tuple[str, ...] = ()
    #: Every taking is blamed on a wording the reviewer may drop (a phrasing the proposal
    #: adds, not a new entry's own question): accepting without them may be safe.
    trimmable: bool = False

    @property
    def steals(self) -> int:
        return len(self.taken)


def kind_of(options: Sequence[str]) -> str:
    """in_scope (every option an entry or a flow), else human, none, greeting or context."""
    if not SPECIAL & set(options):
        return "in_scope"
    for kind in ("human", "none", "greeting", "context"):
        if kind in options:
            return kind
    return "context"


def _does(option: str, o: Outcome) -> bool:
    if option.startswith("flow:"):
        return o.decision == "flow" and o.flow == option[5:]
    return option not in SPECIAL and o.decision == "answer" and o.entry_id == option


def _offers(option: str, o: Outcome) -> bool:
    if o.decision != "clarify":
        return False
    wanted = option if option.startswith("flow:") else f"kb:{option}"
    return wanted in o.choices


def handled_right(options: Sequence[str], o: Outcome) -> bool:
    if o.decision in ANSWERING:
        return any(_does(opt, o) for opt in options)
    kind = kind_of(options)
    if kind == "in_scope":
        return any(_offers(opt, o) for opt in options)
    if kind == "none":
        return o.decision in ("unknown", "handover")
    if kind == "human":
        return o.decision == "handover" or ("greeting" in options and o.decision in SOCIAL)
    if kind == "greeting":
        return o.decision in SOCIAL
    return True  # a fragment: anything but a wrong answer (answers were judged above)


def judge(replayed: Replayed, entry_id: str | None, removable: Collection[str] = ()) -> Precheck:
    """The verdict on a proposal that adds or extends `entry_id`; `removable` are the
    wordings it adds that a reviewer may leave out."""
    questions = replayed.questions
    if len(replayed.before) != len(questions) or len(replayed.after) != len(questions):
        raise ValueError(
            f"expected {len(questions)} outcomes per run, got "
            f"{len(replayed.before)} before and {len(replayed.after)} after"
        )
    sources: dict[str, int] = {}
    for q in questions:
        sources[q.source] = sources.get(q.source, 0) + 1
    taken, gained = [], []
    newly_answered = changed = 0
    for q, b, a in zip(questions, replayed.before, replayed.after, strict=True):
        if a != b:
            changed += 1
        was, now = handled_right(q.options, b), handled_right(q.options, a)
        if was and not now:
            taken.append(Change(q, b, a))
        elif now and not was:
            gained.append(Change(q, b, a))
        mine = entry_id is not None and a.decision == "answer" and a.entry_id == entry_id
        if mine and not (b.decision == "answer" and b.entry_id == entry_id):
            newly_answered += 1
    blamed: dict[str, int] = {}
    for c in taken:
        if c.after.matched:
            blamed[c.after.matched] = blamed.get(c.after.matched, 0) + 1
    verdict = Verdict.RISKY if taken else Verdict.SAFE
    if not questions:
        verdict = Verdict.UNCHECKED
    return Precheck(
        verdict=verdict,
        entry_id=entry_id,
        questions=len(questions),
        sources=sources,
        missing=replayed.missing,
        newly_answered=newly_answered,
        newly_right=len(gained),
        taken=tuple(taken),
        gained=tuple(gained),
        changed=changed,
        seconds=replayed.seconds,
        culprits=tuple(sorted(blamed, key=lambda t: -blamed[t])),
        trimmable=bool(taken) and all(c.after.matched in set(removable) for c in taken),
    )


def answer_only(entry_id: str | None) -> Precheck:
    """A correction, or a proposal that only keeps examples: nothing is matched differently."""
    return Precheck(Verdict.ANSWER_ONLY, entry_id, 0)


class RiskyProposal(Conflict):
    """Accepting would make the bot mishandle questions it handles right today."""

    code = "proposal_risky"

    def __init__(self, check: Precheck) -> None:
        taken = "; ".join(c.question.text for c in check.taken[:3])
        super().__init__(
            f"the pre-check says this proposal takes {check.steals} question(s) handled "
            f"right today (e.g. {taken}); accept again with confirm_risky to accept anyway"
        )
        self.check = check
