"""MAX_BOOKINGS_PER_WEEK: a person's bookings per ISO week (Monday to Sunday, of the booking's date in the
club's zone), counted in `USER#<user>`/`WEEK#<YYYY-Www>` inside the booking's own transaction, so the limit
holds however many requests race; a cancel gives the place back, a move into another week counts there."""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from courtbooking.booking_service import BookingService, booking_key
from courtbooking.errors import LimitReached, ServiceUnavailable
from courtbooking.models import ErrorCode
from courtbooking.weeks import week_key, week_of
from tests.conftest import Clock, table_items

# The clock's Friday is 27 November 2026 (week 48); week 49 runs Monday 30 November to Sunday 6 December.
W48, W49 = "2026-W48", "2026-W49"
FULL_WEEK = (
    "You can book at most 2 courts a week (Monday to Sunday): you already have 2 in the week of Monday 30 November."
)


@pytest.fixture
def limited(service: BookingService) -> BookingService:
    """At most 2 bookings a week (and up to 20 upcoming, so the weekly limit is the one that binds)."""
    facility = dataclasses.replace(service.facility, max_bookings_per_week=2, max_active_bookings=20)
    return BookingService(service._db, service._table, facility, clock=service._clock)


def count(dynamodb: Any, table_name: str, user: str, week: str) -> int | None:
    item = dynamodb.get_item(TableName=table_name, Key=week_key(user, week), ConsistentRead=True).get("Item")
    return None if item is None else int(item["count"]["N"])


def bookings_of(dynamodb: Any, table_name: str) -> list[dict[str, Any]]:
    return [i for i in table_items(dynamodb, table_name) if i["pk"]["S"].startswith("BOOKING#")]


def test_weeks_are_iso_weeks_of_the_local_date() -> None:
    assert week_of(dt.date(2026, 11, 29)) == W48  # a Sunday
    assert week_of(dt.date(2026, 11, 30)) == W49  # the Monday after
    assert week_of(dt.date(2027, 1, 1)) == "2026-W53"  # a Friday of the last ISO week of 2026
    assert week_of(dt.date(2027, 1, 4)) == "2027-W01"


def test_a_third_booking_in_a_week_is_refused_naming_the_limit_and_the_week_and_writes_nothing(
    limited: BookingService, dynamodb: Any, table_name: str
) -> None:
    limited.book("2026-11-30T10:00|Court A", "alice")
    limited.book("2026-12-06T20:00|Court B", "alice")  # Sunday evening: the same week
    before = table_items(dynamodb, table_name)
    with pytest.raises(LimitReached) as refused:
        limited.book("2026-12-02T10:00|Court A", "alice")
    assert (refused.value.code, refused.value.message) == (ErrorCode.LIMIT_REACHED, FULL_WEEK)
    assert table_items(dynamodb, table_name) == before
    assert count(dynamodb, table_name, "alice", W49) == 2
    # Another week, and another person, have their own counts.
    assert limited.book("2026-11-28T10:00|Court A", "alice").date == dt.date(2026, 11, 28)
    assert limited.book("2026-12-07T10:00|Court A", "alice").date == dt.date(2026, 12, 7)
    assert limited.book("2026-12-02T10:00|Court A", "bob").user_id == "bob"
    assert (count(dynamodb, table_name, "alice", W48), count(dynamodb, table_name, "bob", W49)) == (1, 1)


def test_the_counter_expires_with_its_week_and_the_retention(
    limited: BookingService, dynamodb: Any, table_name: str
) -> None:
    limited.book("2026-11-30T10:00|Court A", "alice")
    item = dynamodb.get_item(TableName=table_name, Key=week_key("alice", W49), ConsistentRead=True)["Item"]
    week_end = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)  # Monday after, midnight in the club's zone (UTC)
    assert int(item["expires_at"]["N"]) == int((week_end + dt.timedelta(days=400)).timestamp())
    record = dynamodb.get_item(
        TableName=table_name, Key=booking_key(bookings_of(dynamodb, table_name)[0]["booking_id"]["S"])
    )
    assert record["Item"]["week"] == {"S": W49}  # the counter it is counted in


def test_a_cancel_gives_the_place_back(limited: BookingService, dynamodb: Any, table_name: str) -> None:
    first = limited.book("2026-11-30T10:00|Court A", "alice")
    limited.book("2026-12-01T10:00|Court A", "alice")
    limited.cancel("alice", first.booking_id)
    assert count(dynamodb, table_name, "alice", W49) == 1
    assert limited.book("2026-12-02T10:00|Court A", "alice").time == "10:00"
    assert count(dynamodb, table_name, "alice", W49) == 2


