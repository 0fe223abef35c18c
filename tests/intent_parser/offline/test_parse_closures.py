"""Closures: an admin's "close court B tomorrow 2pm to 5pm for coaching", read from the request's `now`.

A closure has its court (None only when it says every court: "all courts", "the club"), one
`date` or a `period` of days ahead, the hours closed as a `window` (none: the whole day; an
exact start is one slot), never a `time`, and its `reason` as written. Who may close is the
orchestrator's business, not the parser's. "close" is never read from "a court close to 5pm",
a question about the hours, or a cancel.
"""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext
from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility
from tests.intent_parser.offline.reading import FRIDAY, assert_reads, booking, day, fields, parse, slot, window

WEDNESDAY = "2026-11-25T10:00:00Z"  # Wednesday 25 November 2026 in London
MONDAY = "2026-11-23T10:00:00Z"
LATE_DECEMBER = "2026-12-20T10:00:00Z"  # Sunday 20 December: "14 to 18 December" is next year's


def closure(
    court: str | None,
    *,
    date: str | None = None,
    days: tuple[str, str] | None = None,
    hours: tuple[str, str] | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "action": "close",
        "court": court,
        "date": date,
        "period": {"start": days[0], "end": days[1]} if days else None,
        "window": window(*hours) if hours else None,
        "time": None,
        "reason": reason,
        "unknown_court": None,
    }


# (message, now, expected): the reference instant is Friday 27 November 2026, 10:00 in London.
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # the phrases of the issue
    (
        "close court B tomorrow 2pm to 5pm for coaching",
        FRIDAY,
        closure("Court B", date="2026-11-28", hours=("14:00", "17:00"), reason="coaching"),
    ),
    (
        "close Court B from 14 to 18 December for resurfacing",
        FRIDAY,
        closure("Court B", days=("2026-12-14", "2026-12-18"), reason="resurfacing"),
    ),
    (
        "close all courts on Saturday for the tournament",
        FRIDAY,
        closure(None, date="2026-11-28", reason="the tournament"),
    ),
    (
        "shut court A tomorrow morning for maintenance",
        FRIDAY,
        closure("Court A", date="2026-11-28", hours=("08:00", "12:00"), reason="maintenance"),
    ),
    # the same days written other ways
    (
        "close Court B 14-18 December for resurfacing",
        FRIDAY,
        closure("Court B", days=("2026-12-14", "2026-12-18"), reason="resurfacing"),
    ),
    ("close court B December 14 to 18", FRIDAY, closure("Court B", days=("2026-12-14", "2026-12-18"))),
    ("close court b from 14 december to 18 december", FRIDAY, closure("Court B", days=("2026-12-14", "2026-12-18"))),
    ("close court b from the 14th to the 18th", FRIDAY, closure("Court B", days=("2026-12-14", "2026-12-18"))),
    ("close Court B from 14 to 18 December", LATE_DECEMBER, closure("Court B", days=("2027-12-14", "2027-12-18"))),
    ("close court B from Monday to Wednesday", FRIDAY, closure("Court B", days=("2026-11-30", "2026-12-02"))),
    ("close court B from Friday to Monday", WEDNESDAY, closure("Court B", days=("2026-11-27", "2026-11-30"))),
    (
        "close court B until Friday for repairs",
        MONDAY,
        closure("Court B", days=("2026-11-23", "2026-11-27"), reason="repairs"),
    ),
    ("close court B this week", FRIDAY, closure("Court B", days=("2026-11-27", "2026-11-29"))),
    (
        "close court B next week due to flooding",
        FRIDAY,
        closure("Court B", days=("2026-11-30", "2026-12-06"), reason="flooding"),
    ),
    ("close court B in December", FRIDAY, closure("Court B", days=("2026-12-01", "2026-12-31"))),
    ("close court B in November", FRIDAY, closure("Court B", days=("2026-11-27", "2026-11-30"))),  # from today
    ("shut down all courts this weekend", FRIDAY, closure(None, days=("2026-11-28", "2026-11-29"))),
    ("close court B the day after tomorrow", FRIDAY, closure("Court B", date="2026-11-29")),
    ("can you close the club on Christmas Day", FRIDAY, closure(None, date="2026-12-25")),
    # the hours: a range, a day part, from a time to closing, up to a time, one slot, a length from its start
    (
        "please close court C on Monday from 9 to 11",
        FRIDAY,
        closure("Court C", date="2026-11-30", hours=("09:00", "11:00")),
    ),
    (
        "close court B tomorrow from 14:00 to 17:00",
        FRIDAY,
        closure("Court B", date="2026-11-28", hours=("14:00", "17:00")),
    ),
    ("close court B tomorrow 2pm–5pm", FRIDAY, closure("Court B", date="2026-11-28", hours=("14:00", "17:00"))),
    ("close court B next Tuesday morning", FRIDAY, closure("Court B", date="2026-12-01", hours=("08:00", "12:00"))),
    ("close court B tomorrow from 2pm", FRIDAY, closure("Court B", date="2026-11-28", hours=("14:00", "21:00"))),
    ("close court A tomorrow until noon", FRIDAY, closure("Court A", date="2026-11-28", hours=("08:00", "12:00"))),
    ("close court A tomorrow at 3pm", FRIDAY, closure("Court A", date="2026-11-28", hours=("15:00", "16:00"))),
    ("close court A tomorrow 3pm to 4pm", FRIDAY, closure("Court A", date="2026-11-28", hours=("15:00", "16:00"))),
    (
        "close court B for 2 hours tomorrow at 10 for coaching",
        FRIDAY,
        closure("Court B", date="2026-11-28", hours=("10:00", "12:00"), reason="coaching"),
    ),
    # the reason: as written, after "for", "because of", "due to"; words that say when are none
    ("Close Court B tomorrow for COACHING", FRIDAY, closure("Court B", date="2026-11-28", reason="COACHING")),
    (
        "close court B tomorrow, for Sam's 40th birthday party!",
        FRIDAY,
        closure("Court B", date="2026-11-28", reason="Sam's 40th birthday party"),
    ),
    (
        "close court B tomorrow because of the Davis Cup qualifier",
        FRIDAY,
        closure("Court B", date="2026-11-28", reason="the Davis Cup qualifier"),
    ),
    (
        "close court B tomorrow for coaching at 4pm",
        FRIDAY,
        closure("Court B", date="2026-11-28", hours=("16:00", "17:00"), reason="coaching"),
    ),
    (
        "close court b for the whole day tomorrow for the county final",
        FRIDAY,
        closure("Court B", date="2026-11-28", reason="the county final"),
    ),
    ("close court b tomorrow for the whole day", FRIDAY, closure("Court B", date="2026-11-28")),
    (
        "close court A for maintenance in the morning tomorrow",
        FRIDAY,
        closure("Court A", date="2026-11-28", hours=("08:00", "12:00"), reason="maintenance"),
    ),
    ("close court B tomorrow", FRIDAY, closure("Court B", date="2026-11-28")),
    # other wording of a closure
    (
        "block off court A on Sunday for a private event",
        FRIDAY,
        closure("Court A", date="2026-11-29", reason="a private event"),
    ),
    (
        "closure: court B tomorrow 8am to 10am for line painting",
        FRIDAY,
        closure("Court B", date="2026-11-28", hours=("08:00", "10:00"), reason="line painting"),
    ),
    ("I'd like to close court A on Saturday", FRIDAY, closure("Court A", date="2026-11-28")),
    ("close every court tomorrow", FRIDAY, closure(None, date="2026-11-28")),
    ("close the whole club on Sunday", FRIDAY, closure(None, date="2026-11-29")),
]


