"""Times and windows: exact times, bare hours, ranges, open-ended windows, day parts."""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext
from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility
from tests.intent_parser.offline.reading import FRIDAY, assert_reads, booking, day, window

CASES: list[tuple[str, dict[str, Any]]] = [
    # times
    ("tomorrow 3pm", {"time": "15:00"}),
    ("tomorrow 3 pm", {"time": "15:00"}),
    ("tomorrow 3:30pm", {"time": "15:30"}),
    ("tomorrow 9.30am", {"time": "09:30"}),
    ("tomorrow 15:00", {"time": "15:00"}),
    ("tomorrow 1500", {"time": "15:00"}),
    ("tomorrow at noon", {"time": "12:00"}),
    ("tomorrow midday", {"time": "12:00"}),
    ("tomorrow at midnight", {"time": "00:00"}),
    ("tomorrow 12am", {"time": "00:00"}),
    ("tomorrow 12pm", {"time": "12:00"}),
    ("tomorrow at half past four", {"time": "16:30"}),
    ("tomorrow at quarter past 5", {"time": "17:15"}),
    ("tomorrow at quarter to 9", {"time": "08:45"}),
    ("tomorrow at 3 o'clock", {"time": "15:00"}),
    ("tomorrow at 3", {"time": "15:00"}),
    ("tomorrow at 10", {"time": "10:00"}),
    ("tomorrow at 8", {"time": "08:00"}),  # both readings open: the morning one
    ("today at 8", {"time": "20:00"}),  # 08:00 has passed at 10:00
    ("tonight at 8", {"date": "2026-11-27", "time": "20:00"}),
    ("tomorrow morning at 9", {"time": "09:00", "window": None}),
    ("at 3", {"date": None, "time": "15:00"}),  # a time without a date leaves the date to the workflow
    # continental and 24-hour notations; "2h", "for 15h" stay lengths
    ("tomorrow 15h", {"time": "15:00", "duration_minutes": None}),
    ("tomorrow 15h30", {"time": "15:30", "duration_minutes": None}),
    ("tomorrow at 15h", {"time": "15:00"}),
    ("tomorrow at 9h", {"time": "09:00", "duration_minutes": None}),
    ("tomorrow 3 o'clock in the afternoon", {"time": "15:00"}),
    ("tomorrow 7 in the evening", {"time": "19:00"}),
    ("tomorrow at 3pm for 2h30", {"time": "15:00", "duration_minutes": 150}),
    ("tomorrow at 3pm 2h", {"time": "15:00", "duration_minutes": 120}),
    ("for 15h", {"time": None, "duration_minutes": 900}),
    ("between 15h and 17h tomorrow", {"time": None, "window": window("15:00", "17:00")}),
    ("is 9h free tomorrow?", {"time": "09:00", "duration_minutes": None}),  # no booking lasts 9 hours
    ("a 4h session tomorrow at 10am", {"time": "10:00", "duration_minutes": 240}),
    # "one" as a pronoun is not 1 o'clock; as a number it still is
    ("the one on Friday", {"date": "2026-11-27", "time": None}),
    ("the one o'clock slot tomorrow", {"time": "13:00"}),
    ("book the one hour slot tomorrow at 3", {"time": "15:00", "duration_minutes": 60}),
    # "one" is a number only where a time, length or count follows, or a word that takes a number comes before
    ("id like to book one tomorrow evening", {"action": "book", "time": None, "window": window("17:00", "21:00")}),
    ("cancel the saturday one", {"action": "cancel", "date": "2026-11-28", "time": None, "window": None}),
    ("the 5pm one", {"time": "17:00", "date": None}),
    ("can I grab one on sunday", {"date": "2026-11-29", "time": None}),
    ("book one o'clock tomorrow", {"date": "2026-11-28", "time": "13:00"}),
    ("tomorrow at one", {"time": "13:00"}),
    ("tomorrow one pm", {"time": "13:00"}),
    ("1pm tomorrow", {"time": "13:00"}),
    ("tomorrow at half past one", {"time": "13:30"}),
    ("tomorrow between 12 and one", {"time": "12:00", "window": None}),  # one slot long
    ("book one court for one hour tomorrow at 3", {"time": "15:00", "duration_minutes": 60, "court": None}),
    ("one week from today at 3pm", {"date": "2026-12-04", "time": "15:00"}),
    # windows
    ("tomorrow morning", {"time": None, "window": window("08:00", "12:00")}),
    ("tomorrow afternoon", {"window": window("12:00", "17:00")}),
    ("tomorrow evening", {"window": window("17:00", "21:00")}),
    ("tomorrow after 5pm", {"window": window("17:00", "21:00")}),
    ("tomorrow before noon", {"window": window("08:00", "12:00")}),
    ("tomorrow between 4 and 6pm", {"time": None, "window": window("16:00", "18:00")}),
    ("tomorrow from 2 to 3pm", {"time": "14:00", "window": None}),  # one slot long: an exact start
    ("book tomorrow from 2 to 4pm", {"window": window("14:00", "16:00"), "duration_minutes": 120}),
    ("what's free tomorrow between 2 and 6", {"action": "check", "window": window("14:00", "18:00")}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("cancel the saturday one", {"action": "cancel", "date": "2026-11-28", "time": None}),
        ("id like to book one tomorrow evening", {"action": "book", "date": "2026-11-28", "time": None}),
        ("what about one?", {"action": "check", "date": "2026-12-02", "time": "13:00"}),  # a follow-up: a time
    ],
)
def test_one_in_a_conversation(message: str, expected: dict[str, Any]) -> None:
    """With a booking on Wednesday 2 December at 15:00 in focus: "one" is still a pronoun unless a number is meant."""
    booked = booking("Court A", "15:00", day(5))
    context = ConversationContext(action="book", date=day(5), time="15:00", court="Court A", booking=booked)
    assert_reads(message, expected, context)


def test_bare_hours_follow_the_opening_hours() -> None:
    early = OfflineParser(make_facility(opening="06:00", closing="23:00"))
    now = instant(FRIDAY)
    assert early.parse("tomorrow at 7", now).time == "07:00"
    assert early.parse("tomorrow at 10", now).time == "10:00"
    assert early.parse("tomorrow at 11", now).time == "11:00"
    late = OfflineParser(make_facility(opening="14:00", closing="22:00"))
    assert late.parse("tomorrow at 10", now).time == "22:00"  # neither reading opens: the nearer one
    assert late.parse("tomorrow at 3", now).time == "15:00"


def test_one_slot_range_follows_the_slot_length() -> None:
    half_hourly = OfflineParser(make_facility(slot_minutes=30))
    intent = half_hourly.parse("tomorrow from 2 to 2:30pm", instant(FRIDAY))
    assert (intent.time, intent.window) == ("14:00", None)
    intent = half_hourly.parse("tomorrow from 2 to 3pm", instant(FRIDAY))
    assert intent.time is None
    assert intent.window is not None
    assert (intent.window.start, intent.window.end) == ("14:00", "15:00")
