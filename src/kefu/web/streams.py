"""Live WebSocket streams for customers and agents.

A stream subscribes to the hub *before* reading history, so nothing committed in between
is lost, and remembers the last `seq` sent, so nothing is sent twice. When a live message
arrives with a gap before it (another writer's event still on its way, or an internal note
the customer must not see), the gap is filled from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from kefu.bootstrap import Container
from kefu.domain import events as ev
from kefu.domain.conversation import Conversation
from kefu.domain.errors import AuthenticationFailed, DomainError, InvalidInput, PermissionDenied
from kefu.domain.events import ConversationEvent, DomainEvent, MessageCreated
from kefu.routing.line import Moved
from kefu.services import access, conversation_views
from kefu.services import agents as agent_service
from kefu.services import conversations as conv
from kefu.web.deps import agent_from_token
from kefu.web.errors import status_for
from kefu.web.hub import AgentSession, AgentSubscription, Hub, Item, Subscription
from kefu.web.schemas import MAX_SEQ
from kefu.web.security_headers import origin_allowed
from kefu.web.tokens import TokenService
from kefu.web.wire import (
    event_frame,
    message_event_frame,
    message_frame,
    public_event_frame,
    public_message_frame,
)

router = APIRouter()
CLOSE_CODES = {401: 4401, 403: 4403, 404: 4404, 422: 4422}


def _parts(ws: WebSocket) -> tuple[Container, TokenService, Hub]:
    return ws.app.state.container, ws.app.state.tokens, ws.app.state.hub


async def _refuse(ws: WebSocket, exc: DomainError) -> None:
    await ws.accept()
    await ws.send_json({"type": "error", "error": {"code": exc.code, "message": exc.message}})
    await ws.close(code=CLOSE_CODES.get(status_for(exc), 4400), reason=exc.message[:120])


def _after(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_SEQ:
        raise InvalidInput(f"after must be a whole number from 0 to {MAX_SEQ}")
    return int(raw)


class _Replayer:
    """Sends one conversation's messages in `seq` order exactly once."""

    def __init__(
        self,
        ws: WebSocket,
        container: Container,
        conversation_id: str,
        after: int,
        *,
        include_internal: bool,
    ) -> None:
        self.ws = ws
        self.container = container
        self.conversation_id = conversation_id
        self.last_seq = after
        self.include_internal = include_internal

    async def _names(self, agent_ids: set[str]) -> dict[str, str]:
        if self.include_internal or not agent_ids:
            return {}
        return await agent_service.display_names(self.container.ctx, agent_ids)

    async def catch_up(self) -> None:
        while True:
            batch = await conv.list_messages(
                self.container.ctx,
                self.conversation_id,
                after=self.last_seq,
                include_internal=self.include_internal,
            )
            names = await self._names({m.author_id for m in batch if m.author_id})
            for message in batch:
                if self.include_internal:
                    await self.ws.send_json(message_frame(message))
                else:
                    name = names.get(message.author_id) if message.author_id else None
                    await self.ws.send_json(public_message_frame(message, name))
                self.last_seq = self._seq(message.seq, message.public_seq)
            if len(batch) < 500:
                return

    def _seq(self, seq: int, public_seq: int | None) -> int:
        """The team counts every message; the customer only those they see."""
        if self.include_internal or public_seq is None:
            return seq
        return public_seq

    async def on_message(self, event: MessageCreated) -> None:
        if event.internal and not self.include_internal:
            return
        seq = self._seq(event.seq, event.public_seq)
        if seq <= self.last_seq:
            return
        if seq == self.last_seq + 1:
            if self.include_internal:
                await self.ws.send_json(message_event_frame(event))
            else:
                names = await self._names({event.author_id} if event.author_id else set())
                name = names.get(event.author_id) if event.author_id else None
                await self.ws.send_json(public_event_frame(event, name))
            self.last_seq = seq
        else:
            await self.catch_up()


async def until_revoked(ws: WebSocket, session: AgentSession) -> None:
    """Closes an agent's socket (4401) once the token that opened it stops working."""
    await session.ended.wait()
    why = "the account was deactivated" if session.reason == "deactivated" else "password changed"
    exc = AuthenticationFailed(f"this token was revoked ({why}); log in again")
    await ws.send_json({"type": "error", "error": {"code": exc.code, "message": exc.message}})
    await ws.close(code=CLOSE_CODES[401], reason=exc.message[:120])


async def _pump(
    ws: WebSocket, subscription: Subscription, handle: Any, session: AgentSession | None = None
) -> None:
    """Forward events until the client leaves (or the agent's token is revoked); also read
    the socket to notice it leaving."""

    async def receive() -> None:
        while True:
            data = await ws.receive_text()
            await handle(None, data)

    async def send() -> None:
        while not subscription.overflowed:
            try:
                event = await asyncio.wait_for(subscription.queue.get(), timeout=1.0)
            except TimeoutError:
                continue
            await handle(event, None)
        await ws.close(code=4409, reason="too slow; reconnect with after=<last seq>")

    tasks = [asyncio.create_task(receive()), asyncio.create_task(send())]
    if session is not None:
        tasks.append(asyncio.create_task(until_revoked(ws, session)))
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, Exception):
                await task


