"""Planning reacts to no domain event: it reads the conversation history when a
supervisor asks (see `ports.ContactHistory`), so nothing runs on the message write path."""

from __future__ import annotations

HANDLERS: tuple[()] = ()
