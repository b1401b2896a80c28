"""Business hours in the queue's own timezone, with holidays and make-up working days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.domain.errors import InvalidInput
from kefu.routing import BusinessHours, Interval

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS_9_TO_6 = dict.fromkeys(range(5), "09:00-18:00")
HOURS = BusinessHours.build(
    "Asia/Shanghai",
    {**WEEKDAYS_9_TO_6, 5: ["10:00-12:00", "13:00-16:00"]},
    holidays=[date(2026, 10, 1)],
    special_days={date(2026, 10, 11): "09:00-18:00"},  # a make-up working Sunday
)


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_a_weekday_is_open_from_nine_to_six_shanghai_time() -> None:
    assert not HOURS.is_open(shanghai(2026, 11, 23, 8, 59))
    assert HOURS.is_open(shanghai(2026, 11, 23, 9, 0))
    assert HOURS.is_open(shanghai(2026, 11, 23, 17, 59))
    assert not HOURS.is_open(shanghai(2026, 11, 23, 18, 0))


def test_the_time_is_read_in_the_queues_timezone_whatever_the_caller_uses() -> None:
    # 01:30 UTC is 09:30 in Shanghai on the same Monday
    assert HOURS.is_open(datetime(2026, 11, 23, 1, 30, tzinfo=UTC))
    assert not HOURS.is_open(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # 20:00 Shanghai


def test_a_holiday_is_closed_and_a_make_up_sunday_is_open() -> None:
    assert not HOURS.is_open(shanghai(2026, 10, 1, 11, 0))  # National Day, a Thursday
    assert HOURS.is_open(shanghai(2026, 10, 11, 11, 0))  # Sunday, working day
    assert not HOURS.is_open(shanghai(2026, 10, 18, 11, 0))  # an ordinary Sunday


def test_next_open_after_friday_evening_is_saturday_morning() -> None:
    assert HOURS.next_open(shanghai(2026, 11, 27, 19, 0)) == shanghai(2026, 11, 28, 10, 0)


def test_next_open_during_the_saturday_lunch_break_is_one_oclock() -> None:
    assert HOURS.next_open(shanghai(2026, 11, 28, 12, 30)) == shanghai(2026, 11, 28, 13, 0)


def test_next_open_skips_a_holiday() -> None:
    assert HOURS.next_open(shanghai(2026, 9, 30, 20, 0)) == shanghai(2026, 10, 2, 9, 0)


def test_next_open_while_open_is_now_and_next_close_is_the_end_of_the_day() -> None:
    now = shanghai(2026, 11, 23, 10, 0)
    assert HOURS.next_open(now) == now
    assert HOURS.next_close(now) == shanghai(2026, 11, 23, 18, 0)
    assert HOURS.next_close(shanghai(2026, 11, 23, 20, 0)) is None


def test_a_queue_open_around_the_clock_closes_only_when_the_hours_stop() -> None:
    always = BusinessHours.always("Asia/Shanghai")
    assert always.is_open(shanghai(2026, 11, 23, 3, 0))
    weekdays = BusinessHours.build("UTC", dict.fromkeys(range(5), "00:00-24:00"))
    monday = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert weekdays.next_close(monday) == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def test_a_queue_with_no_hours_never_opens() -> None:
    assert BusinessHours.build("UTC", {}).next_open(datetime(2026, 1, 1, tzinfo=UTC)) is None


def test_bad_hours_are_refused_with_a_reason() -> None:
    with pytest.raises(InvalidInput, match="HH:MM"):
        Interval.parse("9-18")
    with pytest.raises(InvalidInput, match="forward"):
        Interval.parse("18:00-09:00")
    with pytest.raises(InvalidInput, match="overlap"):
        BusinessHours.build("UTC", {0: ["09:00-12:00", "11:00-13:00"]})
    with pytest.raises(InvalidInput, match="timezone"):
        BusinessHours.build("Mars/Olympus", {})
    with pytest.raises(InvalidInput, match="aware"):
        HOURS.is_open(datetime(2026, 11, 23, 10, 0))
