"""Domain events in, knowledge gaps and learning signals out.

The handler turns each conversation's events into tracker observations and keeps the
tracker's small state per conversation in memory, for the conversations in flight (bounded:
the oldest are forgotten first). After a restart a conversation in flight starts with an
empty state, which can only miss a gap, never invent one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

from kefu.bot.events import BotTurnTaken
from kefu.domain.events import (
    ConversationCreated,
    ConversationEvent,
    ConversationHandedOver,
    ConversationResolved,
    DomainEvent,
    MessageCreated,
)
from kefu.learning.actions import Learning
from kefu.learning.tracker import Observation, Seen, State, observe

#: A bot turn's outcome as the tracker's decision.
OUTCOME_DECISIONS = {
    "answered": "answer",
    "clarified": "clarify",
    "unknown": "unknown",
    "flow_step": "flow",
    "flow_done": "flow",
    "handover": "handover",
    "drafted": "answer",
}

AccountOf = Callable[[str], Awaitable[str | None]]


class LearningHandlers:
    def __init__(self, learning: Learning, account_of: AccountOf, *, keep: int = 20_000) -> None:
        self.learning = learning
        self.account_of = account_of
        self.keep = keep
        self._states: OrderedDict[str, State] = OrderedDict()
        self._accounts: dict[str, str] = {}

    async def handle(self, event: DomainEvent) -> None:
        if isinstance(event, ConversationCreated):
            self._accounts[event.conversation_id] = event.account_id
            return
        if isinstance(event, ConversationResolved):
            self._states.pop(event.conversation_id, None)
            self._accounts.pop(event.conversation_id, None)
            return
        if not isinstance(event, ConversationEvent):
            return
        seen = observation(event)
        if seen is None:
            return
        conversation_id = event.conversation_id
        state = self._states.pop(conversation_id, State())
        state, signals = observe(state, seen)
        self._states[conversation_id] = state
        while len(self._states) > self.keep:
            self._states.popitem(last=False)
        if signals:
            account = self._accounts.get(conversation_id) or await self.account_of(conversation_id)
            if account is not None:
                await self.learning.record(account, conversation_id, signals)


def observation(event: ConversationEvent) -> Observation | None:
    """The tracker's view of an event, or None for events it does not read."""
    if isinstance(event, MessageCreated):
        if event.sender != "customer" or event.internal:
            return None
        action = (event.payload or {}).get("action") or {}
        chosen = action.get("value") if action.get("type") == "choice" else None
        language = "en" if event.text.isascii() else "zh"
        return Observation(Seen.CUSTOMER, text=event.text, language=language, chosen=_str(chosen))
    if isinstance(event, BotTurnTaken):
        return Observation(
            Seen.BOT,
            decision=OUTCOME_DECISIONS.get(event.outcome, event.outcome),
            knowledge_id=event.knowledge_id,
            language=event.language,
        )
    if isinstance(event, ConversationHandedOver):
        return Observation(Seen.HANDOVER, reason=event.reason)
    return None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
