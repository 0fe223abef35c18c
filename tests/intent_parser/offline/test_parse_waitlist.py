"""Waitlists in plain words: "put me on the waitlist for Friday 6pm", "waitlist me" (the conversation's start),
a deadline said apart ("until Thursday noon": never the start waited for), and leaving is no join."""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext
from tests.intent_parser.offline.reading import assert_reads, day, slot

# FRIDAY (reading.py) is Friday 27 November 2026: day(7) is next Friday, day(6) next Thursday.


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "put me on the waitlist for next Friday 6pm",
            {"action": "waitlist", "date": str(day(7)), "time": "18:00", "court": None, "until": None},
        ),
        (
            "add me to the waiting list for court B on 4 December at 7pm",
            {"action": "waitlist", "date": str(day(7)), "time": "19:00", "court": "Court B", "until": None},
        ),
        (
            "put me on the waitlist for 4 December 6pm until 3 December noon",
            {"action": "waitlist", "date": str(day(7)), "time": "18:00", "until": f"{day(6)}T12:00"},
        ),
        (
            "waitlist me for 4 December at 6pm till 3 December",
            {"action": "waitlist", "date": str(day(7)), "time": "18:00", "until": f"{day(6)}T23:59"},
        ),
        (
            "waitlist me for 4 December at 6pm until 3pm",
            {"action": "waitlist", "date": str(day(7)), "time": "18:00", "until": f"{day(7)}T15:00"},
        ),
        ("take me off the waitlist", {"action": None}),
        ("I don't want to be on the waiting list", {"action": None}),
        ("book court A tomorrow at 6pm until 7pm", {"action": "book", "until": None}),
    ],
)
def test_waitlists_are_read_with_their_deadline_apart(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


def test_waitlist_me_after_being_told_it_is_taken_keeps_the_day_in_focus() -> None:
    taken = ConversationContext(
        action="book", date=day(7), time="18:00", pending="offer", offers=[slot("Court A", "17:00", day(7))]
    )
    assert_reads("yes, waitlist me", {"action": "waitlist", "date": str(day(7)), "time": None, "offer": None}, taken)
    assert_reads("waitlist me", {"action": "waitlist", "date": str(day(7)), "until": None}, taken)


def test_a_deadline_time_alone_is_on_the_day_under_discussion() -> None:
    taken = ConversationContext(action="book", date=day(7), time="18:00", pending="offer")
    assert_reads("waitlist me until 4pm", {"action": "waitlist", "until": f"{day(7)}T16:00"}, taken)


@pytest.mark.parametrize(
    ("message", "action"),
    [
        ("am I on the waitlist for next Friday 6pm?", "list"),
        ("what's on my waitlist?", "list"),
        ("how does the waitlist work?", None),
    ],
)
def test_questions_about_the_waitlist_join_nothing(message: str, action: str | None) -> None:
    assert_reads(message, {"action": action})
