"""The JSON shapes pushed over WebSockets."""

from __future__ import annotations

from typing import Any

from kefu.domain.events import DomainEvent, MessageCreated
from kefu.domain.message import Message
from kefu.services import event_codec
from kefu.web.schemas import MessageOut
from kefu.web.schemas_public import PublicMessageOut


def message_frame(message: Message) -> dict[str, Any]:
    return {"type": "message", "message": MessageOut.of(message).model_dump(mode="json")}


def message_event_frame(event: MessageCreated) -> dict[str, Any]:
    out = MessageOut(
        id=event.message_id,
        conversation_id=event.conversation_id,
        seq=event.seq,
        sender=event.sender,
        text=event.text,
        client_id=event.client_id,
        created_at=event.created_at,
        internal=event.internal,
        author_id=event.author_id,
        payload=event.payload,
    )
    return {"type": "message", "message": out.model_dump(mode="json")}


def event_frame(event: DomainEvent) -> dict[str, Any]:
    return {"type": "event", **event_codec.to_dict(event)}


def public_message_frame(message: Message, author_name: str | None) -> dict[str, Any]:
    out = PublicMessageOut.of(message, author_name)
    return {"type": "message", "message": out.model_dump(mode="json")}


def public_event_frame(event: MessageCreated, author_name: str | None) -> dict[str, Any]:
    out = PublicMessageOut.of_event(event, author_name)
    return {"type": "message", "message": out.model_dump(mode="json")}
