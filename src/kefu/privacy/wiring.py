"""Puts privacy together from the adapters it is given (it imports none itself)."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.domain.clock import Clock
from kefu.privacy.actions import Privacy
from kefu.privacy.handlers import PurgeJob
from kefu.privacy.ports import AccountSettings, AuditLog, PrivacyStore
from kefu.services.ports import EventBus


@dataclass(eq=False)
class PrivacyFeature:
    privacy: Privacy
    job: PurgeJob


def build(
    *,
    store: PrivacyStore,
    audit: AuditLog,
    bus: EventBus,
    clock: Clock,
    settings: AccountSettings,
    emotion_ttl_s: float,
    purge_interval_s: float,
) -> PrivacyFeature:
    privacy = Privacy(store, audit, bus, clock, settings, emotion_ttl_s)
    return PrivacyFeature(privacy, PurgeJob(privacy, purge_interval_s))