@router.websocket("/api/v1/public/conversations/{conversation_id}/stream")
async def customer_stream(
    ws: WebSocket, conversation_id: str, token: str | None = None, after: str | None = None
) -> None:
    container, tokens, hub = _parts(ws)
    try:
        if not token:
            raise AuthenticationFailed("this stream needs ?token=<customer_token>")
        claims = tokens.read_customer(token)
        start = _after(after)
        conversation = await access.access_customer_conversation(
            container.ctx, claims.conversation_id, conversation_id
        )
        await hub.positions.ensure(container.ctx, conversation.account_id)
    except DomainError as exc:
        await _refuse(ws, exc)
        return
    subscription = hub.watch_conversation(conversation_id)
    try:
        await ws.accept()
        replayer = _Replayer(ws, container, conversation_id, start, include_internal=False)
        status = _StatusSender(ws, container, hub, conversation_id)
        await status.send(loaded=conversation)
        await replayer.catch_up()

        async def handle(event: Item | None, _text: str | None) -> None:
            if isinstance(event, Moved):
                await status.moved(event.position)
            elif not isinstance(event, ConversationEvent):
                return
            elif isinstance(event, MessageCreated):
                await replayer.on_message(event)
            elif event.name in STATUS_EVENTS:
                await status.send(event)

        await _pump(ws, subscription, handle)
    except WebSocketDisconnect:
        pass
    finally:
        hub.leave(subscription, conversation_id)
        if ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await ws.close()


#: The events that can change what a customer's status frame says about their own
#: conversation. Others' queue moves reach the stream as `Moved`, with the new place.
STATUS_EVENTS = frozenset(
    cls.name
    for cls in (
        ev.ConversationCreated,
        ev.ConversationQueued,
        ev.ConversationHandedOver,
        ev.ConversationAssigned,
        ev.ConversationTransferred,
        ev.ConversationResolved,
        ev.ConversationAbandoned,
        ev.ConversationReopened,
        ev.ConversationOverflowed,
        ev.CallbackBooked,
    )
)


class _StatusSender:
    """Sends the customer's status (with queue position and estimated wait) whenever it
    changes — also when others ahead in the queue are served — and never the same twice.
    Only a change of the customer's own conversation reads the database."""

    def __init__(self, ws: WebSocket, container: Container, hub: Hub, conversation_id: str):
        self.ws = ws
        self.ctx = container.ctx
        self.positions = hub.positions
        self.conversation_id = conversation_id
        self.last: dict[str, Any] | None = None
        self.account_id = ""
        self.language = "zh"

    async def send(
        self, event: ConversationEvent | None = None, *, loaded: Conversation | None = None
    ) -> None:
        view = await conversation_views.customer_view(self.ctx, self.conversation_id, loaded=loaded)
        self.account_id = view.conversation.account_id
        self.language = view.conversation.language
        own = event.name if event else None
        await self._emit(view.status_fields(), own)

    async def moved(self, position: int) -> None:
        last = self.last
        if last is None or last["status"] != "queued" or last["queue"] is None:
            return
        wait = await self.positions.estimated_wait_s(
            self.ctx, self.account_id, last["queue"], self.language, position
        )
        await self._emit({**last, "queue_position": position, "estimated_wait_s": wait}, None)

    async def _emit(self, state: dict[str, Any], own: str | None) -> None:
        if state == self.last:
            return
        self.last = state
        await self.ws.send_json({"type": "status", "event": own, **state})


@router.websocket("/api/v1/agent/stream")
async def agent_stream(ws: WebSocket, token: str | None = None) -> None:
    """Pushes the agent's work live. The client may send {"watch": "<conversation_id>"} to
    follow a conversation it does not own (a queued one it is looking at, say)."""
    container, tokens, hub = _parts(ws)
    try:
        if not origin_allowed(
            ws.headers.get("origin"), ws.headers.get("host"), ws.app.state.allowed_origins
        ):
            raise PermissionDenied("this origin may not open the agent stream")
        if not token:
            raise AuthenticationFailed("this stream needs ?token=<agent token>")
        claims = tokens.read_agent(token)
        session = hub.open_session(claims.agent_id, claims.version)
        try:
            agent = await agent_from_token(container.ctx, tokens, token)
            mine = await conversation_views.list_for_agent(
                container.ctx, agent, scope="mine", limit=1000
            )
        except BaseException:
            hub.close_session(session)
            raise
    except DomainError as exc:
        await _refuse(ws, exc)
        return
    subscription: AgentSubscription = hub.watch_as_agent(agent, {c.id for c in mine})
    try:
        await ws.accept()
        await ws.send_json(
            {"type": "hello", "agent_id": agent.id, "conversations": sorted(subscription.watching)}
        )

        async def handle(event: DomainEvent | None, text: str | None) -> None:
            if event is not None:
                if isinstance(event, MessageCreated):
                    await ws.send_json(message_event_frame(event))
                else:
                    await ws.send_json(event_frame(event))
                return
            await _agent_command(ws, container, subscription, text or "")

        await _pump(ws, subscription, handle, session)
    except WebSocketDisconnect:
        pass
    finally:
        hub.leave(subscription)
        hub.close_session(session)


async def _agent_command(
    ws: WebSocket, container: Container, subscription: AgentSubscription, text: str
) -> None:

    try:
        command = json.loads(text)
        conversation_id = str(command["watch"])
    except (ValueError, KeyError, TypeError):
        await ws.send_json(
            {
                "type": "error",
                "error": {
                    "code": "invalid_input",
                    "message": 'send {"watch": "<conversation_id>"}',
                },
            }
        )
        return
    agent = subscription.agent
    assert agent is not None
    try:
        await access.access_conversation(container.ctx, agent, conversation_id)
    except DomainError as exc:
        await ws.send_json({"type": "error", "error": {"code": exc.code, "message": exc.message}})
        return
    subscription.watching.add(conversation_id)
    await ws.send_json({"type": "watching", "conversation_id": conversation_id})
