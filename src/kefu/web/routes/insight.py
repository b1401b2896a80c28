"""Insight over HTTP (supervisors and admins): journeys and indicators, funnels, heat-maps,
drill-down, promotion proposals, experiments, exports, and the `/insight` page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, Query
from fastapi.responses import FileResponse, Response

from kefu.domain.errors import InvalidInput, NotFound
from kefu.insight.actions import CONVERSATION_COLUMNS, InsightActions
from kefu.insight.export import to_csv, to_xlsx
from kefu.insight.ports import Filters
from kefu.web.deps import ContainerDep, SupervisorDep
from kefu.web.routes.pages import NO_CACHE, STATIC

router = APIRouter(prefix="/api/v1/insight", tags=["insight"])
pages = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def insight_actions(container: ContainerDep) -> InsightActions:
    if container.insight is None:
        raise NotFound("this instance runs without insight")
    return container.insight.actions


ActionsDep = Annotated[InsightActions, Depends(insight_actions)]


def _day(raw: str | None, name: str) -> str | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10]).isoformat()
    except ValueError as exc:
        raise InvalidInput(f"{name} must be a date like 2026-12-01") from exc


async def filters(
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    entry_point: str | None = None,
    channel: str | None = None,
) -> Filters:
    """`from`/`to`: local days (inclusive); conversations count on the day they started."""
    found = Filters(_day(from_, "from"), _day(to, "to"), entry_point or None, channel or None)
    if found.day_from and found.day_to and found.day_from > found.day_to:
        raise InvalidInput("from must not be after to")
    return found


FiltersDep = Annotated[Filters, Depends(filters)]


@router.get("/journeys")
async def journeys(agent: SupervisorDep, actions: ActionsDep, f: FiltersDep) -> dict[str, Any]:
    """`{"indicators": {…}, "funnel": [...]}`; every indicator is defined in docs/metrics.md."""
    return await actions.journeys(agent, f)


@router.get("/heatmaps/{name}")
async def heatmap(
    name: str, agent: SupervisorDep, actions: ActionsDep, f: FiltersDep
) -> dict[str, Any]:
    """`hour_weekday` (weekday 0 = Monday, local hour), `intent_entry`, `node_outcome`."""
    return await actions.heatmap(agent, name, f)


@router.get("/drill")
async def drill(
    agent: SupervisorDep, actions: ActionsDep, f: FiltersDep, metric: str, key: str = ""
) -> dict[str, Any]:
    """The conversations behind one number (a rollup `metric` and `key`)."""
    return await actions.drill(agent, metric, key, f)


@router.get("/proposals")
async def proposals(
    agent: SupervisorDep, actions: ActionsDep, f: FiltersDep, language: Literal["zh", "en"] = "zh"
) -> dict[str, Any]:
    return {"proposals": await actions.proposals(agent, f, language)}


@router.post("/proposals/apply")
async def apply_proposal(
    agent: SupervisorDep,
    actions: ActionsDep,
    knowledge_id: Annotated[str, Body(embed=True)],
    action: Annotated[str, Body(embed=True)],
) -> dict[str, Any]:
    """One click: the knowledge-base edit, versioned with the supervisor as author."""
    return {"entry": await actions.apply_proposal(agent, knowledge_id, action)}


@router.get("/experiments")
async def experiments(agent: SupervisorDep, actions: ActionsDep) -> dict[str, Any]:
    return {"experiments": await actions.experiments(agent)}


@router.get("/experiments/{experiment_id}")
async def experiment(
    experiment_id: str, agent: SupervisorDep, actions: ActionsDep
) -> dict[str, Any]:
    return await actions.experiment_results(agent, experiment_id)


@router.put("/experiments/{experiment_id}")
async def save_experiment(
    experiment_id: str,
    agent: SupervisorDep,
    actions: ActionsDep,
    body: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    return await actions.save_experiment(agent, {**body, "id": experiment_id})


async def _table(
    agent: Any, actions: InsightActions, table: str, f: Filters, metric: str, key: str
) -> tuple[list[str], list[dict[str, Any]]]:
    if table == "funnel":
        rows = (await actions.journeys(agent, f))["funnel"]
        return ["stage", "count", "share"], rows
    if table == "indicators":
        indicators = (await actions.journeys(agent, f))["indicators"]
        flat = [{"indicator": k, "value": v} for k, v in indicators.items()]
        return ["indicator", "value"], flat
    if table.startswith("heatmap:"):
        cells = (await actions.heatmap(agent, table.partition(":")[2], f))["cells"]
        return ["row", "col", "count"], cells
    if table == "drill":
        found = await actions.drill(agent, metric, key, f)
        return list(CONVERSATION_COLUMNS), found["conversations"]
    if table == "proposals":
        rows = await actions.proposals(agent, f)
        for row in rows:
            row["path"] = " > ".join(row["path"])
        columns = ["knowledge_id", "question", "action", "score", "reached", "asked", "depth",
                   "gave_up_above", "path"]  # fmt: skip
        return columns, rows
    raise InvalidInput("table is funnel, indicators, heatmap:<name>, drill or proposals")


@router.get("/export")
async def export(
    agent: SupervisorDep,
    actions: ActionsDep,
    f: FiltersDep,
    table: str,
    format: Literal["csv", "xlsx"] = "csv",
    metric: str = "",
    key: str = "",
) -> Response:
    """Any table of the page as CSV or Excel; customers' names and phones are masked."""
    columns, rows = await _table(agent, actions, table, f, metric, key)
    name = table.replace(":", "-")
    if format == "xlsx":
        body = to_xlsx(name, columns, rows)
        headers = {"Content-Disposition": f'attachment; filename="insight-{name}.xlsx"'}
        return Response(body, media_type=XLSX, headers=headers)
    headers = {"Content-Disposition": f'attachment; filename="insight-{name}.csv"'}
    return Response(to_csv(columns, rows), media_type="text/csv; charset=utf-8", headers=headers)


@pages.get("/insight")
async def insight_page() -> FileResponse:
    return FileResponse(
        STATIC / "insight" / "index.html", media_type="text/html; charset=utf-8", headers=NO_CACHE
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(pages)
