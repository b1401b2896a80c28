"""The one catalogue of events: one dotted name and one typed payload each, for every
feature (conversations, routing, the bot, knowledge, agent assist, live operations).

Events are facts that have been committed. Feature packages (bot, routing, insight, quality)
subscribe to them instead of calling each other, and the WebSocket hub forwards them to
clients. Payload fields are plain values so every event serialises to JSON and back.

The events are declared by topic in this package's modules (`conversation`, `routing`,
`bot`, `assist`, `knowledge`, `ops`); this module is the catalogue that names them all.
"""

from __future__ import annotations

from typing import TypeVar

from kefu.domain.events.assist import AssistUsed, HandoverCardUpdated
from kefu.domain.events.base import ConversationEvent, DomainEvent
from kefu.domain.events.bot import (
    BotTurnTaken,
    ConversationRated,
    DraftCreated,
    KnowledgeGap,
    MessageAnalysed,
    TrialExposed,
)
from kefu.domain.events.conversation import (
    AgentPresenceChanged,
    AgentSignedOut,
    ConversationAbandoned,
    ConversationAssigned,
    ConversationCreated,
    ConversationHandedOver,
    ConversationQueued,
    ConversationReopened,
    ConversationResolved,
    ConversationTransferred,
    MessageCreated,
)
from kefu.domain.events.knowledge import (
    JourneyStep,
    KnowledgeChanged,
    ModelPromoted,
    SuggestionClicked,
    SuggestionPinned,
    SuggestionShown,
)
from kefu.domain.events.ops import AlertCleared, AlertRaised, BurstDetected, KnowledgePackPublished
from kefu.domain.events.routing import (
    CallbackBooked,
    ConversationOverflowed,
    SlaBreached,
    SlaEscalated,
    SlaEvent,
    SlaWarning,
)

__all__ = [
    "EVENT_TYPES",
    "AgentPresenceChanged",
    "AgentSignedOut",
    "AlertCleared",
    "AlertEvent",
    "AlertRaised",
    "AssistUsed",
    "BotTurnTaken",
    "BurstDetected",
    "CallbackBooked",
    "ConversationAbandoned",
    "ConversationAssigned",
    "ConversationCreated",
    "ConversationEvent",
    "ConversationHandedOver",
    "ConversationOverflowed",
    "ConversationQueued",
    "ConversationRated",
    "ConversationReopened",
    "ConversationResolved",
    "ConversationTransferred",
    "DomainEvent",
    "DraftCreated",
    "HandoverCardUpdated",
    "JourneyStep",
    "KnowledgeChanged",
    "KnowledgeGap",
    "KnowledgePackPublished",
    "MessageAnalysed",
    "MessageCreated",
    "ModelPromoted",
    "SlaBreached",
    "SlaEscalated",
    "SlaEvent",
    "SlaWarning",
    "SuggestionClicked",
    "SuggestionPinned",
    "SuggestionShown",
    "TrialExposed",
    "register_event",
]


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.name: cls
    for cls in (
        ConversationCreated,
        MessageCreated,
        ConversationHandedOver,
        ConversationQueued,
        ConversationAssigned,
        ConversationTransferred,
        ConversationResolved,
        ConversationAbandoned,
        ConversationReopened,
        AgentPresenceChanged,
        AgentSignedOut,
        ConversationOverflowed,
        CallbackBooked,
        SlaWarning,
        SlaBreached,
        SlaEscalated,
        MessageAnalysed,
        BotTurnTaken,
        ConversationRated,
        DraftCreated,
        KnowledgeGap,
        TrialExposed,
        HandoverCardUpdated,
        AssistUsed,
        KnowledgeChanged,
        ModelPromoted,
        JourneyStep,
        SuggestionShown,
        SuggestionClicked,
        SuggestionPinned,
        AlertRaised,
        AlertCleared,
        BurstDetected,
        KnowledgePackPublished,
    )
}


_E = TypeVar("_E", bound=type[DomainEvent])


def register_event(cls: _E) -> _E:
    """Adds an event declared outside this module. Kept so that feature branches written
    before the catalogue was merged still work; new events belong in this module."""
    known = EVENT_TYPES.get(cls.name)
    if known is not None and known is not cls:
        raise ValueError(f"event name {cls.name!r} is already taken by {known.__qualname__}")
    EVENT_TYPES[cls.name] = cls
    return cls