def test_without_a_limit_bookings_are_still_counted(service: BookingService, dynamodb: Any, table_name: str) -> None:
    assert service.facility.max_bookings_per_week is None
    for day in (30, 1, 2):
        month = 11 if day == 30 else 12
        service.book(f"2026-{month}-{day:02d}T10:00|Court A", "alice")
    assert count(dynamodb, table_name, "alice", W49) == 3  # a limit set later counts what is held


def test_a_limit_set_later_counts_what_is_already_held(
    service: BookingService, limited: BookingService, dynamodb: Any, table_name: str
) -> None:
    service.book("2026-11-30T10:00|Court A", "alice")
    service.book("2026-12-01T10:00|Court A", "alice")
    with pytest.raises(LimitReached, match="you already have 2 in the week of Monday 30 November"):
        limited.book("2026-12-02T10:00|Court A", "alice")


def test_a_move_into_another_week_counts_there_and_frees_its_place_in_the_first(
    limited: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = limited.book("2026-11-30T10:00|Court A", "alice")
    limited.move("alice", booking.booking_id, "2026-11-28T10:00|Court A")
    assert (count(dynamodb, table_name, "alice", W49), count(dynamodb, table_name, "alice", W48)) == (0, 1)
    limited.move("alice", booking.booking_id, "2026-11-29T12:00|Court B")  # the same week: counted once
    assert count(dynamodb, table_name, "alice", W48) == 1


def test_a_move_into_a_full_week_is_refused_and_changes_nothing(
    limited: BookingService, dynamodb: Any, table_name: str
) -> None:
    limited.book("2026-11-30T10:00|Court A", "alice")
    limited.book("2026-12-01T10:00|Court A", "alice")
    saturday = limited.book("2026-11-28T10:00|Court A", "alice")
    before = table_items(dynamodb, table_name)
    with pytest.raises(LimitReached) as refused:
        limited.move("alice", saturday.booking_id, "2026-12-02T10:00|Court A")
    assert refused.value.message == FULL_WEEK
    assert table_items(dynamodb, table_name) == before
    # Inside a full week a booking can still move: it is counted there already.
    monday = next(b for b in limited.upcoming("alice").bookings if b.date == dt.date(2026, 11, 30))
    assert limited.move("alice", monday.booking_id, "2026-12-03T18:00|Court C").date == dt.date(2026, 12, 3)
    assert count(dynamodb, table_name, "alice", W49) == 2


def test_a_booking_made_before_counters_is_not_taken_off_a_count_it_was_never_in(
    limited: BookingService, dynamodb: Any, table_name: str
) -> None:
    old = limited.book("2026-11-30T10:00|Court A", "alice")
    # As a booking written before this change was: no `week` on its item, no counter.
    dynamodb.update_item(TableName=table_name, Key=booking_key(old.booking_id), UpdateExpression="REMOVE week")
    dynamodb.delete_item(TableName=table_name, Key=week_key("alice", W49))
    limited.cancel("alice", old.booking_id)
    assert count(dynamodb, table_name, "alice", W49) is None  # not -1: that would let a third one in
    limited.book("2026-12-01T10:00|Court A", "alice")
    limited.book("2026-12-02T10:00|Court A", "alice")
    with pytest.raises(LimitReached):
        limited.book("2026-12-03T10:00|Court A", "alice")


def test_the_weekly_limit_holds_under_twenty_concurrent_requests_from_one_person(
    limited: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    monday = dt.date(2026, 11, 30)

    def attempt(n: int) -> str:
        day, hour = monday + dt.timedelta(days=n % 7), 8 + n // 7  # twenty different times in week 49
        try:
            limited.book(f"{day.isoformat()}T{hour:02d}:00|Court A", "alice")
            return "booked"
        except LimitReached as refused:
            return "limit" if refused.message.startswith("You can book at most 2 courts a week") else refused.message
        except ServiceUnavailable:
            return "busy"  # too many of one person's own requests at once: told to try again, nothing written

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert outcomes.count("booked") == 2, outcomes
    assert outcomes.count("limit") + outcomes.count("busy") == 18
    assert outcomes.count("limit") >= 10, outcomes  # the limit is what most are told
    assert count(dynamodb, table_name, "alice", W49) == 2
    assert len(bookings_of(dynamodb, table_name)) == 2
    assert len(limited.upcoming("alice").bookings) == 2
    slots = [i for i in table_items(dynamodb, table_name) if i["pk"]["S"].startswith("DAY#")]
    assert len(slots) == 2
