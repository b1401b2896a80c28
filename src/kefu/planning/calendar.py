"""The event calendar: days whose volume differs from an ordinary day of the same weekday.

Built in: Double 11 (11 November) and 618 (18 June) shopping festivals, the national exam
week (gaokao, 7–10 June) and public holidays (New Year, Spring Festival, Labour Day,
National Day). Each kind gets its own uplift, learnt by the forecast from the past events of
that kind in the history. A CSV adds or replaces events: `date,event` or `start,end,event`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kefu.domain.errors import InvalidInput

KINDS = ("double11", "618", "exam", "holiday")

# Spring Festival (eve to the fifth day): the lunar date moves, so it is listed per year.
SPRING_FESTIVAL = {
    2023: date(2023, 1, 21),
    2024: date(2024, 2, 9),
    2025: date(2025, 1, 28),
    2026: date(2026, 2, 16),
    2027: date(2027, 2, 5),
    2028: date(2028, 1, 25),
    2029: date(2029, 2, 12),
    2030: date(2030, 2, 2),
}


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    start: date
    end: date  # inclusive

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def builtin_events(years: Iterable[int]) -> list[Event]:
    events: list[Event] = []
    for year in years:
        events.append(Event("double11", date(year, 11, 11), date(year, 11, 11)))
        events.append(Event("618", date(year, 6, 18), date(year, 6, 18)))
        events.append(Event("exam", date(year, 6, 7), date(year, 6, 10)))
        events.append(Event("holiday", date(year, 1, 1), date(year, 1, 1)))
        events.append(Event("holiday", date(year, 5, 1), date(year, 5, 5)))
        events.append(Event("holiday", date(year, 10, 1), date(year, 10, 7)))
        if year in SPRING_FESTIVAL:
            eve = SPRING_FESTIVAL[year]
            events.append(Event("holiday", eve, eve + timedelta(days=5)))
    return events


def day_kinds(events: Iterable[Event]) -> dict[date, set[str]]:
    out: dict[date, set[str]] = {}
    for event in events:
        for day in event.days():
            out.setdefault(day, set()).add(event.kind)
    return out


def _date(text: str, line: int) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise InvalidInput(f"events line {line}: {text!r} is not a date (YYYY-MM-DD)") from None


def parse_events(text: str) -> list[Event]:
    """`date,event` or `start,end,event` rows, with or without a header line."""
    events = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells):
            continue
        if line == 1 and cells[0].lower() in ("date", "start", "day"):
            continue
        if len(cells) == 2:
            day = _date(cells[0], line)
            events.append(Event(_kind(cells[1], line), day, day))
        elif len(cells) == 3:
            start, end = _date(cells[0], line), _date(cells[1], line)
            if end < start:
                raise InvalidInput(f"events line {line}: the end is before the start")
            events.append(Event(_kind(cells[2], line), start, end))
        else:
            raise InvalidInput(f"events line {line}: expected date,event or start,end,event")
    return events


def _kind(text: str, line: int) -> str:
    kind = text.strip().lower()
    if not kind or len(kind) > 40:
        raise InvalidInput(f"events line {line}: the event needs a short name")
    return kind
