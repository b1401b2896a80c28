"""Events of live operations: alerts, bursts and knowledge packs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from kefu.domain.events import DomainEvent, register_event


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class AlertRaised(DomainEvent):
    """An indicator crossed its alert threshold (`value` ≥ `raise_at`, or ≤ for `below`)."""

    name: ClassVar[str] = "alert.raised"
    alert_id: str
    indicator: str
    value: float
    raise_at: float
    clear_at: float
    direction: str


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class AlertCleared(DomainEvent):
    """The indicator came back past its clearing threshold."""

    name: ClassVar[str] = "alert.cleared"
    alert_id: str
    indicator: str
    value: float
    raise_at: float
    clear_at: float
    direction: str


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class BurstDetected(DomainEvent):
    """Messages of one intent or category arrive much faster than their baseline."""

    name: ClassVar[str] = "burst.detected"
    key: str  # "intent:payment_failed" or "category:payments"
    count: int
    window_s: int
    rate_per_min: float
    baseline_per_min: float


@register_event
@dataclass(frozen=True, kw_only=True, slots=True)
class KnowledgePackPublished(DomainEvent):
    """A knowledge pack was created or edited; every online agent receives it."""

    name: ClassVar[str] = "knowledge_pack.published"
    pack: dict[str, Any] = field(default_factory=dict)
