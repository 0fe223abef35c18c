"""BookingService.book_first, a chat's booking in one call, against moto over HTTP.

What the person would notice: which slot they got (the first free of those named, in order),
that asking again for what they hold books nothing, that their limit is said before anything
is written, and that when every slot went to someone faster they hear what is free instead,
never one of the slots just lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from courtbooking.booking_service import BookingService
from courtbooking.contracts import AvailabilityQuery, BookFirstRequest
from courtbooking.models import TimeWindow
from tests.conftest import booked_slots

SAT = dt.date(2026, 11, 28)  # the day after the clock's Friday


def slot(court: str, time: str = "15:00", date: dt.date = SAT) -> str:
    return f"{date.isoformat()}T{time}|{court}"


def attempt(user: str, slot_ids: list[str], **ask: Any) -> BookFirstRequest:
    instead = ask.pop("instead", None)
    wanted = AvailabilityQuery(date=ask.pop("date", SAT), **({"time": "15:00"} | ask))
    return BookFirstRequest(operation="book_first", user_id=user, slot_ids=slot_ids, ask=wanted, instead=instead)


def holders(dynamodb: Any, table_name: str) -> dict[str, str]:
    """{slot id: holder} of every booked slot in the table."""
    return {
        f"{i['date']['S']}T{i['time']['S']}|{i['court']['S']}": i["user_id"]["S"]
        for i in booked_slots(dynamodb, table_name)
    }


def test_the_first_free_slot_is_booked_and_no_other(service: BookingService, dynamodb: Any, table_name: str) -> None:
    got = service.book_first(attempt("alice", [slot("Court A"), slot("Court B")]))
    assert (got.outcome, got.booking and got.booking.court) == ("booked", "Court A")
    assert holders(dynamodb, table_name) == {slot("Court A"): "alice"}


def test_a_slot_someone_took_first_is_passed_over_for_the_next(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    service.book(slot("Court A"), "bob")
    got = service.book_first(attempt("alice", [slot("Court A"), slot("Court B"), slot("Court C")]))
    assert (got.outcome, got.booking and got.booking.court) == ("booked", "Court B")
    assert holders(dynamodb, table_name) == {slot("Court A"): "bob", slot("Court B"): "alice"}


def test_when_every_slot_is_taken_what_is_free_instead_comes_back_without_them(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    for court, who in (("Court A", "bob"), ("Court B", "carol"), ("Court C", "dan")):
        service.book(slot(court), who)
    before = holders(dynamodb, table_name)
    instead = AvailabilityQuery(date=SAT, window=TimeWindow(start="14:00", end="17:00"))
    got = service.book_first(attempt("alice", [slot("Court A"), slot("Court B")], instead=instead))
    assert got.outcome == "taken"
    assert got.booking is None
    assert got.availability is not None
    offered = {s.slot_id for s in got.availability.slots}
    assert offered
    assert not offered & {slot("Court A"), slot("Court B"), slot("Court C")}
    assert {s.time for s in got.availability.slots} <= {"14:00", "16:00"}
    assert holders(dynamodb, table_name) == before  # nothing written for alice


def test_asking_again_for_what_you_hold_answers_that_booking_and_writes_nothing(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    mine = service.book(slot("Court B"), "alice")
    got = service.book_first(attempt("alice", [slot("Court A")]))
    assert (got.outcome, got.booking and got.booking.booking_id) == ("held", mine.booking_id)
    assert "already have" in got.message
    assert holders(dynamodb, table_name) == {slot("Court B"): "alice"}


def test_a_booking_inside_the_asked_window_is_what_was_asked(service: BookingService) -> None:
    mine = service.book(slot("Court C", "16:00"), "alice")
    window = TimeWindow(start="14:00", end="18:00")
    got = service.book_first(attempt("alice", [slot("Court A", "14:00")], time=None, window=window))
    assert (got.outcome, got.booking and got.booking.booking_id) == ("held", mine.booking_id)


def test_a_booking_on_another_court_than_the_one_named_is_not_what_was_asked(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    service.book(slot("Court B", "10:00"), "alice")
    got = service.book_first(attempt("alice", [slot("Court A", "12:00")], time="12:00", court="Court A"))
    assert got.outcome == "booked"
    assert len([h for h in holders(dynamodb, table_name).values() if h == "alice"]) == 2


def test_at_the_limit_it_is_said_before_anything_is_written(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    for hour in ("09:00", "10:00", "11:00"):  # three upcoming: the most allowed by default
        service.book(slot("Court A", hour), "alice")
    got = service.book_first(attempt("alice", [slot("Court B")]))
    assert got.outcome == "limit"
    assert [b.time for b in got.bookings] == ["09:00", "10:00", "11:00"]
    assert "3 upcoming bookings" in got.message
    assert slot("Court B") not in holders(dynamodb, table_name)


def test_no_slot_to_try_and_nothing_to_offer_is_taken_without_a_lookup(service: BookingService) -> None:
    got = service.book_first(attempt("alice", []))
    assert (got.outcome, got.availability, got.booking) == ("taken", None, None)


def test_at_most_three_slots_are_tried_in_one_call() -> None:
    with pytest.raises(ValidationError, match="slot_ids"):
        attempt("alice", [slot(c) for c in ("Court A", "Court B", "Court C", "Court D")])
