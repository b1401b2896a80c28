"""Canned responses: the team's shared replies, typed with a shortcut ("/eta")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kefu.domain.errors import InvalidInput
from kefu.domain.message import MAX_TEXT_LENGTH

SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True, slots=True)
class CannedResponse:
    id: str
    account_id: str
    shortcut: str
    text_zh: str
    text_en: str
    created_by: str
    created_at: datetime
    updated_at: datetime

    def text(self, language: str) -> str:
        first, second = (
            (self.text_en, self.text_zh) if language == "en" else (self.text_zh, self.text_en)
        )
        return first or second

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "shortcut": self.shortcut,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def check_shortcut(value: str) -> str:
    value = value.strip().lstrip("/").lower()
    if not SHORTCUT.match(value):
        raise InvalidInput(
            "shortcut must be 1 to 32 lower-case letters, digits, '-' or '_' (e.g. eta, sorry-late)"
        )
    return value


def check_texts(text_zh: str, text_en: str) -> tuple[str, str]:
    zh, en = text_zh.strip(), text_en.strip()
    if not zh and not en:
        raise InvalidInput("give the text in Chinese (text_zh), English (text_en) or both")
    for name, value in (("text_zh", zh), ("text_en", en)):
        if len(value) > MAX_TEXT_LENGTH:
            raise InvalidInput(f"{name} may have at most {MAX_TEXT_LENGTH} characters")
    return zh, en
