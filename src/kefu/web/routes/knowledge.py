"""The knowledge base over HTTP: administration (supervisors and admins), the customer's
self-service menu and journey, and the journey and suggestion reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kefu.domain.agent import Agent
from kefu.domain.errors import InvalidInput, NotFound
from kefu.knowledge.journeys import MenuService
from kefu.knowledge.model import EntryProblems, KnowledgeEntry, parse_entry
from kefu.knowledge.service import KnowledgeService
from kefu.knowledge.suggestion_service import SuggestionService
from kefu.knowledge.transfer import parse_csv, parse_yaml, to_csv, to_yaml
from kefu.web.deps import ContainerDep, CtxDep, CustomerDep, SupervisorDep

admin = APIRouter(prefix="/api/v1/admin", tags=["knowledge"])
public = APIRouter(prefix="/api/v1/public", tags=["public"])

Format = Literal["csv", "yaml"]
MEDIA = {"csv": "text/csv; charset=utf-8", "yaml": "application/yaml; charset=utf-8"}


async def knowledge_service(container: ContainerDep) -> KnowledgeService:
    return container.knowledge


async def menu_service(container: ContainerDep) -> MenuService:
    return container.menus


async def suggestion_service(container: ContainerDep) -> SuggestionService:
    return container.suggestions


KnowledgeDep = Annotated[KnowledgeService, Depends(knowledge_service)]
MenuDep = Annotated[MenuService, Depends(menu_service)]
SuggestionsDep = Annotated[SuggestionService, Depends(suggestion_service)]


def problems_response(exc: EntryProblems, code: str = "invalid_entry") -> JSONResponse:
    """422 naming every bad row and field, e.g. `row 3 (refund-how): answer.en: is required`."""
    message = f"{len(exc.problems)} problem(s): {exc}"
    problems = [p.to_dict() for p in exc.problems]
    body = {"error": {"code": code, "message": message, "problems": problems}, "detail": message}
    return JSONResponse(body, status_code=422)


def _author(agent: Agent) -> str:
    return agent.email


def _out(kb: KnowledgeService, entry: KnowledgeEntry) -> dict[str, Any]:
    return {**entry.to_document(), "version": kb.version_of(entry.id)}


# -- administration ----------------------------------------------------------------------


@admin.get("/knowledge")
async def list_entries(
    _: SupervisorDep,
    kb: KnowledgeDep,
    q: str = "",
    category: str | None = None,
    tag: str | None = None,
    enabled: bool | None = None,
) -> dict[str, Any]:
    """Entries whose id, questions, phrasings or answers contain `q`; filters by category
    node id, tag and enabled."""
    found = kb.search(q, category=category, tag=tag, enabled=enabled)
    return {"total": len(found), "entries": [_out(kb, e) for e in found]}


@admin.get("/knowledge/export")
async def export_entries(_: SupervisorDep, kb: KnowledgeDep, format: Format = "yaml") -> Response:
    """The whole knowledge base as a file that `import` takes back unchanged."""
    entries = kb.all()
    text = to_csv(entries) if format == "csv" else to_yaml(entries)
    headers = {"Content-Disposition": f'attachment; filename="knowledge.{format}"'}
    return Response(text, media_type=MEDIA[format], headers=headers)


@admin.post("/knowledge/import", response_model=None)
async def import_entries(
    request: Request,
    supervisor: SupervisorDep,
    kb: KnowledgeDep,
    format: Format | None = None,
) -> dict[str, Any] | JSONResponse:
    """Creates and updates entries from a CSV or YAML body (`format`, else the
    Content-Type). All or nothing: any bad row fails the whole import with a 422 that
    lists every bad row and field."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file must be UTF-8 text") from exc
    kind = format or ("csv" if "csv" in request.headers.get("content-type", "") else "yaml")
    try:
        entries = parse_csv(text) if kind == "csv" else parse_yaml(text)
    except EntryProblems as exc:
        return problems_response(exc, "invalid_import")
    result = await kb.import_entries(entries, _author(supervisor))
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@admin.get("/knowledge/categories")
async def category_tree(
    _: SupervisorDep, kb: KnowledgeDep, language: Literal["zh", "en"] = "zh"
) -> dict[str, Any]:
    return kb.category_tree(language)


@admin.get("/knowledge/{entry_id}")
async def get_entry(entry_id: str, _: SupervisorDep, kb: KnowledgeDep) -> dict[str, Any]:
    entry = kb.get(entry_id)
    if entry is None:
        raise NotFound(f"no knowledge entry {entry_id!r}")
    return _out(kb, entry)


@admin.post("/knowledge", status_code=status.HTTP_201_CREATED, response_model=None)
async def create_entry(
    body: Annotated[dict[str, Any], Body()], supervisor: SupervisorDep, kb: KnowledgeDep
) -> dict[str, Any] | JSONResponse:
    """Adds an entry; the bot can answer with it from the next message on."""
    try:
        entry = parse_entry(body)
    except EntryProblems as exc:
        return problems_response(exc)
    await kb.create(entry, _author(supervisor))
    return _out(kb, entry)


