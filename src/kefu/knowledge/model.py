"""Knowledge entries: what a customer may ask, and the answer in Chinese and English.

An entry is a plain value. `parse_entry` turns an untrusted document (JSON body, YAML item,
CSV row already split into fields) into an entry or a list of every problem found, so an
import can name all bad rows and fields at once instead of stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from kefu.domain.experiments import TRIAL_VARIANTS, bucket
from kefu.knowledge.template import check_template

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
EXPERIMENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
TAG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")
MAX_TEXT = 4000
MAX_PHRASINGS = 200
MAX_CATEGORY_DEPTH = 6


@dataclass(frozen=True, slots=True)
class Bilingual:
    zh: str
    en: str

    def in_language(self, language: str) -> str:
        """The text in `language`, or the other one when that translation is missing."""
        first, second = (self.en, self.zh) if language == "en" else (self.zh, self.en)
        return first or second

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Category:
    """One node of the category path; the id is stable, the labels may be edited."""

    id: str
    zh: str
    en: str

    def label(self, language: str) -> str:
        return Bilingual(self.zh, self.en).in_language(language)

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Audience:
    """Customer tags an entry needs (all of `required`) or must not see (any of `excluded`)."""

    required: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    def admits(self, tags: Iterable[str]) -> bool:
        have = set(tags)
        return self.required <= have and not (self.excluded & have)


@dataclass(frozen=True, slots=True)
class Trial:
    """The entry is on trial: the bot may give it only to the `share` of customers that the
    experiment `experiment_id` puts in its "with" arm; the others are answered as if it did
    not exist, so insight can compare the two arms."""

    experiment_id: str
    share: float

    @property
    def allocation(self) -> tuple[float, float]:
        return (1.0 - self.share, self.share)

    def variant(self, unit_id: str) -> str:
        return TRIAL_VARIANTS[bucket(self.experiment_id, unit_id, self.allocation)]

    def to_dict(self) -> dict[str, object]:
        return {"experiment_id": self.experiment_id, "share": self.share}


MIN_TRIAL_SHARE, MAX_TRIAL_SHARE = 0.05, 0.95


@dataclass(frozen=True, slots=True)
class KnowledgeEntry:
    id: str
    question: Bilingual
    answer: Bilingual
    phrasings: tuple[str, ...] = ()
    category: tuple[Category, ...] = ()
    audience: Audience = field(default_factory=Audience)
    channels: frozenset[str] = frozenset()  # empty: every channel
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    owner: str = ""
    tags: tuple[str, ...] = ()
    intent: str | None = None
    enabled: bool = True
    trial: Trial | None = None

    def is_valid_at(self, now: datetime) -> bool:
        if self.valid_from is not None and now < self.valid_from:
            return False
        return self.valid_to is None or now < self.valid_to

    def available(
        self, *, now: datetime, channel: str | None, customer_tags: Iterable[str]
    ) -> bool:
        """May this entry answer this customer, on this channel, now?"""
        if not self.enabled or not self.is_valid_at(now):
            return False
        if channel is not None and self.channels and channel not in self.channels:
            return False
        return self.audience.admits(customer_tags)

    @property
    def texts(self) -> tuple[str, ...]:
        """Everything the matcher should recognise: both standard questions and phrasings."""
        seen = dict.fromkeys((self.question.zh, self.question.en, *self.phrasings))
        return tuple(t for t in seen if t.strip())

    def to_document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question.to_dict(),
            "answer": self.answer.to_dict(),
            "phrasings": list(self.phrasings),
            "category": [c.to_dict() for c in self.category],
            "audience": {
                "required": sorted(self.audience.required),
                "excluded": sorted(self.audience.excluded),
            },
            "channels": sorted(self.channels),
            "valid_from": _iso(self.valid_from),
            "valid_to": _iso(self.valid_to),
            "owner": self.owner,
            "tags": list(self.tags),
            "intent": self.intent,
            "enabled": self.enabled,
            "trial": self.trial.to_dict() if self.trial is not None else None,
        }

    def with_changes(self, **changes: Any) -> KnowledgeEntry:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an entry document; `row` is set by importers (1-based)."""

    field: str
    message: str
    row: int | None = None
    entry_id: str | None = None

    def describe(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        which = f"{self.entry_id}." if self.entry_id else ""
        return f"{where}{which}{self.field}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "entry_id": self.entry_id,
            "field": self.field,
            "message": self.message,
        }


class EntryProblems(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.describe() for p in problems))
        self.problems = problems


