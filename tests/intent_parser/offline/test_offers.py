"""Offers: which offered slot a message takes, by its place, its start, or its time and court.

The offers are on Wednesday 2 December, named in this order (offers[0] is the one proposed):
Court A 14:00, Court B 16:00, Court C 13:00, Court A 17:00.
"""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext
from tests.intent_parser.offline.reading import assert_reads, booking, day, parse, slot

WEDNESDAY = day(5)
OFFERS = [
    slot("Court A", "14:00", WEDNESDAY),
    slot("Court B", "16:00", WEDNESDAY),
    slot("Court C", "13:00", WEDNESDAY),
    slot("Court A", "17:00", WEDNESDAY),
]
OFFERED = ConversationContext(
    action="book", date=WEDNESDAY, time="15:00", duration_minutes=90, pending="offer", offers=OFFERS
)
MOVE_OFFERED = ConversationContext(
    action="move",
    date=WEDNESDAY,
    pending="offer",
    offers=OFFERS,
    offer_action="move",
    booking=booking("Court A", "10:00", WEDNESDAY),
)

TAKEN: list[tuple[str, int]] = [
    # by place
    ("the second one", 1),
    ("the first", 0),
    ("2nd", 1),
    ("the last one", 3),
    ("option 3", 2),
    ("I'll take the third one please", 2),
    ("number 4", 3),
    # by start: the latest and the earliest among the offers, whatever their order
    ("the later one", 3),
    ("the earlier one", 2),
    # by time and/or court, on the day in focus: the first that fits
    ("the 13:00", 2),
    ("13:00 please", 2),
    ("ok 4pm then", 1),
    ("court C", 2),
    ("court A", 0),
    ("court A at 5pm", 3),
    ("the 5pm on court A", 3),
    ("Wednesday at 4pm", 1),  # the day in focus, said again
    ("yes the second one", 1),
    ("no, the second one", 1),
]


@pytest.mark.parametrize(("message", "index"), TAKEN, ids=[c[0] for c in TAKEN])
def test_an_offer_is_taken(message: str, index: int) -> None:
    taken = OFFERS[index]
    expected = {"offer": index, "action": "book", "date": taken.date.isoformat(), "time": taken.time}
    assert_reads(message, {**expected, "court": taken.court, "duration_minutes": 90}, OFFERED)


NOT_TAKEN: list[tuple[str, dict[str, Any]]] = [
    ("ok 6pm then", {"offer": None, "time": "18:00", "date": WEDNESDAY.isoformat()}),  # no offer at 18:00
    ("court B at 5pm", {"offer": None, "court": "Court B", "time": "17:00"}),  # 17:00 is offered on Court A only
    ("Thursday at 4pm", {"offer": None, "date": day(6).isoformat(), "time": "16:00"}),  # another day
    ("the 5th", {"offer": None, "date": "2026-12-05"}),  # beyond the offers: a date
    ("December the 3rd", {"offer": None, "date": "2026-12-03"}),
    ("the 3rd at 4pm", {"offer": None, "date": "2026-12-03", "time": "16:00"}),  # a date, then another day
    ("cancel the second one", {"offer": None, "action": "cancel"}),
    ("show my bookings", {"offer": None, "action": "list"}),
    ("yes", {"offer": None, "reply": "yes"}),  # the proposed one is the caller's to take
]


@pytest.mark.parametrize(("message", "expected"), NOT_TAKEN, ids=[c[0] for c in NOT_TAKEN])
def test_no_offer_is_taken(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected, OFFERED)


def test_taking_an_offer_to_move_is_a_move() -> None:
    intent = parse("the second one", context=MOVE_OFFERED)
    assert (intent.action, intent.offer, intent.time, intent.court) == ("move", 1, "16:00", "Court B")
    assert (intent.booking, intent.duration_minutes) == (None, None)


@pytest.mark.parametrize("context", [None, ConversationContext(action="book", date=WEDNESDAY, pending="offer")])
def test_without_offers_nothing_is_taken(context: ConversationContext | None) -> None:
    assert parse("the second one", context=context).offer is None
    assert parse("13:00 please", context=context).offer is None


# --- a booking listed, by its place ("cancel the second one" after "what have I booked?") ---------

LISTED = [booking("Court A", "08:00", day(n)) for n in (3, 4, 5)]
AFTER_LIST = ConversationContext(action="book", date=day(5), time="08:00", booking=LISTED[2], bookings=LISTED)
AFTER_ONE_BOOKING = ConversationContext(action="book", date=day(1), time="11:00", booking=LISTED[0])

PLACES: list[tuple[str, ConversationContext, dict[str, Any]]] = [
    ("cancel the second one", AFTER_LIST, {"action": "cancel", "date": None, "booking": {"place": 1}}),
    ("cancel the first one", AFTER_LIST, {"action": "cancel", "booking": {"place": 0}}),
    ("cancel the last one", AFTER_LIST, {"action": "cancel", "booking": {"place": 2}}),
    ("cancel the 2nd", AFTER_LIST, {"action": "cancel", "date": None, "booking": {"place": 1}}),
    ("the third one", AFTER_LIST, {"action": None, "date": None, "booking": {"place": 2}}),
    # beyond the list, said as a place: a place, for the workflow to say there is none
    ("cancel the fourth one", AFTER_LIST, {"action": "cancel", "booking": {"place": 3}}),
    # no list shown: still a place, never the booking in focus by its day
    ("cancel the second one", AFTER_ONE_BOOKING, {"action": "cancel", "date": None, "booking": {"place": 1}}),
    ("move the second one to 5pm", AFTER_LIST, {"action": "move", "time": "17:00", "booking": {"place": 1}}),
    # the answer to "Which booking?" for a cancel
    ("the second one", AFTER_LIST.model_copy(update={"action": "cancel", "pending": "booking"}), {"action": "cancel"}),
]


@pytest.mark.parametrize(
    ("message", "context", "expected"), PLACES, ids=[f"{c[0]} ({i})" for i, c in enumerate(PLACES)]
)
def test_a_listed_booking_is_named_by_its_place(message: str, context: ConversationContext, expected: Any) -> None:
    intent = parse(message, context=context)
    got = intent.model_dump(mode="json", exclude_none=True)
    assert {k: got.get(k) for k in expected} == expected


def test_without_a_list_a_bare_ordinal_beyond_it_stays_a_date() -> None:
    intent = parse("cancel the 3rd", context=AFTER_ONE_BOOKING)
    assert (intent.date, intent.booking) == (day(6), None)  # Thursday 3 December


def test_move_the_first_one_with_offers_pending_is_a_booking_not_an_offer() -> None:
    intent = parse("move the first one to 5pm", context=OFFERED.model_copy(update={"bookings": LISTED}))
    assert (intent.action, intent.offer, intent.booking.place if intent.booking else None) == ("move", None, 0)
