"""Series in plain words: the weekdays, the span and the step are read apart from the time, court and length;
a single booking, a question about hours and "book them" with nothing shown are no series."""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext, SeriesSpec
from tests.intent_parser.offline.reading import assert_reads, day, parse, window

# FRIDAY (reading.py) is Friday 27 November 2026: day(3) is Monday 30 November, day(4) Tuesday 1 December.


def series(**fields: Any) -> dict[str, Any]:
    return {
        "step": "preview",
        "weekdays": [],
        "weeks": None,
        "until": None,
        "first": None,
        "all_or_none": False,
        "every_weeks": None,
    } | fields


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "every Tuesday at 7pm for 6 weeks",
            {"action": "series", "date": None, "time": "19:00", "series": series(weekdays=[2], weeks=6)},
        ),
        (
            "Tuesdays and Thursdays at 6 until Christmas",
            {"action": "series", "time": "18:00", "series": series(weekdays=[2, 4], until="2026-12-24")},
        ),
        (
            "every weekday morning next week",
            {
                "action": "series",
                "time": None,
                "window": window("08:00", "12:00"),
                "series": series(weekdays=[1, 2, 3, 4, 5], first=str(day(3)), until=str(day(9))),
            },
        ),
        ("same time every week for a month", {"action": "series", "time": None, "series": series(weeks=4)}),
        (
            "book court B every Mon, Wed and Fri at 8am for 90 minutes for 3 weeks",
            {
                "action": "series",
                "time": "08:00",
                "court": "Court B",
                "duration_minutes": 90,
                "series": series(weekdays=[1, 3, 5], weeks=3),
            },
        ),
        (
            "every Saturday at 10am until the end of the month",
            {"action": "series", "series": series(weekdays=[6], until="2026-11-30")},
        ),
        (
            "every Thursday at 7pm from 10 December for 2 months",
            {"action": "series", "series": series(weekdays=[4], weeks=8, first="2026-12-10")},
        ),
        ("cancel my Tuesday series", {"action": "series", "series": series(step="cancel", weekdays=[2])}),
        ("skip next Tuesday", {"action": "series", "date": str(day(4)), "series": series(step="skip")}),
        ("what are your hours on weekdays?", {"action": None, "series": None}),
        ("book a court on Tuesday at 7pm", {"action": "book", "series": None}),
        ("book them", {"series": None}),  # nothing was shown
    ],
)
def test_series_are_read_with_their_days_and_span_apart(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


SHOWN = ConversationContext(pending="series", series=SeriesSpec(weekdays=[2], time="19:00", weeks=6))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("book them", series(step="book")),
        ("yes", series(step="book")),
        ("book them all or none", series(step="book", all_or_none=True)),
        ("go ahead, all or nothing", series(step="book", all_or_none=True)),
        ("for 8 weeks", series(weeks=8)),
    ],
)
def test_after_a_series_is_shown_book_them_books_it_and_a_span_changes_it(message: str, expected: Any) -> None:
    assert_reads(message, {"action": "series", "series": expected}, SHOWN)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "every other Tuesday at 7pm for 8 weeks",
            {"action": "series", "series": series(weekdays=[2], weeks=8, every_weeks=2)},
        ),
        (
            "every Monday to Friday at 7am for 2 weeks",
            {"action": "series", "series": series(weekdays=[1, 2, 3, 4, 5], weeks=2)},
        ),
        (
            "every weekday except Wednesday at 7am for 2 weeks",
            {"action": "series", "series": series(weekdays=[1, 2, 4, 5], weeks=2)},
        ),
        (
            "every Tuesday at 7pm until Friday 18 December",
            {"action": "series", "series": series(weekdays=[2], until="2026-12-18")},
        ),
        (
            "every Tuesday at 7pm starting Monday for 3 weeks",
            {"action": "series", "series": series(weekdays=[2], weeks=3, first=str(day(3)))},
        ),
        # a series asked for, not cancelled; a date of a series, not all of it; questions and queues are no series
        (
            "I want a recurring booking every Tuesday at 7pm until the end of December",
            {"series": series(weekdays=[2], until="2026-12-31")},
        ),
        ("remove 15 December from my series", {"series": series(step="skip"), "date": "2026-12-15"}),
        ("stop my series on 8 December", {"series": series(step="skip"), "date": "2026-12-08"}),
        ("I want to skip the queue, book tomorrow at 6", {"action": "book", "series": None}),
        ("are courts free on Saturdays at 10am?", {"action": "check", "series": None}),
    ],
)
def test_the_days_are_those_of_the_series_and_near_misses_are_read_as_meant(
    message: str, expected: dict[str, Any]
) -> None:
    assert_reads(message, expected)


@pytest.mark.parametrize(
    "message", ["ok no", "ok never mind", "yes please at 8pm", "okay but on court B", "sure, not now"]
)
def test_a_yes_that_says_more_is_not_book_them(message: str) -> None:
    intent = parse(message, context=SHOWN)
    assert intent.series is None or intent.series.step != "book", intent
