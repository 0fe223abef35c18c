"""Dates: days, weekdays, offsets, ordinals, month-name and numeric dates, holidays, time zones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.intent_parser.offline.reading import assert_reads, parse, window

CASES: list[tuple[str, dict[str, Any]]] = [
    # days
    ("today at 5pm", {"date": "2026-11-27", "time": "17:00"}),
    ("tonight", {"date": "2026-11-27", "time": None, "window": window("17:00", "21:00")}),
    ("tomorrow at 3pm", {"date": "2026-11-28", "time": "15:00"}),
    ("tmrw 3pm", {"date": "2026-11-28"}),
    ("tomorow 3pm", {"date": "2026-11-28"}),
    ("tmorrow 3pm", {"date": "2026-11-28"}),  # one edit away, from the generated table
    ("day after tomorrow at 3pm", {"date": "2026-11-29"}),
    ("wed at 4", {"date": "2026-12-02", "time": "16:00"}),
    ("sat 10am", {"date": "2026-11-28"}),
    ("friday 6pm", {"date": "2026-11-27"}),  # today is Friday
    ("this Sunday 2pm", {"date": "2026-11-29"}),
    ("next Friday 2pm", {"date": "2026-12-04"}),
    ("next week Monday 2pm", {"date": "2026-11-30"}),
    ("Monday next week 2pm", {"date": "2026-11-30"}),
    ("friday after next 2pm", {"date": "2026-12-11"}),
    ("Saturday week 2pm", {"date": "2026-12-05"}),
    ("in 3 days at 2pm", {"date": "2026-11-30"}),
    ("in 2 weeks at 2pm", {"date": "2026-12-11"}),
    ("a week from today at 2pm", {"date": "2026-12-04"}),
    ("a fortnight today 2pm", {"date": "2026-12-11"}),
    ("in a fortnight 2pm", {"date": "2026-12-11"}),
    ("on the 4th at 2pm", {"date": "2026-12-04"}),
    ("the 30th at 2pm", {"date": "2026-11-30"}),
    ("the 27th at 2pm", {"date": "2026-11-27"}),  # today is the 27th
    ("the 31st at 2pm", {"date": "2026-12-31"}),  # November has no 31st
    ("December 3rd at 2pm", {"date": "2026-12-03"}),
    ("3 December at 2pm", {"date": "2026-12-03"}),
    ("5th of December at 2pm", {"date": "2026-12-05"}),
    ("Dec 5 at 2pm", {"date": "2026-12-05"}),
    ("2026-12-05 at 2pm", {"date": "2026-12-05"}),
    ("2026/12/05 at 2pm", {"date": "2026-12-05"}),
    ("05/12/2026 at 2pm", {"date": "2026-12-05"}),  # day first in London
    ("Christmas Eve at 10am", {"date": "2026-12-24"}),
    ("Christmas Day at 10am", {"date": "2026-12-25"}),
    ("New Year's Day at 10am", {"date": "2027-01-01"}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


@pytest.mark.parametrize(
    ("message", "now", "zone", "date"),
    [
        # Late December: "Jan 2" is next year, and so is "the 2nd".
        ("Jan 2 at 10am", "2026-12-28T09:00:00Z", "Europe/London", "2027-01-02"),
        ("the 2nd at 10am", "2026-12-28T09:00:00Z", "Europe/London", "2027-01-02"),
        ("next Friday", "2026-12-28T09:00:00Z", "Europe/London", "2027-01-08"),
        ("New Year's Eve", "2026-12-28T09:00:00Z", "Europe/London", "2026-12-31"),
        # 23:30 UTC on Friday 27 November is already Saturday 10:30 in Sydney.
        ("tomorrow", "2026-11-27T23:30:00Z", "Australia/Sydney", "2026-11-29"),
        ("today", "2026-11-27T23:30:00Z", "Australia/Sydney", "2026-11-28"),
        # 04:30 UTC on Saturday 28 November is still Friday 23:30 in New York.
        ("tomorrow", "2026-11-28T04:30:00Z", "America/New_York", "2026-11-28"),
        ("today", "2026-11-28T04:30:00Z", "America/New_York", "2026-11-27"),
        # Numeric dates are month first in the Americas.
        ("12/5 at 3pm", "2026-11-29T15:00:00Z", "America/New_York", "2026-12-05"),
        ("12/5 at 3pm", "2026-11-29T15:00:00Z", "Europe/London", "2027-05-12"),
        # The night the clocks go back in London.
        ("tomorrow at 5pm", "2026-10-24T23:30:00Z", "Europe/London", "2026-10-26"),
    ],
)
def test_dates_are_resolved_in_the_facility_time_zone(message: str, now: str, zone: str, date: str) -> None:
    assert parse(message, now, zone).date == dt.date.fromisoformat(date)
