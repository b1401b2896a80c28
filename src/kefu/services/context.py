"""What every use case needs: a way to open a unit of work, and the time."""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.domain.clock import Clock, system_clock
from kefu.services.ports import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ServiceContext:
    uow: UnitOfWorkFactory
    clock: Clock = field(default=system_clock)
