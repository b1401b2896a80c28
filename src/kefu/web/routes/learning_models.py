"""The learning loop's model registry over HTTP: the versions with their gate verdicts, a
promotion and a rollback, heard by every instance (supervisors and admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from kefu.domain.errors import NotFound
from kefu.learning.live import LiveModels, components
from kefu.learning.registry import ModelVersion
from kefu.web.deps import ContainerDep, SupervisorDep

router = APIRouter(prefix="/api/v1/admin/learning/models", tags=["learning"])


async def live_models(container: ContainerDep) -> LiveModels:
    if container.models is None:
        raise NotFound("this instance runs without a model registry (set KEFU_MODEL_REGISTRY)")
    return container.models


ModelsDep = Annotated[LiveModels, Depends(live_models)]


def version_out(v: ModelVersion) -> dict[str, Any]:
    m = v.manifest
    return {
        "version": v.name,
        "created_at": m.get("created_at"),
        "components": components(v),
        "passed_gate": bool(m.get("promoted", False)),
        "verdict": m.get("verdict", ""),
        "metrics": m.get("metrics", {}),
        "baseline": m.get("baseline", {}),
        "parent": m.get("parent"),
        "note": m.get("note", ""),
    }


@router.get("")
async def versions(agent: SupervisorDep, models: ModelsDep) -> dict[str, Any]:
    """Every version, oldest first; `current` is the registry's, `running` this instance's."""
    found = models.versions(agent)
    current = models.registry.current()
    return {
        "versions": [version_out(v) for v in found],
        "current": current.name if current else None,
        "running": models.running,
    }


@router.post("/{version}/promote")
async def promote(version: str, agent: SupervisorDep, models: ModelsDep) -> dict[str, Any]:
    """Makes a version that passed the gate current on every instance (409 otherwise)."""
    return version_out(await models.promote(agent, version))


@router.post("/rollback")
async def rollback(agent: SupervisorDep, models: ModelsDep) -> dict[str, Any]:
    """Makes the version promoted before the current one current again, everywhere."""
    return version_out(await models.rollback(agent))
