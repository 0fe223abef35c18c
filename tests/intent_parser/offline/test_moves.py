"""Moves: the target is only what was said; `booking` names which booking when the message says so.

The booking in focus is Court A, Wednesday 2 December at 15:00, with no offers pending.
"""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext
from tests.intent_parser.offline.reading import assert_reads, booking, day, parse, slot

WEDNESDAY = day(5)
BOOKED = ConversationContext(
    action="book", date=WEDNESDAY, time="15:00", court="Court A", booking=booking("Court A", "15:00", WEDNESDAY)
)
TARGET = ("date", "time", "court", "duration_minutes", "booking")

MOVES: list[tuple[str, dict[str, Any]]] = [
    ("move it to 5pm", {"time": "17:00"}),
    (
        "move my 5pm to Thursday",
        {"date": day(6).isoformat(), "booking": {"date": None, "time": "17:00", "court": None, "place": None}},
    ),
    ("can I switch to court B", {"court": "Court B"}),
    ("make it 2 hours", {"duration_minutes": 120}),
    ("actually court B", {"court": "Court B"}),
    ("change it to 6", {"time": "18:00"}),
    ("make it 5pm", {"time": "17:00"}),
    ("no, court C", {"court": "Court C"}),
    (
        "reschedule my Friday booking to Saturday",
        {
            "date": day(1).isoformat(),
            "booking": {"date": day(0).isoformat(), "time": None, "court": None, "place": None},
        },
    ),
    (
        "move my 10am booking to tomorrow at 3pm",
        {
            "date": day(1).isoformat(),
            "time": "15:00",
            "booking": {"date": None, "time": "10:00", "court": None, "place": None},
        },
    ),
    (
        "move my court B booking to court C",
        {"court": "Court C", "booking": {"date": None, "time": None, "court": "Court B", "place": None}},
    ),
    ("push it back an hour", {"time": "16:00"}),
    ("bring it forward 30 minutes", {"time": "14:30"}),
    ("move my 5pm booking", {"booking": {"date": None, "time": "17:00", "court": None, "place": None}}),
]


@pytest.mark.parametrize(("message", "target"), MOVES, ids=[c[0] for c in MOVES])
def test_a_move(message: str, target: dict[str, Any]) -> None:
    expected = dict.fromkeys(TARGET) | target
    assert_reads(message, {"action": "move", **expected}, BOOKED)


def test_a_moves_target_date_never_comes_from_the_context() -> None:
    assert parse("move it to 5pm", context=BOOKED).date is None  # the caller keeps the booking's own day


def test_a_move_is_read_in_any_conversation_and_in_a_first_message() -> None:
    message = "move my 10am booking to tomorrow at 3pm"
    moved = parse(message, context=ConversationContext())
    assert (moved.action, moved.time, moved.booking and moved.booking.time) == ("move", "15:00", "10:00")
    alone = parse(message)  # a first message: a move too, never a second booking at the first time
    assert (alone.action, alone.time, alone.booking and alone.booking.time) == ("move", "15:00", "10:00")


NOT_MOVES: list[tuple[str, ConversationContext, dict[str, Any]]] = [
    # while a new booking is being made, move wording corrects that request
    (
        "switch to court B",
        ConversationContext(action="book", date=WEDNESDAY, time="15:00"),
        {"action": "book", "court": "Court B"},
    ),
    # with offers pending, a correction is about them, not about the booking
    (
        "make it 2 hours",
        BOOKED.model_copy(update={"offers": [slot("Court A", "16:00", WEDNESDAY)], "pending": "offer"}),
        {"action": "book", "duration_minutes": 120, "booking": None},
    ),
    # its own action wins over a correction
    ("actually, cancel it", BOOKED, {"action": "cancel"}),
    ("actually book court B for Thursday", BOOKED, {"action": "book", "court": "Court B"}),
]


@pytest.mark.parametrize(("message", "context", "expected"), NOT_MOVES, ids=[c[0] for c in NOT_MOVES])
def test_not_a_move(message: str, context: ConversationContext, expected: dict[str, Any]) -> None:
    assert_reads(message, expected, context)


def test_a_move_follow_up_names_the_target_or_the_booking() -> None:
    which_day = ConversationContext(action="move", date=WEDNESDAY, pending="day", booking=BOOKED.booking)
    intent = parse("Friday", context=which_day)
    assert (intent.action, intent.date, intent.time, intent.booking) == ("move", day(0), None, None)
    which_booking = ConversationContext(action="move", date=WEDNESDAY, pending="booking")
    intent = parse("the 5pm one", context=which_booking)
    assert (intent.action, intent.date, intent.time) == ("move", None, None)
    assert intent.booking is not None
    assert intent.booking.time == "17:00"


WHICH_BOOKING: list[tuple[str, ConversationContext, dict[str, Any]]] = [
    # after "Which booking?" for a cancel: that booking, on the day in focus
    (
        "the 5pm one",
        ConversationContext(action="cancel", date=day(1), pending="booking"),
        {
            "action": "cancel",
            "date": day(1).isoformat(),
            "time": "17:00",
            "booking": {"date": day(1).isoformat(), "time": "17:00", "court": None, "place": None},
        },
    ),
    # when the context does not say what was asked, only the booking: never a new booking
    (
        "the 5pm one",
        ConversationContext(action="book", date=day(1), pending="booking"),
        {
            "action": None,
            "date": None,
            "time": None,
            "booking": {"date": None, "time": "17:00", "court": None, "place": None},
        },
    ),
    ("cancel the 5pm one", ConversationContext(pending="booking"), {"action": "cancel", "time": "17:00"}),
]


@pytest.mark.parametrize(
    ("message", "context", "expected"), WHICH_BOOKING, ids=[f"{c[0]} ({i})" for i, c in enumerate(WHICH_BOOKING)]
)
def test_which_booking(message: str, context: ConversationContext, expected: dict[str, Any]) -> None:
    assert_reads(message, expected, context)
