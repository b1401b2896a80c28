"""Agent assist API: the hand-over package and card, suggestions per customer message, which
suggestion was used, and the team's canned responses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import Field

from kefu.assist.cards import CardService
from kefu.assist.package import handover_package
from kefu.assist.service import AssistService
from kefu.bootstrap import Container
from kefu.services import business_wire
from kefu.web.deps import AgentDep, ContainerDep
from kefu.web.schemas import MAX_SEQ, RequestBody

router = APIRouter(prefix="/api/v1/agent", tags=["agent assist"])


def _cards(request: Request) -> CardService:
    container: Container = request.app.state.container
    return container.cards


def _assist(request: Request) -> AssistService:
    container: Container = request.app.state.container
    return container.assist


class CardEditIn(RequestBody):
    """Only the fields to change, plus the `version` the agent read (a stale version → 409)."""

    version: int = Field(ge=1, le=MAX_SEQ)
    summary: str | None = Field(default=None, max_length=2000)
    category: str | None = Field(default=None, max_length=200)
    intent: str | None = Field(default=None, max_length=200)
    related_order: str | None = Field(default=None, max_length=200)
    emotion_now: str | None = Field(default=None, max_length=32)
    priority: int | None = None
    promises: list[str] | None = Field(default=None, max_length=50)
    progress: str | None = Field(default=None, max_length=4000)
    next_step: str | None = Field(default=None, max_length=4000)
    sla_due: datetime | None = None


class UsedIn(RequestBody):
    suggestion_id: str = Field(max_length=128)
    kind: Literal["knowledge", "reply", "soothing", "remedy", "policy", "pack", "canned"]
    edited: bool = False
    message_seq: int | None = Field(
        default=None, ge=1, le=MAX_SEQ, description="The agent message sent with it, if known"
    )


class CannedIn(RequestBody):
    shortcut: str = Field(max_length=40)
    text_zh: str = Field(default="", max_length=4000)
    text_en: str = Field(default="", max_length=4000)


@router.get("/conversations/{conversation_id}/handover")
async def handover(
    conversation_id: str, agent: AgentDep, container: ContainerDep, request: Request
) -> dict[str, Any]:
    """The hand-over package: card, transcript, customer, orders, what the bot understood,
    answered and failed, the emotion trajectory and a summary."""
    return await handover_package(
        _cards(request), container.business, agent, conversation_id, to_json=business_wire.to_json
    )


@router.get("/conversations/{conversation_id}/card")
async def get_card(conversation_id: str, agent: AgentDep, request: Request) -> dict[str, Any]:
    return (await _cards(request).get(agent, conversation_id)).to_json()


@router.patch("/conversations/{conversation_id}/card")
async def edit_card(
    conversation_id: str, body: CardEditIn, agent: AgentDep, request: Request
) -> dict[str, Any]:
    """Send only the fields you change; `null` clears an optional field (category, intent,
    related_order, sla_due)."""
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    card = await _cards(request).edit(agent, conversation_id, changes, expected_version=version)
    return card.to_json()


@router.get("/conversations/{conversation_id}/card/history")
async def card_history(conversation_id: str, agent: AgentDep, request: Request) -> dict[str, Any]:
    """Every change of the card: who, when, which fields from what to what."""
    return {"edits": await _cards(request).history(agent, conversation_id)}


@router.get("/conversations/{conversation_id}/assist")
async def assist(
    conversation_id: str,
    agent: AgentDep,
    request: Request,
    seq: Annotated[int | None, Query(ge=1, le=MAX_SEQ)] = None,
) -> dict[str, Any]:
    """Suggestions for one customer message (default: the latest). Each suggestion has an
    `id` and the `text` to insert as it is."""
    return await _assist(request).suggest(agent, conversation_id, seq)


@router.post("/conversations/{conversation_id}/assist/used", status_code=status.HTTP_201_CREATED)
async def assist_used(
    conversation_id: str, body: UsedIn, agent: AgentDep, request: Request
) -> dict[str, Any]:
    return await _assist(request).record_used(
        agent,
        conversation_id,
        suggestion_id=body.suggestion_id,
        kind=body.kind,
        edited=body.edited,
        message_seq=body.message_seq,
    )


@router.get("/conversations/{conversation_id}/assist/used")
async def assist_usage(conversation_id: str, agent: AgentDep, request: Request) -> dict[str, Any]:
    return {"used": await _assist(request).usage(agent, conversation_id)}


@router.get("/canned")
async def list_canned(agent: AgentDep, request: Request) -> dict[str, Any]:
    return {"canned": [c.to_json() for c in await _assist(request).list_canned(agent)]}


@router.post("/canned", status_code=status.HTTP_201_CREATED)
async def add_canned(body: CannedIn, agent: AgentDep, request: Request) -> dict[str, Any]:
    canned = await _assist(request).add_canned(
        agent, shortcut=body.shortcut, text_zh=body.text_zh, text_en=body.text_en
    )
    return canned.to_json()


@router.put("/canned/{canned_id}")
async def put_canned(
    canned_id: str, body: CannedIn, agent: AgentDep, request: Request
) -> dict[str, Any]:
    canned = await _assist(request).update_canned(
        agent, canned_id, shortcut=body.shortcut, text_zh=body.text_zh, text_en=body.text_en
    )
    return canned.to_json()


@router.delete("/canned/{canned_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_canned(canned_id: str, agent: AgentDep, request: Request) -> Response:
    await _assist(request).delete_canned(agent, canned_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