@pytest.mark.parametrize(("message", "now", "expected"), CASES, ids=[f"{c[0]} @{c[1][:10]}" for c in CASES])
def test_reads_a_closure(message: str, now: str, expected: dict[str, Any]) -> None:
    intent = parse(message, now)
    assert fields(intent, tuple(expected)) == expected
    assert (intent.parser, intent.raw_message) == ("offline", message)


def test_the_reason_is_one_line_of_at_most_200_characters() -> None:
    long = "close court B tomorrow for " + " ".join(["resurfacing"] * 40) + "\nand\tpainting"
    reason = parse(long).reason
    assert reason is not None
    assert len(reason) <= 200
    assert reason.startswith("resurfacing resurfacing")
    assert "\n" not in reason
    assert "\t" not in reason
    assert not reason.endswith(" ")


NOT_EVERY_COURT: list[tuple[str, dict[str, Any]]] = [
    # a court named that is not one is never "every court": the orchestrator names it and closes nothing
    ("close court Z tomorrow for fun", {"action": "close", "court": None, "unknown_court": "Court Z"}),
    ("close centre court tomorrow", {"action": "close", "court": None, "unknown_court": "centre court"}),
    ("close the court tomorrow", {"action": "close", "court": None, "unknown_court": "the court"}),
    (
        "close court B 30-31 February",
        {"action": "close", "court": "Court B", "period": None, "date": None, "impossible": "30-31 February"},
    ),
]


