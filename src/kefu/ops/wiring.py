"""Builds live operations for the composition root."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db.ops_store import SqlOpsStore
from kefu.domain.clock import Clock
from kefu.ops.service import LiveOps
from kefu.services.ports import EventBus

DEFAULT_TIMEZONE = "Asia/Shanghai"


def build_live_ops(engine: AsyncEngine, bus: EventBus, clock: Clock) -> LiveOps:
    """ "Today" on the board starts at local midnight of `KEFU_OPS_TIMEZONE` (default
    Asia/Shanghai, like queues' business hours)."""
    tz = ZoneInfo(os.environ.get("KEFU_OPS_TIMEZONE", DEFAULT_TIMEZONE))
    return LiveOps(SqlOpsStore(engine), bus, clock=clock, tz=tz)
