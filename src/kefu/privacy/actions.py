"""The privacy use cases routes call: each checks who asks and leaves a line in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kefu.domain.agent import Agent, Role
from kefu.domain.clock import Clock
from kefu.domain.errors import PermissionDenied
from kefu.domain.ids import new_id
from kefu.privacy.events import CustomerErased
from kefu.privacy.policy import customer_data_cutoff, emotion_cutoff, transcript_cutoff
from kefu.privacy.ports import AccountSettings, AuditEntry, AuditLog, PrivacyStore
from kefu.services.access import check_supervisor
from kefu.services.ports import EventBus
from kefu.services.team import require_admin

#: The account settings document that holds the retention periods.
RETENTION_KEY = "retention"
#: Profiles erased per transaction by the purge (it loops until none is left).
PROFILE_BATCH = 500


def check_admin(agent: Agent) -> None:
    if agent.role is not Role.ADMIN:
        raise PermissionDenied("only an admin may export or erase a customer's data")


@dataclass(eq=False)
class Privacy:
    store: PrivacyStore
    audit: AuditLog
    bus: EventBus
    clock: Clock
    settings: AccountSettings
    emotion_ttl_s: float

    async def retention(self, actor: Agent) -> dict[str, Any]:
        """The account's retention settings as stored (empty when never set)."""
        check_supervisor(actor)
        return await self.settings.get(actor.account_id, RETENTION_KEY) or {}

    async def set_retention(self, actor: Agent, periods: dict[str, Any]) -> dict[str, Any]:
        """Stores the retention settings with who changed them and when (admins only)."""
        require_admin(actor)
        now = self.clock()
        value = {**periods, "updated_at": now.isoformat(), "updated_by": actor.id}
        await self.settings.put(actor.account_id, RETENTION_KEY, value, by=actor.id, now=now)
        return value

    async def record(
        self, actor: Agent, action: str, target: str, detail: dict[str, Any] | None = None
    ) -> None:
        """One line of the audit log: who (and in which role) did what to what."""
        await self.audit.add(
            AuditEntry(
                id=new_id(),
                account_id=actor.account_id,
                at=self.clock(),
                actor_id=actor.id,
                actor_role=actor.role.value,
                action=action,
                target=target,
                detail=detail or {},
            )
        )

    async def audit_log(
        self, actor: Agent, *, limit: int = 200, action: str | None = None
    ) -> list[AuditEntry]:
        check_supervisor(actor)
        return await self.audit.list(actor.account_id, limit=limit, action=action)

    async def export_customer(self, actor: Agent, external_id: str) -> dict[str, Any]:
        check_admin(actor)
        data = await self.store.export_customer(actor.account_id, external_id)
        assert data is not None
        await self.record(actor, "customer.exported", external_id)
        return {"external_id": external_id, "exported_at": self.clock().isoformat(), **data}

    async def erase_customer(self, actor: Agent, external_id: str) -> dict[str, Any]:
        """Personal data and message text go; ids, timestamps and counts stay, so reports do
        not change. Publishes `customer.erased` for other features' own data."""
        check_admin(actor)
        customer_id, conversations = await self.store.erase_customer(actor.account_id, external_id)
        await self.record(
            actor, "customer.erased", external_id, {"conversations": len(conversations)}
        )
        await self.bus.publish(
            [
                CustomerErased(
                    occurred_at=self.clock(),
                    account_id=actor.account_id,
                    customer_id=customer_id,
                    conversation_ids=conversations,
                )
            ]
        )
        return {"customer_id": customer_id, "conversations": len(conversations)}

    async def purge(self) -> dict[str, int]:
        """One pass of the purges; safe to repeat and to run on several instances at once."""
        now = self.clock()
        emotion = await self.store.purge_emotion(emotion_cutoff(now, self.emotion_ttl_s))
        messages = customers = 0
        for account_id in await self.store.accounts():
            retention = await self.settings.get(account_id, RETENTION_KEY)
            before = transcript_cutoff(now, retention)
            if before is not None:
                messages += (await self.store.purge_transcripts(account_id, before)).messages
            idle_since = customer_data_cutoff(now, retention)
            if idle_since is not None:
                customers += await self._purge_customers(account_id, idle_since)
        return {
            "emotion_readings": emotion.emotion_readings,
            "conversations": emotion.conversations,
            "messages": messages,
            "customers": customers,
        }

    async def _purge_customers(self, account_id: str, idle_since: datetime) -> int:
        """Profiles past the admin's `customer_data_days`, erased like an admin's erasure
        but for message text (the transcript retention's own); `customer.erased` tells
        other features (scheduled surveys are cancelled)."""
        erased = 0
        while True:
            batch = await self.store.purge_customers(account_id, idle_since, limit=PROFILE_BATCH)
            if batch:
                await self.bus.publish(
                    [
                        CustomerErased(
                            occurred_at=self.clock(),
                            account_id=account_id,
                            customer_id=p.customer_id,
                            conversation_ids=p.conversation_ids,
                        )
                        for p in batch
                    ]
                )
            erased += len(batch)
            if len(batch) < PROFILE_BATCH:
                return erased
