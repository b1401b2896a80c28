"""The values routing decides on: queues, agents as routing sees them, waiting customers.

All frozen. The live, changing view of agents is `kefu.routing.index.AgentIndex`; these are
the snapshots it holds and hands out. Nothing here does I/O, so the lead layer can build
them from rows or events and tests can build them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from kefu.domain.errors import InvalidInput
from kefu.routing.hours import BusinessHours

#: Capacity is compared with this slack so that weights such as 0.1 + 0.2 still fit 0.3.
CAPACITY_EPSILON = 1e-9


class Presence(StrEnum):
    """Routing's view of presence; `kefu.domain.agent.Presence` shares the values it has."""

    ONLINE = "online"
    AWAY = "away"
    ON_BREAK = "on_break"
    OFFLINE = "offline"


class Strategy(StrEnum):
    """How a queue picks among the agents who could take a conversation."""

    LEAST_LOADED = "least_loaded"  # lowest load / capacity, then longest idle
    LONGEST_IDLE = "longest_idle"  # longest since the last assignment, then least loaded


class OverflowAction(StrEnum):
    NONE = "none"
    OFFER_CALLBACK = "offer_callback"
    BACK_TO_BOT_BUSY = "back_to_bot_busy"
    SPILL_OVER = "spill_over"
    LEAVE_MESSAGE = "leave_message"


class AfterHours(StrEnum):
    """What a customer is offered when the queue is closed."""

    LEAVE_MESSAGE = "leave_message"
    OFFER_CALLBACK = "offer_callback"


def require_aware(value: datetime | None, what: str) -> None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput(f"{what} must be timezone-aware, got naive {value.isoformat()}")


