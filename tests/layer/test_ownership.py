"""Bookings belong to people: listing, cancelling, the per-user limit, and nobody else's bookings."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from courtbooking.booking_service import BookingService
from courtbooking.contracts import AvailabilityQuery
from courtbooking.errors import LimitReached, NotFound, ServiceUnavailable, SlotTaken, TooLate
from tests.conftest import Clock, booked_slots

SAT = dt.date(2026, 11, 28)


def test_my_bookings_lists_only_mine_soonest_first(service: BookingService) -> None:
    later = service.book("2026-11-29T10:00|Court A", "alice")
    sooner = service.book("2026-11-28T18:00|Court B", "alice", duration_minutes=120)
    service.book("2026-11-28T09:00|Court C", "bob")
    mine = service.upcoming("alice")
    assert [b.booking_id for b in mine.bookings] == [sooner.booking_id, later.booking_id]
    assert mine.bookings[0].duration_minutes == 120
    assert "Court B on Saturday 28 November at 18:00" in mine.message  # the day in the words of every answer
    assert service.upcoming("carol").bookings == []


def test_past_bookings_are_not_upcoming(service: BookingService, clock: Clock) -> None:
    service.book("2026-11-28T09:00|Court A", "alice")
    clock.now = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
    assert service.upcoming("alice").bookings == []


def test_cancel_frees_the_slot_at_once_and_it_can_be_booked_again(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = service.book("2026-11-28T15:00|Court A", "alice", duration_minutes=120)
    cancelled = service.cancel("alice", booking.booking_id)
    assert cancelled.status == "cancelled"
    assert booked_slots(dynamodb, table_name) == []
    assert service.upcoming("alice").bookings == []
    free = service.availability(AvailabilityQuery(date=SAT, time="16:00", court="Court A"))
    assert [s.slot_id for s in free.slots] == ["2026-11-28T16:00|Court A"]
    again = service.book("2026-11-28T15:00|Court A", "bob")
    assert again.user_id == "bob"


def test_cancelling_twice_answers_the_cancelled_booking(service: BookingService) -> None:
    booking = service.book("2026-11-28T15:00|Court A", "alice")
    service.cancel("alice", booking.booking_id)
    again = service.cancel("alice", booking.booking_id)  # the record is kept: more in test_cancelled_record.py
    assert (again.booking_id, again.status) == (booking.booking_id, "cancelled")
    assert "already cancelled" in again.message


def test_a_booking_that_has_started_cannot_be_cancelled(
    service: BookingService, clock: Clock, dynamodb: Any, table_name: str
) -> None:
    booking = service.book("2026-11-28T09:00|Court A", "alice")
    clock.now = dt.datetime(2026, 11, 28, 9, 5, tzinfo=dt.UTC)
    with pytest.raises(TooLate, match="has started"):
        service.cancel("alice", booking.booking_id)
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_someone_elses_booking_is_not_found_exactly_like_a_missing_one(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    bobs = service.book("2026-11-28T15:00|Court A", "bob")
    missing = "00000000-0000-4000-8000-000000000000"
    for operation in (service.get, service.cancel):
        with pytest.raises(NotFound) as stranger:
            operation("alice", bobs.booking_id)
        with pytest.raises(NotFound) as nothing:
            operation("alice", missing)
        assert stranger.value.message.replace(bobs.booking_id, "ID") == nothing.value.message.replace(missing, "ID")
    assert service.get("bob", bobs.booking_id).court == "Court A"
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_at_most_three_upcoming_bookings_per_user(service: BookingService, dynamodb: Any, table_name: str) -> None:
    for hour in (9, 10, 11):
        service.book(f"2026-11-28T{hour:02d}:00|Court A", "alice")
    with pytest.raises(LimitReached, match="3 upcoming bookings"):
        service.book("2026-11-28T12:00|Court A", "alice")
    assert len(booked_slots(dynamodb, table_name)) == 3
    first = service.upcoming("alice").bookings[0]
    service.cancel("alice", first.booking_id)
    service.book("2026-11-28T12:00|Court A", "alice")  # room again after a cancellation


def test_bookings_in_the_past_stop_counting_towards_the_limit(service: BookingService, clock: Clock) -> None:
    for hour in (14, 15, 16):
        service.book(f"2026-11-27T{hour}:00|Court A", "alice")  # later today
    clock.now = dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC)
    service.book("2026-11-28T09:00|Court A", "alice")


def test_the_limit_holds_under_twenty_concurrent_requests_from_one_user(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    def attempt(n: int) -> str:
        day, hour = 28 + n // 13, 8 + n % 13  # twenty different times: one person holds one court at a time
        try:
            service.book(f"2026-11-{day}T{hour:02d}:00|Court A", "alice")
            return "booked"
        except LimitReached:
            return "limit"
        except (SlotTaken, ServiceUnavailable) as exc:
            return type(exc).__name__

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert outcomes.count("booked") == 3, outcomes
    assert outcomes.count("limit") + outcomes.count("ServiceUnavailable") == 17
    assert len(booked_slots(dynamodb, table_name)) == 3
    assert len(service.upcoming("alice").bookings) == 3
