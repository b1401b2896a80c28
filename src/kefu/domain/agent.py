"""Human members of the service team and what they may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kefu.domain.errors import InvalidInput


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Presence(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    ON_BREAK = "on_break"
    OFFLINE = "offline"


@dataclass(slots=True)
class Agent:
    id: str
    account_id: str
    email: str
    name: str
    role: Role
    password_hash: str
    created_at: datetime
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["zh"])
    max_concurrent: int = 5
    presence: Presence = Presence.OFFLINE
    active: bool = True
    #: Raised on a password change or deactivation: every token issued before stops working.
    token_version: int = 0

    def __post_init__(self) -> None:
        if self.max_concurrent < 1:
            raise InvalidInput("max_concurrent must be at least 1")
        if "@" not in self.email:
            raise InvalidInput(f"not an e-mail address: {self.email!r}")

    @property
    def sees_everything(self) -> bool:
        """Supervisors and admins watch every queue; agents see their own work and queues."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    def visible_queues(self) -> set[str]:
        return {"general", *self.skills}

    def can_see_queue(self, queue: str) -> bool:
        return self.sees_everything or queue in self.visible_queues()