@dataclass(frozen=True, slots=True)
class OverflowRule:
    """When a queue is too long or too slow, divert a share of the customers who fit.

    The queue is over its threshold when more than `max_waiting` customers wait ahead or
    the estimated wait exceeds `max_wait_s` (either may be None = not checked). Of the
    customers who arrive then and match (`simple_only`: only simple-intent questions),
    `share` (0..1) are diverted, chosen by a hash of the conversation id and `seed` so the
    same customer always gets the same answer. Customers carrying an `exempt_tags` tag
    (protected customers, VIPs) are never diverted.
    """

    action: OverflowAction
    max_waiting: int | None = None
    max_wait_s: float | None = None
    share: float = 1.0
    simple_only: bool = True
    spill_to: str | None = None
    seed: str = ""
    exempt_tags: frozenset[str] = frozenset({"elderly", "disabled", "minor", "pregnant", "vip"})

    def __post_init__(self) -> None:
        if self.action in (OverflowAction.NONE, OverflowAction.LEAVE_MESSAGE):
            raise InvalidInput(f"an overflow rule cannot have action {self.action.value}")
        if not 0.0 <= self.share <= 1.0:
            raise InvalidInput(f"overflow share must be between 0 and 1, got {self.share}")
        if self.max_waiting is None and self.max_wait_s is None:
            raise InvalidInput("an overflow rule needs max_waiting or max_wait_s")
        if (self.action is OverflowAction.SPILL_OVER) != (self.spill_to is not None):
            raise InvalidInput("spill_to is required for spill_over and only for it")
        if self.action is OverflowAction.BACK_TO_BOT_BUSY and not self.simple_only:
            raise InvalidInput("only simple-intent questions may be sent back to the bot")


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A queue: who may serve it, how agents are picked, overflow, hours and SLA policies.

    An agent serves the queue when they have every skill in `skills` and speak `language`
    (None: the customer's language decides, or any when that is unknown too). `channels`
    lists the channels the queue accepts (empty: all).
    """

    name: str
    skills: frozenset[str] = frozenset()
    language: str | None = None
    channels: frozenset[str] = frozenset()
    category: str | None = None
    strategy: Strategy = Strategy.LEAST_LOADED
    overflow: tuple[OverflowRule, ...] = ()
    hours: BusinessHours | None = None
    after_hours: AfterHours = AfterHours.LEAVE_MESSAGE
    sla_policy_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("a queue needs a name")
        if any(rule.spill_to == self.name for rule in self.overflow):
            raise InvalidInput(f"queue {self.name!r} cannot spill over into itself")

    @property
    def secondary_queue(self) -> str | None:
        """The queue this one spills over into, if one of its rules does."""
        return next((r.spill_to for r in self.overflow if r.spill_to is not None), None)

    def accepts(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    def language_for(self, item: WaitingItem) -> str | None:
        return self.language if self.language is not None else item.language


@dataclass(frozen=True, slots=True)
class AgentState:
    """An agent as routing sees them at one moment.

    `load` is the weighted number of open conversations; each conversation weighs
    `channel_weights.get(channel, 1.0)` (a phone call may weigh 2, an e-mail 0.5), and an
    agent takes a conversation only while `load + weight <= max_concurrent`.
    """

    agent_id: str
    presence: Presence = Presence.ONLINE
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset({"zh"})
    max_concurrent: float = 5
    load: float = 0.0
    last_assigned_at: datetime | None = None
    channel_weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_concurrent < 0 or self.load < 0:
            raise InvalidInput(f"agent {self.agent_id}: capacity and load cannot be negative")
        if any(w <= 0 for w in self.channel_weights.values()):
            raise InvalidInput(f"agent {self.agent_id}: channel weights must be positive")
        require_aware(self.last_assigned_at, "last_assigned_at")
        if not isinstance(self.channel_weights, MappingProxyType):
            object.__setattr__(
                self, "channel_weights", MappingProxyType(dict(self.channel_weights))
            )

    @property
    def free_capacity(self) -> float:
        return max(0.0, self.max_concurrent - self.load)

    def weight_for(self, channel: str) -> float:
        return self.channel_weights.get(channel, 1.0)

    def fits(self, channel: str) -> bool:
        """Online and with room for one more conversation on `channel`."""
        return (
            self.presence is Presence.ONLINE
            and self.load + self.weight_for(channel) <= self.max_concurrent + CAPACITY_EPSILON
        )

    def serves(self, skills: frozenset[str], language: str | None) -> bool:
        return skills <= self.skills and (language is None or language in self.languages)

    def can_take(self, item: WaitingItem, queue: QueueConfig) -> bool:
        """The whole eligibility rule: online, skilled, speaks the language, has room."""
        return (
            queue.accepts(item.channel)
            and self.serves(queue.skills, queue.language_for(item))
            and self.fits(item.channel)
        )

    def with_assignment(self, channel: str, now: datetime) -> AgentState:
        return replace(self, load=self.load + self.weight_for(channel), last_assigned_at=now)

    def with_release(self, channel: str) -> AgentState:
        load = self.load - self.weight_for(channel)
        return replace(self, load=load if load > CAPACITY_EPSILON else 0.0)


@dataclass(frozen=True, slots=True)
class WaitingItem:
    """A conversation waiting in a queue.

    `emotion` is a category from `kefu.nlu` (anger, anxiety, sadness, joy, surprise,
    neutral) and `emotion_index` its 1 (very negative) to 5 (very positive) index.
    `simple_intent` marks questions the bot can answer on its own (opening hours, delivery
    fees…), which overflow may send back to the bot. `sla_due` is the first-response due
    time, when a policy applies.
    """

    conversation_id: str
    queue: str
    queued_at: datetime
    channel: str = "web_widget"
    language: str | None = None
    tags: frozenset[str] = frozenset()
    emotion: str = "neutral"
    emotion_index: int = 3
    intent: str | None = None
    simple_intent: bool = False
    sla_due: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.queued_at, "queued_at")
        require_aware(self.sla_due, "sla_due")
        if not 1 <= self.emotion_index <= 5:
            raise InvalidInput(f"emotion_index must be 1 to 5, got {self.emotion_index}")


@dataclass(frozen=True, slots=True)
class Assignment:
    """The decision to offer `conversation_id` to `agent_id`, and the load it adds."""

    conversation_id: str
    agent_id: str
    queue: str
    weight: float