def parse_entry(doc: Mapping[str, Any]) -> KnowledgeEntry:
    """A validated entry from a document shaped like `KnowledgeEntry.to_document()`.

    Raises `EntryProblems` listing every problem found.
    """
    p = _Parser(doc)
    entry_id = p.text("id", required=True)
    if entry_id and not SLUG.match(entry_id):
        p.fail("id", "use lower-case letters, digits, '-' and '_' (at most 64)")
    question = p.bilingual("question", required=True)
    answer = p.bilingual("answer", required=True, template=True)
    phrasings = tuple(dict.fromkeys(t.strip() for t in p.strings("phrasings") if t.strip()))
    if len(phrasings) > MAX_PHRASINGS:
        p.fail("phrasings", f"at most {MAX_PHRASINGS} phrasings")
    category = p.category()
    audience = p.mapping("audience")
    required = frozenset(p.tags(audience.get("required"), "audience.required"))
    excluded = frozenset(p.tags(audience.get("excluded"), "audience.excluded"))
    if required & excluded:
        p.fail(
            "audience", f"tags both required and excluded: {', '.join(sorted(required & excluded))}"
        )
    channels = frozenset(p.tags(doc.get("channels"), "channels"))
    valid_from, valid_to = p.time("valid_from"), p.time("valid_to")
    if valid_from and valid_to and valid_to <= valid_from:
        p.fail("valid_to", "must be after valid_from")
    intent = p.text("intent") or None
    enabled = doc.get("enabled", True)
    if not isinstance(enabled, bool):
        p.fail("enabled", "must be true or false")
    trial = p.trial()
    if p.problems:
        raise EntryProblems([replace(x, entry_id=entry_id or None) for x in p.problems])
    return KnowledgeEntry(
        id=entry_id,
        question=question,
        answer=answer,
        phrasings=phrasings,
        category=category,
        audience=Audience(required, excluded),
        channels=channels,
        valid_from=valid_from,
        valid_to=valid_to,
        owner=p.text("owner"),
        tags=tuple(p.tags(doc.get("tags"), "tags")),
        intent=intent,
        enabled=bool(enabled),
        trial=trial,
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Parser:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def text(self, key: str, *, required: bool = False, value: Any = None, where: str = "") -> str:
        where = where or key
        raw = self.doc.get(key) if value is None else value
        if raw is None or raw == "":
            if required:
                self.fail(where, "is required")
            return ""
        if not isinstance(raw, str):
            self.fail(where, "must be text")
            return ""
        if len(raw) > MAX_TEXT:
            self.fail(where, f"at most {MAX_TEXT} characters")
        return raw.strip()

    def trial(self) -> Trial | None:
        if self.doc.get("trial") is None:
            return None
        raw = self.mapping("trial")
        experiment_id, share = raw.get("experiment_id"), raw.get("share")
        if not isinstance(experiment_id, str) or not EXPERIMENT_ID.match(experiment_id):
            self.fail("trial.experiment_id", "use lower-case letters, digits, '-' and '_'")
            return None
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not MIN_TRIAL_SHARE <= share <= MAX_TRIAL_SHARE
        ):
            self.fail(
                "trial.share",
                f"must be a number from {MIN_TRIAL_SHARE} to {MAX_TRIAL_SHARE}",
            )
            return None
        return Trial(experiment_id, float(share))

    def mapping(self, key: str) -> Mapping[str, Any]:
        raw = self.doc.get(key)
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.fail(key, "must be an object")
            return {}
        return raw

    def bilingual(self, key: str, *, required: bool, template: bool = False) -> Bilingual:
        raw = self.mapping(key)
        values = {}
        for language in LANGUAGES:
            where = f"{key}.{language}"
            value = self.text(language, required=required, value=raw.get(language), where=where)
            if template and value:
                for message in check_template(value):
                    self.fail(where, message)
            values[language] = value
        return Bilingual(values["zh"], values["en"])

    def strings(self, key: str) -> list[str]:
        raw = self.doc.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list | tuple) or not all(isinstance(s, str) for s in raw):
            self.fail(key, "must be a list of texts")
            return []
        too_long = [s for s in raw if len(s) > MAX_TEXT]
        if too_long:
            self.fail(key, f"at most {MAX_TEXT} characters each")
        return list(raw)

    def tags(self, raw: Any, where: str) -> list[str]:
        if raw is None:
            return []
        if not isinstance(raw, list | tuple | set | frozenset) or not all(
            isinstance(s, str) for s in raw
        ):
            self.fail(where, "must be a list of texts")
            return []
        cleaned = list(dict.fromkeys(s.strip().lower() for s in raw if s.strip()))
        bad = [s for s in cleaned if not TAG.match(s)]
        if bad:
            self.fail(where, f"not a valid tag: {bad[0]!r}")
        return cleaned

    def category(self) -> tuple[Category, ...]:
        raw = self.doc.get("category")
        if raw is None:
            return ()
        if not isinstance(raw, list | tuple):
            self.fail("category", "must be a list of {id, zh, en}")
            return ()
        if len(raw) > MAX_CATEGORY_DEPTH:
            self.fail("category", f"at most {MAX_CATEGORY_DEPTH} levels")
        nodes = []
        for level, node in enumerate(raw, start=1):
            where = f"category[{level}]"
            if not isinstance(node, Mapping):
                self.fail(where, "must be {id, zh, en}")
                continue
            node_id = self.text("id", required=True, value=node.get("id"), where=f"{where}.id")
            if node_id and not SLUG.match(node_id):
                self.fail(f"{where}.id", "use lower-case letters, digits, '-' and '_'")
            zh = self.text("zh", value=node.get("zh"), where=f"{where}.zh")
            en = self.text("en", value=node.get("en"), where=f"{where}.en")
            if not (zh or en):
                self.fail(where, "needs a zh or en label")
            nodes.append(Category(node_id, zh, en))
        return tuple(nodes)

    def time(self, key: str) -> datetime | None:
        raw = self.doc.get(key)
        if raw is None or raw == "":
            return None
        if isinstance(raw, datetime):
            value = raw
        elif isinstance(raw, str):
            try:
                value = datetime.fromisoformat(raw.strip())
            except ValueError:
                self.fail(key, f"not an ISO 8601 time: {raw!r}")
                return None
        else:
            self.fail(key, "must be an ISO 8601 time")
            return None
        # A date without a zone is read as UTC rather than refused: spreadsheets drop zones.
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
