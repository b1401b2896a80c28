"""The bot's API: customer ratings, hand-over rules for admins, drafts for agents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, status
from pydantic import BaseModel, Field

from kefu.bot.events import ConversationRated
from kefu.bot.service import BotService
from kefu.domain.errors import Conflict, NotFound
from kefu.services import conversations as conv
from kefu.web.deps import AgentDep, ContainerDep, CtxDep, CustomerDep, SupervisorDep
from kefu.web.schemas import RequestBody

router = APIRouter(tags=["bot"])


class RatingIn(RequestBody):
    score: int = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    comment: str | None = Field(default=None, max_length=1000)


class RatingOut(BaseModel):
    conversation_id: str
    score: int
    comment: str | None


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


def _bot(container: Any) -> BotService:
    if container.bot is None:
        raise NotFound("the bot is switched off on this server (KEFU_BOT_ENABLED=false)")
    bot: BotService = container.bot
    return bot


@router.post(
    "/api/v1/public/conversations/{conversation_id}/rating",
    status_code=status.HTTP_201_CREATED,
    response_model=RatingOut,
)
async def rate(
    conversation_id: str,
    body: RatingIn,
    ctx: CtxDep,
    container: ContainerDep,
    _customer: CustomerDep,
) -> RatingOut:
    """The customer's satisfaction (CSAT), once per conversation."""
    found = await conv.get_conversation(ctx, conversation_id)
    now = ctx.clock()
    store = _bot(container).store
    await store.add_rating(conversation_id, body.score, body.comment, now)
    event = ConversationRated(
        occurred_at=now,
        conversation_id=conversation_id,
        status=found.status.value,
        score=body.score,
        comment=body.comment,
    )
    await container.bus.publish([event])
    return RatingOut(conversation_id=conversation_id, score=body.score, comment=body.comment)


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
    """Replies the bot wrote for intents that need a person's approval, oldest first."""
    drafts = await _bot(container).store.list_drafts()
    return [
        DraftOut(
            draft_id=d.id,
            conversation_id=d.conversation_id,
            intent=d.intent,
            text=d.text,
            status=d.status,
            created_at=d.created_at,
        )
        for d in drafts
    ]


@router.post("/api/v1/agent/drafts/{draft_id}/approve", response_model=DraftOut)
async def approve_draft(
    draft_id: str,
    agent: AgentDep,
    container: ContainerDep,
    ctx: CtxDep,
    body: DraftDecisionIn | None = None,
) -> DraftOut:
    """Sends the draft to the customer, as written or as edited (`text`)."""
    return await _decide(draft_id, agent.id, container, ctx, body.text if body else None, True)


@router.post("/api/v1/agent/drafts/{draft_id}/reject", response_model=DraftOut)
async def reject_draft(
    draft_id: str, agent: AgentDep, container: ContainerDep, ctx: CtxDep
) -> DraftOut:
    """Drops the draft and hands the conversation to a person."""
    return await _decide(draft_id, agent.id, container, ctx, None, False)


async def _decide(
    draft_id: str,
    agent_id: str,
    container: Any,
    ctx: Any,
    edited: str | None,
    approve: bool,
) -> DraftOut:
    bot = _bot(container)
    draft = await bot.store.get_draft(draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id}")
    status_ = ("edited" if edited else "approved") if approve else "rejected"
    final = (edited or draft.text) if approve else None
    if not await bot.store.decide_draft(draft_id, status_, agent_id, final, ctx.clock()):
        raise Conflict("this draft was already decided by someone else")
    if approve and final is not None:
        await conv.post_bot_message(
            ctx, draft.conversation_id, final, payload=draft.payload, client_id=f"draft:{draft.id}"
        )
    else:
        await conv.hand_over(ctx, draft.conversation_id, reason="draft_rejected")
    return DraftOut(
        draft_id=draft.id,
        conversation_id=draft.conversation_id,
        intent=draft.intent,
        text=final or draft.text,
        status=status_,
        created_at=draft.created_at,
    )