@admin.put("/knowledge/{entry_id}", response_model=None)
async def update_entry(
    entry_id: str,
    body: Annotated[dict[str, Any], Body()],
    supervisor: SupervisorDep,
    kb: KnowledgeDep,
) -> dict[str, Any] | JSONResponse:
    """Replaces an entry (the whole document; `id` may be left out)."""
    if body.get("id", entry_id) != entry_id:
        raise InvalidInput("the id in the body differs from the one in the path")
    try:
        entry = parse_entry({**body, "id": entry_id})
    except EntryProblems as exc:
        return problems_response(exc)
    await kb.update(entry, _author(supervisor))
    return _out(kb, entry)


@admin.delete("/knowledge/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_entry(entry_id: str, supervisor: SupervisorDep, kb: KnowledgeDep) -> Response:
    await kb.delete(entry_id, _author(supervisor))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@admin.get("/knowledge/{entry_id}/history")
async def entry_history(entry_id: str, _: SupervisorDep, kb: KnowledgeDep) -> dict[str, Any]:
    """Every version, oldest first: who, when, what changed, and the entry after it."""
    return {"entry_id": entry_id, "versions": [v.to_dict() for v in await kb.history(entry_id)]}


@admin.get("/journeys/dropoff")
async def journey_dropoff(
    _: SupervisorDep, menus: MenuDep, since: datetime | None = None
) -> dict[str, Any]:
    """Per menu node: visits, backs, exits and silent abandons; worst first."""
    return {"nodes": [n.to_dict() for n in await menus.dropoff(since)]}


@admin.get("/suggestions/report")
async def suggestion_report(
    _: SupervisorDep, suggestions: SuggestionsDep, since: datetime | None = None
) -> dict[str, Any]:
    """Impressions, clicks and click-through rate of each A/B variant."""
    return {"variants": [v.to_dict() for v in await suggestions.report(since)]}


class PinIn(BaseModel):
    topic: str = Field(min_length=1, max_length=200)
    text_zh: str = Field(default="", max_length=200)
    text_en: str = Field(default="", max_length=200)
    until: datetime | None = None


@admin.post("/suggestions/pins", status_code=status.HTTP_201_CREATED)
async def pin_topic(body: PinIn, _: SupervisorDep, suggestions: SuggestionsDep) -> dict[str, Any]:
    """Puts a topic (a knowledge id, an intent or words) into everyone's suggestions."""
    pin = suggestions.pin(body.topic, text_zh=body.text_zh, text_en=body.text_en, until=body.until)
    await suggestions.pin_everywhere(pin, pin.topic, suggestions.knowledge.clock())
    return {"topic": pin.topic, "knowledge_id": pin.knowledge_id, "until": pin.until}


@admin.delete("/suggestions/pins/{topic}", status_code=status.HTTP_204_NO_CONTENT)
async def unpin_topic(topic: str, _: SupervisorDep, suggestions: SuggestionsDep) -> Response:
    if not suggestions.unpin(topic):
        raise NotFound(f"no pinned topic {topic!r}")
    await suggestions.pin_everywhere(None, topic, suggestions.knowledge.clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- the customer's self-service menu ----------------------------------------------------


async def _customer_context(
    ctx: CtxDep, conversation_id: str
) -> tuple[str, str, list[str], str | None]:
    async with ctx.uow() as uow:
        conversation = await uow.conversations.get(conversation_id)
        if conversation is None:
            raise NotFound(f"no conversation {conversation_id}")
        customer = await uow.customers.get(conversation.customer_id)
    tags = list(customer.tags) if customer else []
    return conversation.language, conversation.channel, tags, conversation.entry_point


@public.get("/conversations/{conversation_id}/menu")
async def menu(
    conversation_id: str,
    _customer: CustomerDep,
    ctx: CtxDep,
    menus: MenuDep,
    node: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """A node of the self-service menu (the top level without `node`): its sub-categories
    and its questions with their answers, in the conversation's language."""
    language, channel, tags, _entry = await _customer_context(ctx, conversation_id)
    return menus.menu(node, language=language, channel=channel, customer_tags=tags)


class JourneyIn(BaseModel):
    action: Literal["open", "click", "back", "exit"]
    node: str = Field(min_length=1, max_length=64)
    level: int = Field(ge=0, le=20)
    entry_point: str | None = Field(default=None, max_length=64)


@public.post("/conversations/{conversation_id}/journey", status_code=status.HTTP_201_CREATED)
async def journey(
    conversation_id: str,
    body: JourneyIn,
    _customer: CustomerDep,
    ctx: CtxDep,
    menus: MenuDep,
) -> dict[str, Any]:
    """Records one step in the menu: `open`, `click`, `back` (`node` is where the customer
    is after it) or `exit` (`node` is the one they left)."""
    _lang, _channel, _tags, entry_point = await _customer_context(ctx, conversation_id)
    record = await menus.record(
        conversation_id, body.action, body.node, body.level, body.entry_point or entry_point
    )
    return {
        "conversation_id": conversation_id,
        "action": record.action,
        "node": record.node,
        "level": record.level,
        "entry_point": record.entry_point,
        "created_at": record.created_at,
    }
