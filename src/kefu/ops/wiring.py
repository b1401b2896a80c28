"""Builds live operations for the composition root."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db.ops_store import SqlOpsStore
from kefu.domain.clock import Clock
from kefu.ops.bursts import BurstDetector
from kefu.ops.ports import Pinner
from kefu.ops.service import LiveOps
from kefu.services.ports import EventBus
from kefu.settings import Settings


def build_live_ops(
    engine: AsyncEngine,
    bus: EventBus,
    settings: Settings,
    clock: Clock,
    *,
    bursts: BurstDetector,
    pin: Pinner,
) -> LiveOps:
    """ "Today" on the board starts at local midnight of `settings.ops_timezone`
    (`KEFU_OPS_TIMEZONE`, default Asia/Shanghai, like queues' business hours)."""
    return LiveOps(
        SqlOpsStore(engine),
        bus,
        clock=clock,
        tz=ZoneInfo(settings.ops_timezone),
        bursts=bursts,
        pin=pin,
    )
