"""Which customer questions the bot failed: a pure reading of one conversation's events.

The tracker sees a conversation as a sequence of observations (what the customer wrote, what
the bot decided, a hand-over, a rating of an answer) and returns the gaps and the learning
signals they imply. It keeps only the little it needs per conversation, so the handler can
hold it in memory for the conversations in flight.

Rules (docs/learning.md):
- the bot said "I don't know" → `unknown` gap for the question it was answering;
- the bot offered questions and the customer wrote something else instead of picking one →
  `clarify_rejected`; when the customer did pick one, the question becomes a new phrasing of
  the picked entry;
- a hand-over for `failures`, `repeated` or right after an unknown/clarify turn →
  `handover_after_failure` (the last question the bot did not settle);
- a thumbs-down on an answer → `thumbs_down`, and a correction signal for that entry;
- the customer asks the same thing again right after an answer → `repeat_after_answer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from kefu.learning.model import GapKind

FAILURE_REASONS = frozenset({"failures", "repeated"})
UNSETTLED = frozenset({"unknown", "clarify"})


class Seen(StrEnum):
    CUSTOMER = "customer"  # a customer message (text, optional chosen entry id)
    BOT = "bot"  # a bot turn (decision, knowledge id)
    HANDOVER = "handover"  # the conversation went to a person (reason)
    RATED_DOWN = "rated_down"  # the customer rated a bot answer down (knowledge id)


@dataclass(frozen=True, slots=True)
class Observation:
    kind: Seen
    text: str = ""
    language: str = "zh"
    decision: str | None = None
    knowledge_id: str | None = None
    chosen: str | None = None  # a customer's pick among offered questions
    reason: str | None = None


class SignalKind(StrEnum):
    GAP = "gap"
    PHRASING = "phrasing"  # `text` reached `knowledge_id` through a clarification
    CORRECTION = "correction"  # customers rejected `knowledge_id`'s answer to `text`


@dataclass(frozen=True, slots=True)
class Signal:
    kind: SignalKind
    text: str
    language: str
    gap_kind: GapKind | None = None
    decision: str | None = None
    knowledge_id: str | None = None


@dataclass(frozen=True, slots=True)
class State:
    """What the tracker remembers of one conversation between observations."""

    last_question: str = ""
    last_language: str = "zh"
    last_decision: str | None = None
    last_knowledge_id: str | None = None
    answered_question: str = ""
    gapped: frozenset[str] = field(default_factory=frozenset)


def observe(state: State, seen: Observation) -> tuple[State, list[Signal]]:
    """The conversation's next state and the signals this observation gives."""
    if seen.kind is Seen.CUSTOMER:
        return _customer(state, seen)
    if seen.kind is Seen.BOT:
        return _bot(state, seen)
    if seen.kind is Seen.HANDOVER:
        return _handover(state, seen)
    return _rated_down(state, seen)


def _customer(state: State, seen: Observation) -> tuple[State, list[Signal]]:
    signals: list[Signal] = []
    if state.last_decision == "clarify" and state.last_question:
        if seen.chosen:
            signals.append(
                Signal(
                    SignalKind.PHRASING,
                    state.last_question,
                    state.last_language,
                    knowledge_id=seen.chosen,
                )
            )
        elif seen.text.strip():
            signals.append(_gap(state, GapKind.CLARIFY_REJECTED, "clarify"))
            state = _remember(state, state.last_question)
    if (
        state.last_decision == "answer"
        and state.answered_question
        and not seen.chosen
        and same_question(seen.text, state.answered_question)
    ):
        signals.append(
            Signal(
                SignalKind.GAP,
                seen.text,
                seen.language,
                gap_kind=GapKind.REPEAT_AFTER_ANSWER,
                decision="answer",
                knowledge_id=state.last_knowledge_id,
            )
        )
    text = state.last_question if seen.chosen else seen.text
    return (
        replace(
            state,
            last_question=text,
            last_language=seen.language,
            last_decision=None,
            last_knowledge_id=None,
        ),
        signals,
    )


def _bot(state: State, seen: Observation) -> tuple[State, list[Signal]]:
    decision = seen.decision
    signals: list[Signal] = []
    if decision == "unknown" and state.last_question and state.last_question not in state.gapped:
        signals.append(
            Signal(
                SignalKind.GAP,
                state.last_question,
                state.last_language,
                gap_kind=GapKind.UNKNOWN,
                decision="unknown",
            )
        )
        state = _remember(state, state.last_question)
    answered = state.last_question if decision == "answer" else state.answered_question
    return (
        replace(
            state,
            last_decision=decision,
            last_knowledge_id=seen.knowledge_id,
            answered_question=answered,
        ),
        signals,
    )


def _handover(state: State, seen: Observation) -> tuple[State, list[Signal]]:
    failed = seen.reason in FAILURE_REASONS or state.last_decision in UNSETTLED
    question = state.last_question
    if not failed or not question:
        return state, []
    signal = _gap(state, GapKind.HANDOVER_AFTER_FAILURE, state.last_decision)
    return _remember(state, question), [signal]


def _rated_down(state: State, seen: Observation) -> tuple[State, list[Signal]]:
    question = state.answered_question or state.last_question
    if not question:
        return state, []
    gap = Signal(
        SignalKind.GAP,
        question,
        state.last_language,
        gap_kind=GapKind.THUMBS_DOWN,
        decision="answer",
        knowledge_id=seen.knowledge_id,
    )
    if seen.knowledge_id is None:
        return state, [gap]
    correction = Signal(
        SignalKind.CORRECTION, question, state.last_language, knowledge_id=seen.knowledge_id
    )
    return state, [gap, correction]


def _gap(state: State, kind: GapKind, decision: str | None) -> Signal:
    return Signal(
        SignalKind.GAP,
        state.last_question,
        state.last_language,
        gap_kind=kind,
        decision=decision,
        knowledge_id=state.last_knowledge_id,
    )


def _remember(state: State, question: str) -> State:
    return replace(state, gapped=state.gapped | {question})


def same_question(a: str, b: str) -> bool:
    """The customer asked the same thing again: the same text, or nearly (character
    bigram overlap of at least 0.8 of the shorter one)."""
    x, y = _squash(a), _squash(b)
    if not x or not y:
        return False
    if x == y:
        return True
    bx, by = _bigrams(x), _bigrams(y)
    if not bx or not by:
        return False
    return len(bx & by) / min(len(bx), len(by)) >= 0.8


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}
