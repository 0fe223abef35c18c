"""History: one's bookings played or cancelled, and the days asked about, from the request's `now`.

Every period is read in the facility's zone from `now` (both days included): "last month" is
the whole calendar month before, "last week" Monday to Sunday before this week, "this month"
the 1st to today, "in November" that whole month (the last one begun), "since 1 November"
to today. "my bookings" and "what have I booked?" stay a list: the bookings to come.
"""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext
from tests.intent_parser.offline.reading import FRIDAY, assert_reads, booking, day, fields, parse, slot

MONDAY = "2026-11-30T10:00:00Z"  # Monday 30 November 2026 in London
SUNDAY = "2026-11-29T10:00:00Z"
FIRST_OF_DECEMBER = "2026-12-01T10:00:00Z"
JANUARY = "2027-01-05T10:00:00Z"  # Tuesday 5 January 2027: last month is last year's December
# 23:30 UTC on Monday 30 November is already Tuesday 1 December, 10:30, in Sydney.
SYDNEY_DECEMBER = "2026-11-30T23:30:00Z"


def period(start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end}


def history(when: str = "past", days: dict[str, str] | None = None) -> dict[str, Any]:
    """What a history reads as: which bookings, its days, and never a day or a time of its own."""
    return {"action": "history", "history": when, "period": days, "date": None, "time": None, "window": None}


# (message, now, expected): the reference instant is Friday 27 November 2026, 10:00 in London.
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # the phrases of the issue
    ("what did I play last month?", FRIDAY, history(days=period("2026-10-01", "2026-10-31"))),
    ("my past bookings", FRIDAY, history()),
    ("what did I book last week", FRIDAY, history(days=period("2026-11-16", "2026-11-22"))),
    ("show my cancelled bookings", FRIDAY, history("cancelled")),
    ("bookings I cancelled", FRIDAY, history("cancelled")),
    ("what have I played this year", FRIDAY, history(days=period("2026-01-01", "2026-11-27"))),
    ("history", FRIDAY, history()),
    # last month / last week / this month, wherever now falls
    ("what did I play last month?", JANUARY, history(days=period("2026-12-01", "2026-12-31"))),
    ("what did I play last week?", MONDAY, history(days=period("2026-11-23", "2026-11-29"))),
    ("what did I play last week?", SUNDAY, history(days=period("2026-11-16", "2026-11-22"))),
    ("what have I played this month?", FRIDAY, history(days=period("2026-11-01", "2026-11-27"))),
    ("what have I played this month?", FIRST_OF_DECEMBER, history(days=period("2026-12-01", "2026-12-01"))),
    ("what have I played this week?", FRIDAY, history(days=period("2026-11-23", "2026-11-27"))),
    # a month by name: the whole of the last one begun; "last November" the one before this month
    ("what did I play in November?", FRIDAY, history(days=period("2026-11-01", "2026-11-30"))),
    ("what did I play in October?", FRIDAY, history(days=period("2026-10-01", "2026-10-31"))),
    ("what did I play in December?", FRIDAY, history(days=period("2025-12-01", "2025-12-31"))),
    ("what did I play last November?", FRIDAY, history(days=period("2025-11-01", "2025-11-30"))),
    ("what did I play in May?", FRIDAY, history(days=period("2026-05-01", "2026-05-31"))),
    ("what did I play in November 2025?", FRIDAY, history(days=period("2025-11-01", "2025-11-30"))),
    # since a day, to today; rolling spans, to today
    ("what did I play since 1 November", FRIDAY, history(days=period("2026-11-01", "2026-11-27"))),
    ("what have I played since Monday?", FRIDAY, history(days=period("2026-11-23", "2026-11-27"))),
    ("what have I booked since Monday?", FRIDAY, history(days=period("2026-11-23", "2026-11-27"))),
    ("what did I play since last month?", FRIDAY, history(days=period("2026-10-01", "2026-11-27"))),
    ("what did I play in the last 30 days?", FRIDAY, history(days=period("2026-10-29", "2026-11-27"))),
    ("what have I played over the past week?", FRIDAY, history(days=period("2026-11-21", "2026-11-27"))),
    # ranges of days, read back
    ("what did I play between 1 and 15 November?", FRIDAY, history(days=period("2026-11-01", "2026-11-15"))),
    ("what did I play from 1 to 15 November?", FRIDAY, history(days=period("2026-11-01", "2026-11-15"))),
    ("what did I play from Monday to Wednesday?", FRIDAY, history(days=period("2026-11-23", "2026-11-25"))),
    ("what did I play from 28 December to 3 January?", JANUARY, history(days=period("2026-12-28", "2027-01-03"))),
    ("what did I play last weekend?", FRIDAY, history(days=period("2026-11-21", "2026-11-22"))),
    ("what did I play at the weekend?", FRIDAY, history(days=period("2026-11-21", "2026-11-22"))),
    # a day alone is a period of that day; without a year or a week, the last such day
    ("what did I book yesterday", FRIDAY, history(days=period("2026-11-26", "2026-11-26"))),
    ("what did I play on Tuesday?", FRIDAY, history(days=period("2026-11-24", "2026-11-24"))),
    ("did I play on Friday?", FRIDAY, history(days=period("2026-11-27", "2026-11-27"))),  # today
    ("what did I play on 3 November?", FRIDAY, history(days=period("2026-11-03", "2026-11-03"))),
    ("what did I play on the 3rd?", FRIDAY, history(days=period("2026-11-03", "2026-11-03"))),
    ("what did I play on Christmas Day?", JANUARY, history(days=period("2026-12-25", "2026-12-25"))),
    ("what did I book last Friday?", FRIDAY, history(days=period("2026-11-20", "2026-11-20"))),
    # other wording
    ("my booking history", FRIDAY, history()),
    ("show me my previous bookings", FRIDAY, history()),
    ("when did I last play?", FRIDAY, history()),
    ("how many times have I played this year?", FRIDAY, history(days=period("2026-01-01", "2026-11-27"))),
    ("my bookings last month", FRIDAY, history(days=period("2026-10-01", "2026-10-31"))),
    ("bookings since Monday", FRIDAY, history(days=period("2026-11-23", "2026-11-27"))),
    ("what have I booked in October?", FRIDAY, history(days=period("2026-10-01", "2026-10-31"))),
    # the cancelled ones
    ("what did I cancel?", FRIDAY, history("cancelled")),
    ("which bookings have I cancelled?", FRIDAY, history("cancelled")),
    ("was my booking cancelled?", FRIDAY, history("cancelled")),
    ("my cancelled bookings last month", FRIDAY, history("cancelled", period("2026-10-01", "2026-10-31"))),
    ("what did I cancel last week?", FRIDAY, history("cancelled", period("2026-11-16", "2026-11-22"))),
    ("my cancellations", FRIDAY, history("cancelled")),
    # the facility's today, not UTC's: in Sydney it is already December
    ("what did I play last month?", SYDNEY_DECEMBER, history(days=period("2026-11-01", "2026-11-30"))),
]


