"""The holder's cut-off: a booking can be cancelled or moved up to CANCEL_CUTOFF_MINUTES (120 by default)
before it starts; inside it the refusal names the rule, the booking and when the cut-off passed, and
nothing is written. Admins and closures are not bound by it (test_admin_cancel.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from courtbooking.booking_service import BookingService
from courtbooking.config import Facility
from courtbooking.errors import TooLate
from courtbooking.models import ErrorCode
from tests.conftest import Clock, booked_slots, table_items

SAT = "2026-11-28"  # the day after the clock's Friday; the club's zone is UTC
CANCEL_WORDS = (
    "Bookings can be cancelled up to 2 hours before they start: your booking of Court A on Saturday "
    "28 November at 15:00 could be cancelled until 13:00."
)


def at(clock: Clock, hour: int, minute: int, day: int = 28) -> None:
    clock.now = dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def with_cutoff(service: BookingService, minutes: int, **other: Any) -> BookingService:
    facility = dataclasses.replace(service.facility, cancel_cutoff_minutes=minutes, **other)
    return BookingService(service._db, service._table, facility, clock=service._clock)


def test_the_default_cut_off_is_two_hours() -> None:
    assert Facility.from_env().cancel_cutoff_minutes == 120


def test_a_cancel_one_minute_inside_the_cut_off_is_refused_naming_the_booking_and_writes_nothing(
    service: BookingService, clock: Clock, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    before = table_items(dynamodb, table_name)
    at(clock, 13, 1)
    with pytest.raises(TooLate) as refused:
        service.cancel("alice", booking.booking_id)
    assert (refused.value.code, refused.value.message) == (ErrorCode.TOO_LATE, CANCEL_WORDS)
    assert table_items(dynamodb, table_name) == before
    assert service.get("alice", booking.booking_id).status == "confirmed"


def test_a_cancel_one_minute_outside_the_cut_off_is_made(
    service: BookingService, clock: Clock, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    at(clock, 12, 59)
    assert service.cancel("alice", booking.booking_id).status == "cancelled"
    assert booked_slots(dynamodb, table_name) == []


def test_the_cut_off_itself_is_still_in_time(service: BookingService, clock: Clock) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    at(clock, 13, 0)  # "could be cancelled until 13:00": 13:00 itself is allowed
    assert service.cancel("alice", booking.booking_id).status == "cancelled"


def test_a_move_one_minute_inside_the_cut_off_is_refused_and_leaves_the_booking(
    service: BookingService, clock: Clock, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    before = table_items(dynamodb, table_name)
    at(clock, 13, 1)
    with pytest.raises(TooLate) as refused:
        service.move("alice", booking.booking_id, f"{SAT}T18:00|Court B")
    assert refused.value.message == (
        "Bookings can be moved up to 2 hours before they start: your booking of Court A on Saturday "
        "28 November at 15:00 could be changed until 13:00."
    )
    assert table_items(dynamodb, table_name) == before


def test_a_move_one_minute_outside_the_cut_off_is_made_and_the_cut_off_follows_the_new_start(
    service: BookingService, clock: Clock
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    at(clock, 12, 59)
    moved = service.move("alice", booking.booking_id, f"{SAT}T18:00|Court B")
    assert (moved.court, moved.time) == ("Court B", "18:00")
    at(clock, 15, 59)  # past the old booking's cut-off, not the new one's (16:00)
    assert service.move("alice", booking.booking_id, f"{SAT}T19:00|Court B").time == "19:00"
    at(clock, 17, 1)
    with pytest.raises(TooLate, match="at 19:00 could be changed until 17:00"):
        service.move("alice", booking.booking_id, f"{SAT}T20:00|Court B")


def test_a_cut_off_that_is_not_whole_hours_is_said_in_minutes(service: BookingService, clock: Clock) -> None:
    short = with_cutoff(service, 90)
    booking = short.book(f"{SAT}T15:00|Court A", "alice")
    at(clock, 13, 31)
    with pytest.raises(TooLate) as refused:
        short.cancel("alice", booking.booking_id)
    assert refused.value.message.startswith("Bookings can be cancelled up to 90 minutes before they start:")
    assert refused.value.message.endswith("could be cancelled until 13:30.")
    at(clock, 13, 29)
    assert short.cancel("alice", booking.booking_id).status == "cancelled"


def test_a_cut_off_passing_the_day_before_names_that_day(service: BookingService, clock: Clock) -> None:
    long = with_cutoff(service, 12 * 60)
    booking = long.book(f"{SAT}T09:00|Court A", "alice")
    at(clock, 21, 1, day=27)
    with pytest.raises(TooLate) as refused:
        long.cancel("alice", booking.booking_id)
    assert refused.value.message == (
        "Bookings can be cancelled up to 12 hours before they start: your booking of Court A on Saturday "
        "28 November at 09:00 could be cancelled until Friday 27 November at 21:00."
    )


def test_no_cut_off_means_up_to_the_start(service: BookingService, clock: Clock) -> None:
    none = with_cutoff(service, 0)
    first = none.book(f"{SAT}T15:00|Court A", "alice")
    second = none.book(f"{SAT}T17:00|Court A", "alice")
    at(clock, 14, 59)
    assert none.cancel("alice", first.booking_id).status == "cancelled"
    at(clock, 16, 59)
    assert none.move("alice", second.booking_id, f"{SAT}T18:00|Court A").time == "18:00"
    at(clock, 18, 0)
    with pytest.raises(TooLate, match="has started"):
        none.cancel("alice", second.booking_id)


def test_the_cut_off_is_said_in_the_clubs_own_time(service: BookingService, clock: Clock) -> None:
    from zoneinfo import ZoneInfo

    paris = with_cutoff(service, 120, timezone=ZoneInfo("Europe/Paris"))  # UTC+1 in November
    booking = paris.book(f"{SAT}T15:00|Court A", "alice")  # 14:00 UTC
    at(clock, 12, 1)  # 13:01 in Paris
    with pytest.raises(TooLate, match="at 15:00 could be cancelled until 13:00"):
        paris.cancel("alice", booking.booking_id)
    at(clock, 11, 59)
    assert paris.cancel("alice", booking.booking_id).status == "cancelled"
