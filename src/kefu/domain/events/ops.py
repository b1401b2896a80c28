"""Live operations: alerts, bursts and knowledge packs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from kefu.domain.events.base import DomainEvent


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertEvent(DomainEvent):
    """An alert rule changed state; the figures are the indicator's and the rule's."""

    alert_id: str
    indicator: str
    value: float
    raise_at: float
    clear_at: float
    direction: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertRaised(AlertEvent):
    """An indicator crossed its alert threshold (`value` ≥ `raise_at`, or ≤ for `below`)."""

    name: ClassVar[str] = "alert.raised"


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertCleared(AlertEvent):
    """The indicator came back past its clearing threshold."""

    name: ClassVar[str] = "alert.cleared"


@dataclass(frozen=True, kw_only=True, slots=True)
class BurstDetected(DomainEvent):
    """Messages of one intent or category arrive much faster than their baseline."""

    name: ClassVar[str] = "burst.detected"
    key: str  # "intent:payment_failed" or "category:payments"
    count: int
    window_s: int
    rate_per_min: float
    baseline_per_min: float


@dataclass(frozen=True, kw_only=True, slots=True)
class KnowledgePackPublished(DomainEvent):
    """A knowledge pack was created or edited; every online agent receives it."""

    name: ClassVar[str] = "knowledge_pack.published"
    pack: dict[str, Any] = field(default_factory=dict)
