"""Tables as CSV, Excel and Parquet, with phone numbers and names masked (pure but for the
optional pyarrow/openpyxl imports, which load only when a file of that kind is asked for)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from kefu.insight.model import JOURNEY_COLUMNS, JourneyEvent
from kefu.insight.ports import InsightStore
from kefu.privacy import policy

MASKED_COLUMNS = frozenset({"customer_name", "phone", "name"})


def mask_phone(phone: str | None) -> str:
    """138****5678 (kefu's one masking rule, `kefu.privacy.policy`); "" when unknown."""
    return policy.mask_phone(phone) or ""


def mask_name(name: str | None) -> str:
    """王* / 陈** / J***: kefu's one masking rule; "" when unknown."""
    return policy.mask_name(name.strip() if name else name) or ""


def masked(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        clean = dict(row)
        if "phone" in clean:
            clean["phone"] = mask_phone(clean["phone"])
        for key in ("customer_name", "name"):
            if key in clean:
                clean[key] = mask_name(clean[key])
        out.append(clean)
    return out


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in masked(rows):
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    return "\ufeff" + buffer.getvalue()  # the BOM makes Excel read UTF-8 Chinese correctly


def to_xlsx(title: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31] or "report"
    sheet.append(list(columns))
    for row in masked(rows):
        sheet.append([_cell(row.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def journey_table(events: Sequence[JourneyEvent]) -> dict[str, list[Any]]:
    rows = [e.to_row() for e in events]
    table: dict[str, list[Any]] = {c: [r[c] for r in rows] for c in JOURNEY_COLUMNS}
    table["items"] = [",".join(r["items"]) for r in rows]
    return table


class ParquetWriter:
    """Writes journey events batch by batch (memory stays bounded) to one Parquet file."""

    def __init__(self, path: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self.schema = pa.schema(
            [
                ("conversation_id", pa.string()), ("at", pa.timestamp("us", tz="UTC")),
                ("step", pa.string()), ("customer_id", pa.string()),
                ("entry_point", pa.string()), ("channel", pa.string()),
                ("action", pa.string()), ("node", pa.string()), ("level", pa.int32()),
                ("intent", pa.string()), ("knowledge_id", pa.string()),
                ("decision", pa.string()), ("confidence", pa.float64()),
                ("value", pa.float64()), ("items", pa.string()),
            ]
        )  # fmt: skip
        self._writer = pq.ParquetWriter(path, self.schema)
        self.rows = 0

    def write(self, events: Sequence[JourneyEvent]) -> None:
        table = self._pa.table(journey_table(events), schema=self.schema)
        self._writer.write_table(table)
        self.rows += len(events)

    def close(self) -> None:
        self._writer.close()


class JourneyWriter(Protocol):
    def write(self, events: Sequence[JourneyEvent]) -> None: ...


async def export_journey_events(
    store: InsightStore,
    writer: JourneyWriter,
    account_id: str,
    since: datetime | None,
    until: datetime | None,
    batch: int = 50_000,
) -> None:
    """Streams an account's raw journey events into `writer`, `batch` rows at a time."""
    async for events in store.journey_events(account_id, since, until, batch):
        writer.write(events)
