"""The browser faces of kefu: the customer chat (and its embed script), the agent workspace
and the admin pages. Plain HTML and JavaScript modules served from the package: no build
step and nothing fetched from the internet."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

STATIC = Path(__file__).resolve().parent.parent / "static"
# Pages change with every release and are tiny: always revalidate instead of caching stale UI.
NO_CACHE = {"Cache-Control": "no-cache"}

router = APIRouter(include_in_schema=False)


def _page(relative: str) -> FileResponse:
    return FileResponse(STATIC / relative, media_type="text/html; charset=utf-8", headers=NO_CACHE)


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/chat")


@router.get("/chat")
async def chat() -> FileResponse:
    """The customer chat, standalone or inside the widget's iframe."""
    return _page("chat/index.html")


@router.get("/agent")
async def agent_workspace() -> FileResponse:
    return _page("agent/index.html")


@router.get("/admin")
async def admin() -> FileResponse:
    return _page("admin/index.html")


@router.get("/learning")
async def learning() -> FileResponse:
    """The review queue of what the bot learns (supervisors and admins)."""
    return _page("learning/index.html")


@router.get("/widget.js")
async def widget() -> FileResponse:
    """`<script src="https://kefu.example/widget.js" data-lang="zh"></script>` on any site adds
    the chat button."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={**NO_CACHE, "Access-Control-Allow-Origin": "*"},
    )


class _RevalidatedStatic(StaticFiles):
    """Static files with ETags, revalidated on each load so a new release shows at once."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response


def install(app: FastAPI) -> None:
    app.mount("/static", _RevalidatedStatic(directory=STATIC), name="static")
    app.include_router(router)