@pytest.mark.parametrize(("message", "expected"), NOT_EVERY_COURT, ids=[c[0] for c in NOT_EVERY_COURT])
def test_what_is_not_a_court_or_a_day_is_named(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


def test_a_court_configured_by_name_is_that_court() -> None:
    parser = OfflineParser(make_facility(courts=("Centre Court", "Court 1")))
    intent = parser.parse("close centre court tomorrow for the final", instant(FRIDAY))
    assert (intent.action, intent.court, intent.unknown_court, intent.reason) == (
        "close",
        "Centre Court",
        None,
        "the final",
    )


NOT_A_CLOSURE: list[tuple[str, dict[str, Any]]] = [
    ("book a court close to 5pm tomorrow", {"action": "book", "date": "2026-11-28", "time": "17:00"}),
    ("close to 5pm please", {"action": "book", "time": "17:00"}),
    ("is court B closed tomorrow?", {"action": "check", "date": "2026-11-28", "court": "Court B"}),
    ("what time does the club close on Sunday?", {"action": "check"}),
    ("when do you close?", {"action": None}),
    ("don't close court B", {"action": None}),
    ("cancel court B tomorrow", {"action": "cancel", "court": "Court B"}),
    ("close my booking tomorrow", {"action": "list"}),
    ("book court B tomorrow at 3pm for coaching", {"action": "book", "reason": None}),
]


@pytest.mark.parametrize(("message", "expected"), NOT_A_CLOSURE, ids=[c[0] for c in NOT_A_CLOSURE])
def test_close_is_not_read_from_other_wording(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


# --- in a conversation ---------------------------------------------------------------

ASKED_WHY = ConversationContext(action="close", date=day(1), court="Court B")  # "Why is Court B to be closed ...?"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # the reason alone: only the reason, the rest is as asked before
        ("for coaching", {"action": "close", "reason": "coaching", "date": None, "court": None, "window": None}),
        ("because of a leak", {"action": "close", "reason": "a leak", "date": None, "court": None}),
        # a reason with more: a closure of what it says, on the day and court in focus where it does not say
        (
            "for coaching at 3pm",
            {
                "action": "close",
                "reason": "coaching",
                "date": "2026-11-28",
                "court": "Court B",
                "window": window("15:00", "16:00"),
            },
        ),
        ("court C for coaching", {"action": "close", "reason": "coaching", "date": "2026-11-28", "court": "Court C"}),
        ("Sunday for coaching", {"action": "close", "reason": "coaching", "date": "2026-11-29", "court": "Court B"}),
        # no reason: nothing closes unless asked in so many words
        ("for the whole day", {"action": None, "reason": None}),
        ("no thanks", {"action": None, "reply": "no"}),
        ("book court C tomorrow at 3pm for coaching", {"action": "book", "reason": None, "court": "Court C"}),
        ("and saturday?", {"reason": None}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_asked_why_the_reason_is_read(message: str, expected: dict[str, Any]) -> None:
    intent = parse(message, context=ASKED_WHY)
    assert fields(intent, tuple(expected)) == expected
    assert intent.action != "close" or intent.reason is not None


def test_after_a_closure_a_follow_up_never_closes() -> None:
    for message in ("and saturday?", "tomorrow at 3pm", "court C", "what about Sunday?"):
        assert parse(message, context=ASKED_WHY).action != "close", message


CONTEXTS = {
    "offers pending": ConversationContext(
        action="book",
        date=day(1),
        pending="offer",
        offers=[slot("Court A", "14:00", day(1)), slot("Court C", "16:00", day(1))],
    ),
    "asked what time": ConversationContext(action="book", date=day(3), court="Court A", pending="time"),
    "a booking in focus": ConversationContext(
        action="book", date=day(1), time="15:00", court="Court A", booking=booking("Court A", "15:00", day(1))
    ),
}


@pytest.mark.parametrize("name", CONTEXTS)
def test_a_closure_in_a_conversation_is_read_as_said(name: str) -> None:
    """No offer is taken ("court C" is the court closed), no booking moved, no day or court inherited."""
    intent = parse("close court C tomorrow for coaching", context=CONTEXTS[name])
    assert fields(intent, ("action", "court", "date", "offer", "booking", "reason", "duration_minutes")) == {
        "action": "close",
        "court": "Court C",
        "date": "2026-11-28",
        "offer": None,
        "booking": None,
        "reason": "coaching",
        "duration_minutes": None,
    }
    without_a_day = parse("shut all courts for maintenance", context=CONTEXTS[name])
    assert (without_a_day.action, without_a_day.date, without_a_day.court) == ("close", None, None)
