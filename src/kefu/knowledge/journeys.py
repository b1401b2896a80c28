"""`MenuService`: the self-service menu a customer browses, and the journey it leaves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from kefu.knowledge.events import JourneyStep
from kefu.knowledge.menu import NodeDropoff, check_step, dropoff, menu_view
from kefu.knowledge.model import KnowledgeEntry
from kefu.knowledge.ports import JourneyLog, JourneyRecord
from kefu.knowledge.service import KnowledgeService
from kefu.services.ports import EventBus


class MenuService:
    def __init__(self, knowledge: KnowledgeService, journeys: JourneyLog, bus: EventBus) -> None:
        self.knowledge = knowledge
        self.journeys = journeys
        self.bus = bus

    def menu(
        self,
        node: str | None,
        *,
        language: str,
        channel: str | None,
        customer_tags: Iterable[str],
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """The node's children (sub-categories, and entries with their answers) that this
        customer may see, in their language. Raises `NotFound` for an unknown node."""
        moment = now or self.knowledge.clock()
        tags = frozenset(customer_tags)

        def available(entry: KnowledgeEntry) -> bool:
            return entry.available(now=moment, channel=channel, customer_tags=tags)

        def render(entry: KnowledgeEntry) -> str:
            return self.knowledge.render_answer(entry, language, {})

        return menu_view(self.knowledge.tree(), node, language, available, render)

    async def record(
        self,
        conversation_id: str,
        action: str,
        node: str,
        level: int,
        entry_point: str | None,
        now: datetime | None = None,
    ) -> JourneyRecord:
        check_step(action, node, level)
        moment = now or self.knowledge.clock()
        record = JourneyRecord(conversation_id, action, node, level, entry_point, moment)
        await self.journeys.add(self.knowledge.account_id, record)
        await self.bus.publish(
            [
                JourneyStep(
                    occurred_at=moment,
                    conversation_id=conversation_id,
                    action=action,
                    node=node,
                    level=level,
                    entry_point=entry_point,
                )
            ]
        )
        return record

    async def dropoff(self, since: datetime | None = None) -> list[NodeDropoff]:
        records = await self.journeys.since(self.knowledge.account_id, since)
        leaves = {e.id for e in self.knowledge.all()}
        return dropoff(records, leaves)
