"""Identifiers are opaque strings so the public API never exposes guessable counters."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return uuid.uuid4().hex
