"""The person asking for help."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kefu.domain.errors import InvalidInput

SUPPORTED_LANGUAGES = ("zh", "en")
MAX_TAGS = 20
MAX_TAG_LENGTH = 32


@dataclass(slots=True)
class Customer:
    id: str
    account_id: str
    created_at: datetime
    external_id: str | None = None
    name: str | None = None
    phone: str | None = None
    language: str = "zh"
    tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.language not in SUPPORTED_LANGUAGES:
            raise InvalidInput(
                f"language must be one of {', '.join(SUPPORTED_LANGUAGES)}, got {self.language!r}"
            )
        self.tags = normalise_tags(self.tags)

    def has_tag(self, tag: str) -> bool:
        return tag in self.tags


def normalise_tags(tags: list[str]) -> list[str]:
    cleaned = sorted({t.strip().lower() for t in tags if t.strip()})
    too_long = [t for t in cleaned if len(t) > MAX_TAG_LENGTH]
    if too_long:
        raise InvalidInput(
            f"a tag may have at most {MAX_TAG_LENGTH} characters: {too_long[0][:40]!r}"
        )
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(f"at most {MAX_TAGS} tags are allowed, got {len(cleaned)}")
    return cleaned
