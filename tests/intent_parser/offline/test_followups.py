"""Follow-ups: a message read in its conversation inherits from the context what it does not say.

Each case is (message, context, expected fields); dates are days after TODAY (Friday 27 November).
"""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext, TimeWindow
from tests.intent_parser.offline.reading import assert_reads, booking, day, parse, slot

WEDNESDAY, THURSDAY = day(5), day(6)
# Offers on Wednesday for a booking asked at 15:00 (none at 16:00).
OFFERED_AT_3 = ConversationContext(
    action="book",
    date=WEDNESDAY,
    time="15:00",
    pending="offer",
    offers=[slot("Court A", "14:00", WEDNESDAY), slot("Court B", "17:00", WEDNESDAY)],
)
ASKED_TIME = ConversationContext(action="book", date=WEDNESDAY, pending="time")
ASKED_DAY = ConversationContext(action="book", time="18:00", pending="day")
CHECKED = ConversationContext(action="check", date=THURSDAY, time="15:00", court="Court B", duration_minutes=90)
CHECKED_EVENING = ConversationContext(
    action="check", date=THURSDAY, window=TimeWindow(start="17:00", end="21:00"), court="Court B"
)
LISTED = ConversationContext(action="list", date=THURSDAY)
BOOKED = ConversationContext(
    action="book", date=WEDNESDAY, time="15:00", court="Court A", booking=booking("Court A", "15:00", WEDNESDAY)
)


def iso(date: Any) -> str:
    return date.isoformat()


CASES: list[tuple[str, ConversationContext, dict[str, Any]]] = [
    # the examples: offers on Wed 2 Dec for 15:00; "What time?"; "Which day?"; a check for Thursday 15:00
    ("ok 4pm then", OFFERED_AT_3, {"action": "book", "date": iso(WEDNESDAY), "time": "16:00", "offer": None}),
    ("5pm", ASKED_TIME, {"action": "book", "date": iso(WEDNESDAY), "time": "17:00"}),
    ("Friday", ASKED_DAY, {"action": "book", "date": iso(day(0)), "time": "18:00"}),
    ("what about Friday?", CHECKED, {"action": "check", "date": iso(day(0)), "time": "15:00", "court": "Court B"}),
    # weak wording inherits the action, date, time, court and length
    ("how about Saturday", CHECKED, {"action": "check", "date": iso(day(1)), "time": "15:00", "duration_minutes": 90}),
    ("and court C?", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "15:00", "court": "Court C"}),
    ("Monday instead", CHECKED, {"action": "check", "date": iso(day(3)), "time": "15:00"}),
    ("actually 4pm", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "16:00", "court": "Court B"}),
    ("at 6 then", CHECKED, {"action": "check", "time": "18:00", "window": None}),
    ("for 2 hours", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "15:00", "duration_minutes": 120}),
    ("and on Saturday?", LISTED, {"action": "list", "date": iso(day(1))}),
    # a window is inherited only when the message gives neither a time nor a window
    ("what about Friday?", CHECKED_EVENING, {"time": None, "window": {"start": "17:00", "end": "21:00"}}),
    ("what about Friday at 3pm?", CHECKED_EVENING, {"time": "15:00", "window": None}),
    # a strong fresh request keeps its own words; only a missing date comes from the day in focus
    ("book a court tomorrow at 3pm", CHECKED, {"action": "book", "date": iso(day(1)), "court": None}),
    ("what's free on Saturday?", CHECKED, {"action": "check", "date": iso(day(1)), "time": None, "court": None}),
    (
        "book a court at 5pm",
        CHECKED,
        {"action": "book", "date": iso(THURSDAY), "court": None, "duration_minutes": None},
    ),
    ("cancel my booking", CHECKED, {"action": "cancel", "date": iso(THURSDAY), "time": None}),
    ("show my bookings", CHECKED, {"action": "list", "date": None}),
    ("what's free on Saturday?", ASKED_TIME, {"action": "check", "date": iso(day(1))}),  # a question still answered
    # what does not exist is not replaced by the context
    ("30 February", ASKED_DAY, {"date": None, "time": "18:00", "impossible": "30 February"}),
    ("at 25:00", ASKED_TIME, {"date": iso(WEDNESDAY), "time": None, "impossible": "25:00"}),
    ("court D then", CHECKED, {"action": "check", "court": None, "unknown_court": "Court D"}),
    ("court d then", OFFERED_AT_3, {"action": "check", "court": None, "unknown_court": "Court D"}),
    # a message that says nothing inherits nothing
    ("thanks", BOOKED, {"action": None, "date": None, "time": None}),
    ("hello", CHECKED, {"action": None, "date": None, "court": None}),
]


@pytest.mark.parametrize(("message", "context", "expected"), CASES, ids=[f"{c[0]} ({i})" for i, c in enumerate(CASES)])
def test_reads_in_context(message: str, context: ConversationContext, expected: dict[str, Any]) -> None:
    assert_reads(message, expected, context)


NO_CONTEXT: list[tuple[str, dict[str, Any]]] = [
    ("ok 4pm then", {"action": "book", "date": None, "time": "16:00", "offer": None, "reply": None}),
    ("5pm", {"action": "book", "date": None, "time": "17:00"}),
    ("Friday", {"action": "book", "date": iso(day(0)), "time": None}),
    ("what about Friday?", {"action": "check", "date": iso(day(0)), "time": None, "court": None}),
    ("and court C?", {"action": None, "date": None, "time": None, "court": "Court C"}),
    ("the second one", {"action": None, "date": None, "time": None, "offer": None}),  # "one" is no hour
]


@pytest.mark.parametrize(("message", "expected"), NO_CONTEXT, ids=[c[0] for c in NO_CONTEXT])
def test_without_a_context_nothing_is_inherited(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, {**expected, "booking": None})


def test_a_fresh_request_does_not_inherit_the_court_or_length() -> None:
    intent = parse("book a court tomorrow at 3pm", context=CHECKED)
    assert (intent.court, intent.duration_minutes, intent.time) == (None, None, "15:00")


def test_an_empty_context_reads_like_no_context_for_a_booking() -> None:
    message = "book court B tomorrow at 3pm for an hour"
    assert parse(message, context=ConversationContext()) == parse(message)
