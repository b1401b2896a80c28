"""Builds the knowledge package's services over SQL storage, for `kefu.bootstrap`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.adapters.db.knowledge_store import SqlJourneyLog, SqlKnowledgeStore, SqlSuggestionLog
from kefu.domain.business import BusinessSystem
from kefu.domain.customer import Customer
from kefu.knowledge.journeys import MenuService
from kefu.knowledge.service import KnowledgeService
from kefu.knowledge.suggestion_service import SuggestionService
from kefu.knowledge.suggestions import BurstSource
from kefu.nlu.matcher import KnowledgeMatcher
from kefu.services.context import ServiceContext
from kefu.services.ports import EventBus


@dataclass(frozen=True, slots=True)
class KnowledgeServices:
    knowledge: KnowledgeService
    menus: MenuService
    suggestions: SuggestionService


def build_knowledge(
    engine: AsyncEngine,
    bus: EventBus,
    ctx: ServiceContext,
    business: BusinessSystem,
    matcher: KnowledgeMatcher,
    bursts: BurstSource,
) -> KnowledgeServices:
    """`matcher` is the language engine's live matcher (`NluEngine.knowledge`): the
    knowledge service replaces its entries at start-up and edits it on every change."""
    knowledge = KnowledgeService(SqlKnowledgeStore(engine), bus, matcher, clock=ctx.clock)

    async def customer(customer_id: str) -> Customer | None:
        async with ctx.uow(read_only=True) as uow:
            return await uow.customers.get(customer_id)

    suggestions = SuggestionService(
        knowledge, SqlSuggestionLog(engine), bus, business, customer, bursts=bursts
    )
    return KnowledgeServices(
        knowledge, MenuService(knowledge, SqlJourneyLog(engine), bus), suggestions
    )
