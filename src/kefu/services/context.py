"""What every use case needs: a way to open a unit of work, and the time."""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.domain.clock import Clock, system_clock
from kefu.services.message_writer import MessageWriter
from kefu.services.ports import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """`writer`, when set, batches concurrent message posts into shared transactions (the
    server sets it; one-off scripts and the CLI write each message on its own)."""

    uow: UnitOfWorkFactory
    clock: Clock = field(default=system_clock)
    writer: MessageWriter | None = None
