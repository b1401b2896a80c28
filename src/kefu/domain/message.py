"""Messages: the append-only record of what was said in a conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from kefu.domain.errors import InvalidInput

MAX_TEXT_LENGTH = 4000
MAX_CLIENT_ID_LENGTH = 100


class Sender(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    sender: Sender
    text: str
    created_at: datetime
    client_id: str | None = None
    internal: bool = False
    author_id: str | None = None
    #: Structured content beside the text: a bot's choices, cards and suggestions, or the
    #: button a customer pressed. Plain JSON values only.
    payload: dict[str, Any] | None = None
    #: The customer's own sequence: 1, 2, 3… over the messages the customer can see, so that
    #: internal notes leave no gap. None for internal notes.
    public_seq: int | None = None

    @property
    def visible_to_customer(self) -> bool:
        return not self.internal


def check_text(text: str) -> str:
    """Reject what no reader could use; keep the text otherwise exactly as typed."""
    if not text.strip():
        raise InvalidInput("text must not be empty")
    if "\x00" in text:
        raise InvalidInput("text must not contain NUL characters")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(f"text is {len(text)} characters long; the limit is {MAX_TEXT_LENGTH}")
    return text


def check_client_id(client_id: str | None) -> str | None:
    if client_id is None:
        return None
    if not client_id.strip() or len(client_id) > MAX_CLIENT_ID_LENGTH or "\x00" in client_id:
        raise InvalidInput(f"client_id must be 1 to {MAX_CLIENT_ID_LENGTH} characters")
    return client_id
