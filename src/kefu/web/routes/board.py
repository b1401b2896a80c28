"""The supervisor's live board: JSON, a WebSocket pushing it every second, knowledge packs,
alert settings, and the wall-board page."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from starlette.websockets import WebSocketState

from kefu.bootstrap import Container
from kefu.domain.errors import (
    AuthenticationFailed,
    DomainError,
    PermissionDenied,
)
from kefu.ops.service import LiveOps
from kefu.web.deps import ContainerDep, SupervisorDep, agent_from_token
from kefu.web.errors import status_for
from kefu.web.streams import until_revoked

router = APIRouter(prefix="/api/v1/ops", tags=["live operations"])
pages = APIRouter(include_in_schema=False)

BOARD_ASSETS = Path(__file__).resolve().parent.parent / "static" / "board"
CLOSE_CODES = {401: 4401, 403: 4403}


def _ops(container: Container) -> LiveOps:
    return container.ops


@router.get("/board")
async def board(container: ContainerDep, _: SupervisorDep) -> dict[str, Any]:
    """Every live indicator (definitions in docs/metrics.md), active alerts, bursts, packs."""
    return _ops(container).board()


@router.get("/packs")
async def list_packs(
    container: ContainerDep,
    _: SupervisorDep,
    status: Annotated[str | None, Query(pattern="^(active|retired)$")] = None,
) -> dict[str, Any]:
    packs = await _ops(container).list_packs(status)
    return {"packs": [p.to_dict() for p in packs]}


@router.get("/packs/{pack_id}")
async def get_pack(pack_id: str, container: ContainerDep, _: SupervisorDep) -> dict[str, Any]:
    return (await _ops(container).get_pack(pack_id)).to_dict()


@router.patch("/packs/{pack_id}")
async def edit_pack(
    pack_id: str,
    container: ContainerDep,
    supervisor: SupervisorDep,
    patch: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    """Edit title, answer, script, samples or status (`retired` takes it off agents' screens);
    the new version is pushed to every online agent."""
    pack = await _ops(container).edit_pack(pack_id, patch, supervisor.id)
    return pack.to_dict()


@router.get("/settings")
async def get_settings(container: ContainerDep, _: SupervisorDep) -> dict[str, Any]:
    """Alert rules (indicator path, raise_at, clear_at, direction) and webhook URLs."""
    return _ops(container).settings()


@router.put("/settings")
async def put_settings(
    container: ContainerDep, _: SupervisorDep, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    return await _ops(container).update_settings(body)


@router.websocket("/stream")
async def stream(ws: WebSocket, token: str | None = None) -> None:
    """The board, pushed once a second; `{"type": "board", "board": {...}}` frames."""
    container, hub = ws.app.state.container, ws.app.state.hub
    try:
        if not token:
            raise AuthenticationFailed("this stream needs ?token=<agent token>")
        claims = ws.app.state.tokens.read_agent(token)
        session = hub.open_session(claims.agent_id, claims.version)
        try:
            agent = await agent_from_token(container.ctx, ws.app.state.tokens, token)
            if not agent.sees_everything:
                raise PermissionDenied("the live board is for supervisors and admins")
        except BaseException:
            hub.close_session(session)
            raise
        ops = _ops(container)
    except DomainError as exc:
        await ws.accept()
        await ws.send_json({"type": "error", "error": {"code": exc.code, "message": exc.message}})
        await ws.close(code=CLOSE_CODES.get(status_for(exc), 4400), reason=exc.message[:120])
        return
    queue = ops.watch()
    await ws.accept()

    async def send() -> None:
        await ws.send_json({"type": "board", "board": ops.board()})
        while True:
            await ws.send_json({"type": "board", "board": await queue.get()})

    async def receive() -> None:
        while True:
            await ws.receive_text()

    tasks = [asyncio.create_task(send()), asyncio.create_task(receive())]
    tasks.append(asyncio.create_task(until_revoked(ws, session)))
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        ops.unwatch(queue)
        hub.close_session(session)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, Exception):
                await task
        if ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await ws.close()


@pages.get("/board")
async def board_page() -> FileResponse:
    """The wall-board for a large screen."""
    return FileResponse(
        BOARD_ASSETS / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )
