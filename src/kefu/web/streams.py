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
from kefu.domain.errors import AuthenticationFailed, DomainError, InvalidInput
from kefu.domain.events import ConversationEvent, DomainEvent, MessageCreated
from kefu.services import conversations as conv
from kefu.web.deps import agent_from_token, check_customer
from kefu.web.errors import status_for
from kefu.web.hub import AgentSubscription, Hub, Subscription
from kefu.web.schemas import MAX_SEQ
from kefu.web.tokens import TokenService
from kefu.web.wire import event_frame, message_event_frame, message_frame

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

    async def catch_up(self) -> None:
        while True:
            batch = await conv.list_messages(
                self.container.ctx,
                self.conversation_id,
                after=self.last_seq,
                include_internal=self.include_internal,
            )
            for message in batch:
                await self.ws.send_json(message_frame(message))
                self.last_seq = message.seq
            if len(batch) < 500:
                return

    async def on_message(self, event: MessageCreated) -> None:
        if event.seq <= self.last_seq or (event.internal and not self.include_internal):
            return
        if event.seq == self.last_seq + 1:
            await self.ws.send_json(message_event_frame(event))
            self.last_seq = event.seq
        else:
            await self.catch_up()


async def _pump(ws: WebSocket, subscription: Subscription, handle: Any) -> None:
    """Forward events until the client leaves; also read the socket to notice it leaving."""

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
        check_customer(tokens, token, conversation_id)
        start = _after(after)
        await conv.get_conversation(container.ctx, conversation_id)  # exists?
    except DomainError as exc:
        await _refuse(ws, exc)
        return
    subscription = hub.watch_conversation(conversation_id)
    try:
        await ws.accept()
        replayer = _Replayer(ws, container, conversation_id, start, include_internal=False)
        status = _StatusSender(ws, container, conversation_id)
        await status.send()
        await replayer.catch_up()

        async def handle(event: DomainEvent | None, _text: str | None) -> None:
            if not isinstance(event, ConversationEvent):
                return
            mine = event.conversation_id == conversation_id
            if isinstance(event, MessageCreated):
                if mine:
                    await replayer.on_message(event)
            elif event.name in STATUS_EVENTS and (mine or status.waiting):
                await status.send(event)

        await _pump(ws, subscription, handle)
    except WebSocketDisconnect:
        pass
    finally:
        hub.leave(subscription, conversation_id)
        if ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await ws.close()


#: The events that can change what a customer's status frame says (their own status, or their
#: place in the queue). Analyses, bot turns, ratings and card edits never do, and each status
#: check costs queries, so they are not worth one.
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
    changes — also when others ahead in the queue are served — and never the same twice."""

    def __init__(self, ws: WebSocket, container: Container, conversation_id: str) -> None:
        self.ws = ws
        self.ctx = container.ctx
        self.conversation_id = conversation_id
        self.last: dict[str, Any] | None = None

    @property
    def waiting(self) -> bool:
        return self.last is not None and self.last["status"] == "queued"

    async def send(self, event: ConversationEvent | None = None) -> None:
        state = (await conv.customer_view(self.ctx, self.conversation_id)).status_fields()
        if state == self.last:
            return
        self.last = state
        own = event.name if event and event.conversation_id == self.conversation_id else None
        await self.ws.send_json({"type": "status", "event": own, **state})


@router.websocket("/api/v1/agent/stream")
async def agent_stream(ws: WebSocket, token: str | None = None) -> None:
    """Pushes the agent's work live. The client may send {"watch": "<conversation_id>"} to
    follow a conversation it does not own (a queued one it is looking at, say)."""
    container, tokens, hub = _parts(ws)
    try:
        if not token:
            raise AuthenticationFailed("this stream needs ?token=<agent token>")
        agent = await agent_from_token(container.ctx, tokens, token)
        mine = await conv.list_for_agent(container.ctx, agent, scope="mine", limit=1000)
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

        await _pump(ws, subscription, handle)
    except WebSocketDisconnect:
        pass
    finally:
        hub.leave(subscription)


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
        conversation = await conv.get_conversation(container.ctx, conversation_id)
        conv.check_can_see(agent, conversation)
    except DomainError as exc:
        await ws.send_json({"type": "error", "error": {"code": exc.code, "message": exc.message}})
        return
    subscription.watching.add(conversation_id)
    await ws.send_json({"type": "watching", "conversation_id": conversation_id})
