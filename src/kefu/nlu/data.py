"""Reading labelled CSV files, with errors a person can act on."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class DataError(ValueError):
    """Input data that cannot be used: missing file, wrong columns, wrong encoding, …"""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Pair:
    """Two messages and whether they mean the same (1) or not (0)."""

    text_a: str
    text_b: str
    label: int


def read_rows(path: str | Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file that has at least `columns` in its header."""
    file = Path(path)
    if not file.is_file():
        raise DataError(f"no such file: {file}")
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in columns if c not in header]
            if missing:
                raise DataError(
                    f"{file}: missing column(s) {', '.join(missing)}; "
                    f"expected {', '.join(columns)}, found {', '.join(header) or 'no header'}"
                )
            rows = []
            for raw in reader:
                row = {(k or "").strip(): (v or "") for k, v in raw.items()}
                rows.append({c: row[c] for c in columns})
    except UnicodeDecodeError as exc:
        raise DataError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not rows:
        raise DataError(f"{file}: no data rows")
    return rows


def read_examples(path: str | Path, *, min_classes: int = 2) -> list[Example]:
    """`text,label` rows; refuses files with fewer than `min_classes` labels."""
    examples = [
        Example(r["text"], r["label"].strip())
        for r in read_rows(path, ("text", "label"))
        if r["label"].strip()
    ]
    labels = {e.label for e in examples}
    if len(labels) < min_classes:
        raise DataError(
            f"{path}: found {len(labels)} label(s) ({', '.join(sorted(labels))}); "
            f"need at least {min_classes} to train or evaluate a classifier"
        )
    return examples


def read_pairs(path: str | Path) -> list[Pair]:
    """`text_a,text_b,label` rows with label 0 or 1."""
    pairs = []
    for i, r in enumerate(read_rows(path, ("text_a", "text_b", "label")), start=2):
        label = r["label"].strip()
        if label not in ("0", "1"):
            raise DataError(f"{path}: line {i}: label must be 0 or 1, got {label!r}")
        pairs.append(Pair(r["text_a"], r["text_b"], int(label)))
    return pairs
