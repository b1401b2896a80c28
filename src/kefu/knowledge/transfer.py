"""Import and export of the knowledge base as CSV (for spreadsheets) and YAML (for people).

Both formats round-trip: `parse_csv(to_csv(entries)) == entries`. Parsing checks every row
and raises `EntryProblems` naming each bad row and field, so an import is all-or-nothing.

CSV: one row per entry; list cells hold one item per line (phrasings) or comma-separated
tags; the category path is three cells (ids, zh labels, en labels) joined with " > ".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from kefu.knowledge.model import EntryProblems, KnowledgeEntry, Problem, parse_entry

CSV_COLUMNS = (
    "id",
    "question_zh",
    "question_en",
    "answer_zh",
    "answer_en",
    "phrasings",
    "category_ids",
    "category_zh",
    "category_en",
    "audience_required",
    "audience_excluded",
    "channels",
    "valid_from",
    "valid_to",
    "owner",
    "tags",
    "intent",
    "enabled",
)
_PATH = " > "
MAX_ENTRIES = 5000
_BOOLEANS = {
    "": True,
    "true": True,
    "yes": True,
    "1": True,
    "false": False,
    "no": False,
    "0": False,
}


def to_yaml(entries: Iterable[KnowledgeEntry]) -> str:
    docs = [e.to_document() for e in entries]
    return str(
        yaml.safe_dump(
            {"version": 1, "entries": docs}, allow_unicode=True, sort_keys=False, width=100
        )
    )


def parse_yaml(text: str) -> list[KnowledgeEntry]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise EntryProblems([Problem("file", f"not valid YAML{where}")]) from exc
    items = data.get("entries") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise EntryProblems([Problem("file", "expected a list of entries (or 'entries:')")])
    return _parse_all(items)


def to_csv(entries: Iterable[KnowledgeEntry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow(_row(entry))
    return out.getvalue()


def parse_csv(text: str) -> list[KnowledgeEntry]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("id", "question_zh", "answer_zh") if c not in (reader.fieldnames or [])]
    if missing:
        raise EntryProblems([Problem("header", f"missing columns: {', '.join(missing)}")])
    try:
        docs: list[Any] = [_document(row) for row in reader]
    except csv.Error as exc:
        raise EntryProblems([Problem("file", f"not valid CSV: {exc}")]) from exc
    # The header is line 1 of the spreadsheet, so the first entry is row 2.
    return _parse_all(docs, first_row=2)


def _parse_all(items: Sequence[Any], *, first_row: int = 1) -> list[KnowledgeEntry]:
    if len(items) > MAX_ENTRIES:
        raise EntryProblems([Problem("file", f"at most {MAX_ENTRIES} entries per import")])
    problems: list[Problem] = []
    entries: list[KnowledgeEntry] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(items, start=first_row):
        if not isinstance(item, Mapping):
            problems.append(Problem("entry", "must be a mapping of fields", row=n))
            continue
        try:
            entry = parse_entry(item)
        except EntryProblems as exc:
            problems.extend(
                Problem(p.field, p.message, row=n, entry_id=p.entry_id) for p in exc.problems
            )
            continue
        if entry.id in seen:
            problems.append(
                Problem("id", f"also used in row {seen[entry.id]}", row=n, entry_id=entry.id)
            )
            continue
        seen[entry.id] = n
        entries.append(entry)
    if problems:
        raise EntryProblems(problems)
    return entries


def _row(entry: KnowledgeEntry) -> dict[str, str]:
    doc = entry.to_document()
    return {
        "id": entry.id,
        "question_zh": entry.question.zh,
        "question_en": entry.question.en,
        "answer_zh": entry.answer.zh,
        "answer_en": entry.answer.en,
        "phrasings": "\n".join(entry.phrasings),
        "category_ids": _PATH.join(c.id for c in entry.category),
        "category_zh": _PATH.join(c.zh for c in entry.category),
        "category_en": _PATH.join(c.en for c in entry.category),
        "audience_required": ",".join(doc["audience"]["required"]),
        "audience_excluded": ",".join(doc["audience"]["excluded"]),
        "channels": ",".join(doc["channels"]),
        "valid_from": doc["valid_from"] or "",
        "valid_to": doc["valid_to"] or "",
        "owner": entry.owner,
        "tags": ",".join(entry.tags),
        "intent": entry.intent or "",
        "enabled": "true" if entry.enabled else "false",
    }


def _document(row: Mapping[str, str | None]) -> dict[str, Any]:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    def items(name: str) -> list[str]:
        return [t.strip() for t in cell(name).split(",") if t.strip()]

    ids, zh, en = (cell(c).split(_PATH) for c in ("category_ids", "category_zh", "category_en"))
    category: list[dict[str, str]] = []
    if cell("category_ids"):
        category = [
            {"id": node.strip(), "zh": _at(zh, i), "en": _at(en, i)} for i, node in enumerate(ids)
        ]
    # An unknown word stays text, which parse_entry reports against this row.
    enabled_text = cell("enabled").lower()
    enabled: bool | str = _BOOLEANS.get(enabled_text, enabled_text)
    return {
        "id": cell("id"),
        "question": {"zh": cell("question_zh"), "en": cell("question_en")},
        "answer": {"zh": cell("answer_zh"), "en": cell("answer_en")},
        "phrasings": [p.strip() for p in cell("phrasings").splitlines() if p.strip()],
        "category": category,
        "audience": {
            "required": items("audience_required"),
            "excluded": items("audience_excluded"),
        },
        "channels": items("channels"),
        "valid_from": cell("valid_from") or None,
        "valid_to": cell("valid_to") or None,
        "owner": cell("owner"),
        "tags": items("tags"),
        "intent": cell("intent") or None,
        "enabled": enabled,
    }


def _at(values: list[str], index: int) -> str:
    return values[index].strip() if index < len(values) else ""