@pytest.mark.parametrize(("message", "now", "expected"), CASES, ids=[f"{c[0]} @{c[1][:10]}" for c in CASES])
def test_reads_a_history(message: str, now: str, expected: dict[str, Any]) -> None:
    zone = "Australia/Sydney" if now == SYDNEY_DECEMBER else "Europe/London"
    intent = parse(message, now, zone)
    assert fields(intent, tuple(expected)) == expected
    assert (intent.parser, intent.raw_message) == ("offline", message)


def test_the_court_asked_about_is_kept() -> None:
    intent = parse("what did I play yesterday at 3pm on court B?")
    assert (intent.action, intent.court, intent.time) == ("history", "Court B", None)
    assert (intent.period.start, intent.period.end) == (day(-1), day(-1))  # type: ignore[union-attr]


def test_a_range_that_does_not_exist_is_quoted_never_guessed() -> None:
    assert_reads(
        "what did I play from 30 to 31 February?",
        {"action": "history", "period": None, "impossible": "30 to 31 February"},
    )


STILL_A_LIST: list[tuple[str, dict[str, Any]]] = [
    ("what have I booked?", {"action": "list", "history": None, "period": None}),
    ("my bookings", {"action": "list", "history": None, "period": None}),
    ("show my bookings", {"action": "list", "period": None}),
    ("my upcoming bookings", {"action": "list", "period": None}),
    ("what have I got this week", {"action": "list", "date": None, "period": None}),
    ("what have I booked this month?", {"action": "list", "period": None}),
    ("what have I got next week?", {"action": "list", "period": None}),
    ("what have I got in December?", {"action": "list", "period": None}),
    ("my bookings for November", {"action": "list", "period": None}),
    ("do I have anything on Friday?", {"action": "list", "date": "2026-11-27"}),
    ("when is my next booking?", {"action": "list"}),
    ("what did I book for Monday?", {"action": "list", "date": "2026-11-30"}),  # a day to come
]


@pytest.mark.parametrize(("message", "expected"), STILL_A_LIST, ids=[c[0] for c in STILL_A_LIST])
def test_bookings_to_come_are_still_a_list(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("cancel my booking", {"action": "cancel", "history": None}),
        ("cancel my 5pm booking tomorrow", {"action": "cancel", "date": "2026-11-28", "time": "17:00"}),
        ("book the court I played on last week", {"action": "book"}),
        ("may I book court B tomorrow at 3pm?", {"action": "book", "period": None, "date": "2026-11-28"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_cancelling_and_booking_are_no_history(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


CONTEXTS = {
    "offers pending": ConversationContext(
        action="book", date=day(1), pending="offer", offers=[slot("Court A", "14:00", day(1))]
    ),
    "asked what time": ConversationContext(action="book", date=day(1), pending="time"),
    "a booking in focus": ConversationContext(
        action="book", date=day(1), time="15:00", court="Court C", booking=booking("Court C", "15:00", day(1))
    ),
}


@pytest.mark.parametrize("name", CONTEXTS)
def test_a_history_in_a_conversation_is_read_as_said(name: str) -> None:
    """Nothing is inherited (no day, court or offer from the conversation), and nothing is taken or moved."""
    intent = parse("what did I play last month?", context=CONTEXTS[name])
    assert fields(intent, ("action", "history", "date", "time", "court", "offer", "booking")) == {
        "action": "history",
        "history": "past",
        "date": None,
        "time": None,
        "court": None,
        "offer": None,
        "booking": None,
    }
    assert (intent.period.start.isoformat(), intent.period.end.isoformat()) == ("2026-10-01", "2026-10-31")  # type: ignore[union-attr]
