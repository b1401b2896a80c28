"""Versions of an entry: who changed what, when; each version keeps a full snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Version:
    entry_id: str
    version: int
    action: Action
    author: str
    created_at: datetime
    snapshot: Mapping[str, Any] | None  # the entry after the change; None once deleted
    diff: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "version": self.version,
            "action": self.action.value,
            "author": self.author,
            "created_at": self.created_at.isoformat(),
            "snapshot": dict(self.snapshot) if self.snapshot is not None else None,
            "diff": dict(self.diff),
        }


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """Field by field `{"field": {"from": old, "to": new}}` for the fields that differ."""
    old, new = before or {}, after or {}
    changes: dict[str, Any] = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            changes[key] = {"from": old.get(key), "to": new.get(key)}
    return changes
