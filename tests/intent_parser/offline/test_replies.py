"""Replies: a bare yes or no, read with or without a context; a message with its own values is none."""

from __future__ import annotations

import pytest

from courtbooking.models import ConversationContext
from tests.intent_parser.offline.reading import assert_reads, booking, day, parse, slot

WEDNESDAY = day(5)
OFFERED = ConversationContext(
    action="book", date=WEDNESDAY, time="15:00", pending="offer", offers=[slot("Court A", "16:00", WEDNESDAY)]
)
BOOKED = ConversationContext(
    action="book", date=WEDNESDAY, time="15:00", booking=booking("Court A", "15:00", WEDNESDAY)
)

YES = [
    "yes",
    "Yes!",
    "yep",
    "sure",
    "ok",
    "okay",
    "OK, thanks",
    "go ahead",
    "book it",
    "please do",
    "sounds good",
    "perfect",
    "do it",
    "yes please",
    "that one",
    "yeah go for it",
]
NO = ["no", "No thanks", "nope", "never mind", "forget it", "don't", "leave it", "no thank you"]
NEITHER = [
    "ok 4pm then",  # a time
    "yes tomorrow",  # a date
    "no, court B",  # a court
    "sure, for 2 hours",  # a length
    "yes 30 February",  # a date, even one that does not exist
    "ok court D",  # a court, even one that does not exist
    "thanks",  # no answer at all
    "hello",
    "yes no",
]


@pytest.mark.parametrize("message", YES)
def test_yes(message: str) -> None:
    assert_reads(message, {"reply": "yes", "date": None, "time": None, "offer": None})


@pytest.mark.parametrize("message", NO)
def test_no(message: str) -> None:
    assert_reads(message, {"reply": "no", "action": None, "date": None, "time": None})


@pytest.mark.parametrize("message", NEITHER)
def test_not_a_reply(message: str) -> None:
    assert parse(message).reply is None
    assert parse(message, context=OFFERED).reply is None


@pytest.mark.parametrize("message", ["yes", "no thanks", "perfect"])
def test_a_reply_in_context_stays_a_reference(message: str) -> None:
    """The caller answers it against what it asked: nothing is inherited, so "perfect" after a
    booking is not a second booking of the same slot."""
    for context in (OFFERED, BOOKED):
        intent = parse(message, context=context)
        assert (intent.action, intent.date, intent.time, intent.offer) == (None, None, None, None)
        assert intent.reply == parse(message).reply


def test_book_it_is_a_yes_that_books_the_day_in_focus() -> None:
    intent = parse("book it", context=OFFERED)
    assert (intent.reply, intent.action, intent.date, intent.offer) == ("yes", "book", WEDNESDAY, None)


@pytest.mark.parametrize("message", ["cancel that", "cancel it", "actually, cancel that", "Cancel it please"])
def test_cancelling_what_is_only_offered_declines_the_offer(message: str) -> None:
    """Offers pending and nothing booked: there is nothing to cancel but the offer, so it is a no."""
    assert_reads(message, {"reply": "no", "action": None, "date": None, "offer": None, "booking": None}, OFFERED)


@pytest.mark.parametrize(
    ("message", "context"),
    [
        ("cancel that", BOOKED),  # a booking in focus: cancel it
        ("cancel it", OFFERED.model_copy(update={"booking": BOOKED.booking})),  # offers to move a booking
        ("cancel my booking", OFFERED),  # names a booking of one's own
        ("cancel the second one", OFFERED),
        ("cancel that", None),  # without a conversation
    ],
)
def test_a_cancel_that_names_a_booking_stays_a_cancel(message: str, context: ConversationContext | None) -> None:
    assert_reads(message, {"action": "cancel", "reply": None}, context)


ASKED_DAY = ConversationContext(action="book", time="18:00", pending="day")


@pytest.mark.parametrize("message", ["ok", "yes", "OK!", "yes please"])
def test_a_yes_to_which_day_is_a_reply_not_a_booking(message: str) -> None:
    """After "Which day did you mean?": a yes gives no day, so the caller asks again; nothing is booked."""
    for context in (ASKED_DAY, None):
        assert_reads(message, {"reply": "yes", "action": None, "date": None, "time": None, "offer": None}, context)
