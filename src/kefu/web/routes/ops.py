"""Operations: liveness, readiness, Prometheus metrics, the benchmark echo."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from kefu.web.deps import ContainerDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(container: ContainerDep) -> JSONResponse:
    """The database (and Redis, when configured) answer; 503 otherwise."""
    database = await container.database_ok()
    redis = await container.redis_ok()
    ready = database and redis is not False
    body: dict[str, Any] = {
        "status": "ready" if ready else "not_ready",
        "database": "ok" if database else "unreachable",
        "redis": "not_configured" if redis is None else ("ok" if redis else "unreachable"),
    }
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


echo_router = APIRouter(tags=["operations"])


@echo_router.post("/api/v1/echo", include_in_schema=False)
async def echo(request: Request) -> Response:
    """The same stack minus storage and fan-out: the ceiling the benchmark compares with."""
    return Response(await request.body(), media_type="application/json", status_code=201)
