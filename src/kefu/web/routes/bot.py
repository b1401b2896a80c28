"""The bot's API: hand-over rules for admins, drafts for agents (ratings: quality)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from kefu.bootstrap import Container
from kefu.bot.drafts import Decided
from kefu.bot.model import Draft
from kefu.bot.wiring import Bot
from kefu.web.deps import AgentDep, ContainerDep, SupervisorDep
from kefu.web.schemas import RequestBody

router = APIRouter(tags=["bot"])


class DraftOut(BaseModel):
    draft_id: str
    conversation_id: str
    intent: str
    text: str
    status: str
    created_at: datetime


class DraftDecisionIn(RequestBody):
    text: str | None = Field(
        default=None, min_length=1, max_length=4000, description="The edited reply, if edited"
    )


def _bot(container: Container) -> Bot:
    return container.bot


def _out(draft: Draft, decided: Decided | None = None) -> DraftOut:
    return DraftOut(
        draft_id=draft.id,
        conversation_id=draft.conversation_id,
        intent=draft.intent,
        text=decided.text if decided else draft.text,
        status=decided.status if decided else draft.status,
        created_at=draft.created_at,
    )


@router.get("/api/v1/admin/bot/rules")
async def get_rules(supervisor: SupervisorDep, container: ContainerDep) -> dict[str, Any]:
    """Hand-over rules and thresholds (the defaults until an admin saves some)."""
    return (await _bot(container).rules_for(supervisor.account_id)).to_dict()


@router.put("/api/v1/admin/bot/rules")
async def put_rules(
    supervisor: SupervisorDep,
    container: ContainerDep,
    body: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    """Replaces the rules; fields left out take their defaults. Takes effect at once."""
    rules = await _bot(container).put_rules(supervisor.account_id, body, supervisor.id)
    return rules.to_dict()


@router.get("/api/v1/agent/drafts", response_model=list[DraftOut])
async def list_drafts(agent: AgentDep, container: ContainerDep) -> list[DraftOut]:
    """Replies the bot wrote for intents that need a person's approval, oldest first: only
    this account's, for conversations the agent may see."""
    return [_out(d) for d in await _bot(container).drafts.list_for(agent)]


@router.post("/api/v1/agent/drafts/{draft_id}/approve", response_model=DraftOut)
async def approve_draft(
    draft_id: str,
    agent: AgentDep,
    container: ContainerDep,
    body: DraftDecisionIn | None = None,
) -> DraftOut:
    """Sends the draft to the customer, as written or as edited (`text`)."""
    decided = await _bot(container).drafts.approve(agent, draft_id, body.text if body else None)
    return _out(decided.draft, decided)


@router.post("/api/v1/agent/drafts/{draft_id}/reject", response_model=DraftOut)
async def reject_draft(draft_id: str, agent: AgentDep, container: ContainerDep) -> DraftOut:
    """Drops the draft and hands the conversation to a person."""
    decided = await _bot(container).drafts.reject(agent, draft_id)
    return _out(decided.draft, decided)
