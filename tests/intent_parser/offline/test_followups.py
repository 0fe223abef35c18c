"""Follow-ups: a message read in its conversation inherits from the context what it does not say.

Each case is (message, context, expected fields); dates are days after TODAY (Friday 27 November).
"""

from __future__ import annotations

import datetime as dt
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


# --- "5 instead": a bare hour that carries the conversation on is a time ---------------------------

BOOKING_WEDNESDAY = ConversationContext(action="book", date=WEDNESDAY, time="15:00")  # nothing booked yet
INSTEAD: list[tuple[str, ConversationContext, dict[str, Any]]] = [
    ("can we do 5 instead", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "17:00", "court": "Court B"}),
    ("5 instead", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "17:00"}),
    ("how about 5 instead", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "17:00"}),
    ("make it 5", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "17:00"}),  # the same as these
    ("can we do 5 instead", BOOKING_WEDNESDAY, {"action": "book", "date": iso(WEDNESDAY), "time": "17:00"}),
    ("5 instead of 3", BOOKING_WEDNESDAY, {"action": "book", "time": "17:00"}),
    ("6 then", BOOKING_WEDNESDAY, {"action": "book", "date": iso(WEDNESDAY), "time": "18:00"}),
    ("and 7?", CHECKED, {"action": "check", "date": iso(THURSDAY), "time": "19:00"}),
    # with a booking in focus, "instead" corrects it: a move to 17:00, only the time said
    ("can we do 5 instead", BOOKED, {"action": "move", "date": None, "time": "17:00", "court": None, "booking": None}),
    ("how about 5 instead", BOOKED, {"action": "move", "date": None, "time": "17:00"}),
]


@pytest.mark.parametrize(
    ("message", "context", "expected"), INSTEAD, ids=[f"{c[0]} ({i})" for i, c in enumerate(INSTEAD)]
)
def test_a_bare_hour_instead(message: str, context: ConversationContext, expected: dict[str, Any]) -> None:
    assert_reads(message, expected, context)


@pytest.mark.parametrize("message", ["5 instead", "can we do 5 instead", "how about 5 instead"])
def test_a_bare_hour_instead_without_a_context_is_just_a_time(message: str) -> None:
    assert_reads(message, {"date": None, "time": "17:00", "window": None, "booking": None, "reply": None})
    assert parse("and 7?").time == "19:00"


def test_a_bare_number_that_is_no_hour_stays_no_time() -> None:
    assert parse("and 2 courts?", context=CHECKED).time is None  # "2 courts" is a count, not 2 o'clock
    assert parse("can we do 2 hours", context=CHECKED).duration_minutes == 120


# --- after a booking, a follow-up question is a question ---------------------------------------

AFTER_BOOKING: list[tuple[str, dict[str, Any]]] = [
    ("what about 7?", {"action": "check", "date": iso(WEDNESDAY), "time": "19:00", "court": "Court A"}),
    ("what about saturday?", {"action": "check", "date": iso(day(1)), "time": "15:00", "court": "Court A"}),
    ("and 7?", {"action": "check", "date": iso(WEDNESDAY), "time": "19:00", "court": "Court A"}),
    ("hmm what about 9?", {"action": "check", "date": iso(WEDNESDAY), "time": "09:00", "court": "Court A"}),
    ("and court B?", {"action": "check", "date": iso(WEDNESDAY), "time": "15:00", "court": "Court B"}),
    # explicit corrections stay moves; words that book still book
    ("actually court B", {"action": "move", "date": None, "time": None, "court": "Court B"}),
    ("make it 5pm", {"action": "move", "date": None, "time": "17:00"}),
    ("move it to 5pm", {"action": "move", "date": None, "time": "17:00"}),
    ("book another one at 7", {"action": "book", "date": iso(WEDNESDAY), "time": "19:00", "court": None}),
]


@pytest.mark.parametrize(("message", "expected"), AFTER_BOOKING, ids=[c[0] for c in AFTER_BOOKING])
def test_after_a_booking(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, {**expected, "offer": None, "reply": None}, BOOKED)


def test_after_a_move_a_follow_up_is_a_question_too() -> None:
    moved = BOOKED.model_copy(update={"action": "move"})
    intent = parse("what about 7?", context=moved)
    assert (intent.action, intent.date, intent.time, intent.booking) == ("check", WEDNESDAY, "19:00", None)


def test_a_follow_up_to_a_question_asked_after_a_booking_keeps_its_action() -> None:
    """The rule is for a booking with nothing pending: an answer to "What time?" or "Which day?" is not a question."""
    asked_time = BOOKED.model_copy(update={"pending": "time"})
    assert parse("7pm", context=asked_time).action == "book"
    which_day = BOOKED.model_copy(update={"action": "move", "pending": "day"})
    assert parse("what about saturday?", context=which_day).action == "move"


