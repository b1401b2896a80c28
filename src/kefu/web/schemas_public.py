"""What the customer is shown of a conversation's messages: no internal ids of the team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from kefu.domain.events import MessageCreated
from kefu.domain.message import Message


class PublicMessageOut(BaseModel):
    """A message as the customer sees it: agents appear by display name only."""

    id: str
    conversation_id: str
    seq: int = Field(description="Position among the messages the customer can see (1, 2, 3…)")
    sender: str
    text: str
    client_id: str | None
    created_at: datetime
    author_name: str | None = Field(default=None, description="The agent's display name")
    payload: dict[str, Any] | None = None

    @classmethod
    def of(cls, m: Message, author_name: str | None = None) -> PublicMessageOut:
        return cls(
            id=m.id,
            conversation_id=m.conversation_id,
            seq=m.public_seq if m.public_seq is not None else m.seq,
            sender=m.sender.value,
            text=m.text,
            client_id=m.client_id,
            created_at=m.created_at,
            author_name=author_name,
            payload=m.payload,
        )

    @classmethod
    def of_event(cls, e: MessageCreated, author_name: str | None = None) -> PublicMessageOut:
        return cls(
            id=e.message_id,
            conversation_id=e.conversation_id,
            seq=e.public_seq if e.public_seq is not None else e.seq,
            sender=e.sender,
            text=e.text,
            client_id=e.client_id,
            created_at=e.created_at,
            author_name=author_name,
            payload=e.payload,
        )


class PublicMessagesOut(BaseModel):
    messages: list[PublicMessageOut]
