"""Builds the planning use cases from the adapters the composition root passes in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from kefu.domain.clock import Clock
from kefu.planning.actions import PlanningActions
from kefu.planning.ports import ContactHistory


def build_planning(history: ContactHistory, clock: Clock, timezone: str) -> PlanningActions:
    """`timezone` is where the day's shape lives (the operation's local time)."""
    return PlanningActions(history=history, clock=clock, tz=ZoneInfo(timezone))