@pytest.mark.parametrize("message", ["and 7?", "7 then", "and saturday"])
def test_without_a_booking_a_follow_up_keeps_the_conversations_action(message: str) -> None:
    not_booked = BOOKED.model_copy(update={"booking": None})
    assert parse(message, context=not_booked).action == "book"
    assert parse(message).booking is None


@pytest.mark.parametrize("message", ["what about 7?", "what about saturday?", "how about 4pm", "what about 2pm?"])
@pytest.mark.parametrize("pending", [None, "offer"])
def test_a_question_is_a_check_whatever_the_conversation_was_doing(message: str, pending: str | None) -> None:
    """ "what about Friday?" after a cancel, a "no thanks" or with offers pending only asks: never a booking."""
    for action in ("book", "move"):
        context = OFFERED_AT_3.model_copy(update={"action": action, "pending": pending})
        intent = parse(message, context=context)
        assert (intent.action, intent.offer) == ("check", None), (message, action)


def test_a_question_that_answers_what_time_keeps_the_booking() -> None:
    assert parse("what about 5pm?", context=ASKED_TIME).action == "book"


# --- a weekday that continues a sequence ------------------------------------------------------

WED_NOW = "2026-11-25T10:00:00Z"  # Wednesday 25 November 2026, 10:00 in London
MON_30, TUE_1, WED_2 = day(3), day(4), day(5)


def in_sequence(date: Any, **changes: Any) -> ConversationContext:
    """A conversation that booked `date` at 10:00 (book mon 10am, and tue 10am ...)."""
    values: dict[str, Any] = {"action": "book", "date": date, "time": "10:00"}
    return ConversationContext(**(values | changes))


def test_a_sequence_of_weekdays_goes_on_after_the_day_in_focus() -> None:
    first = parse("book mon 10am", now=WED_NOW)
    assert (first.action, first.date, first.time) == ("book", MON_30, "10:00")
    second = parse("and tue 10am", now=WED_NOW, context=in_sequence(MON_30))
    assert (second.date, second.time) == (TUE_1, "10:00")
    third = parse("and wed 10am", now=WED_NOW, context=in_sequence(TUE_1))
    assert (third.action, third.date, third.time) == ("book", WED_2, "10:00")  # not today, Wednesday 25th
    booked = in_sequence(TUE_1, booking=booking("Court A", "10:00", TUE_1))
    after_booking = parse("and wed 10am", now=WED_NOW, context=booked)
    # "and <another day>" after a booking adds one, as said; "what about 7?" there is a question (below)
    assert (after_booking.action, after_booking.date) == ("book", WED_2)


@pytest.mark.parametrize(
    ("message", "context", "expected"),
    [
        ("and wed", in_sequence(TUE_1), WED_2),
        ("wed too", in_sequence(TUE_1), WED_2),
        ("and sat 10am", in_sequence(TUE_1), day(8)),  # the first Saturday on or after Tuesday 1st
        ("and tue", in_sequence(TUE_1), TUE_1),  # on or after: the day in focus itself
        ("and wed?", in_sequence(TUE_1, action="check"), WED_2),
        ("and thu", in_sequence(MON_30), day(6)),  # already after the day in focus: as read
        # an alternative, an explicit "this", an answer to "Which day?" and a list read it from today
        ("what about wed?", in_sequence(TUE_1), day(-2)),
        ("wed instead", in_sequence(TUE_1), day(-2)),
        ("and this wed", in_sequence(TUE_1), day(-2)),
        ("and next wed", in_sequence(TUE_1), WED_2),
        ("and wed", in_sequence(TUE_1, pending="day"), day(-2)),
        ("and on wed?", in_sequence(TUE_1, action="list"), day(-2)),
    ],
)
def test_a_bare_weekday_in_a_follow_up(message: str, context: ConversationContext, expected: Any) -> None:
    assert parse(message, now=WED_NOW, context=context).date == expected


def test_without_a_context_a_bare_weekday_is_the_next_one() -> None:
    assert parse("and wed 10am", now=WED_NOW).date == day(-2)  # today


def test_another_day_added_after_a_booking_is_one_more_booking_not_a_question() -> None:
    """ "book mon 10am" booked, then "and tue 10am": a second booking, as said (not a move of Monday's)."""
    monday = dt.date(2026, 11, 30)  # the Monday after FRIDAY (2026-11-27)
    context = ConversationContext(action="book", date=monday, time="10:00", booking=booking("Court A", "10:00", monday))
    added = parse("and tue 10am", context=context)
    assert (added.action, added.date, added.time) == ("book", dt.date(2026, 12, 1), "10:00")
    asked = parse("what about 7?", context=context)
    assert asked.action == "check"
