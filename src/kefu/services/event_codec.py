"""Events to JSON and back, so they can cross process boundaries."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from kefu.domain.events import EVENT_TYPES, DomainEvent


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    return TypeAdapter(EVENT_TYPES[name])


def to_dict(event: DomainEvent) -> dict[str, Any]:
    payload = _adapter(event.name).dump_python(event, mode="json")
    return {"name": event.name, "payload": payload}


def encode(event: DomainEvent, *, origin: str = "") -> str:
    return json.dumps({**to_dict(event), "origin": origin}, ensure_ascii=False)


def decode(raw: str | bytes) -> tuple[DomainEvent, str]:
    """Returns the event and the id of the instance that published it."""
    data = json.loads(raw)
    event: DomainEvent = _adapter(data["name"]).validate_python(data["payload"])
    return event, str(data.get("origin", ""))
