"""A cancelled booking keeps its record: the slots are free at once, the booking's item stays, marked
cancelled, so its calendar invite can say CANCEL; DynamoDB's TTL removes it HISTORY_RETENTION_DAYS
after the booking's start. Every write of a booking grows its sequence (the invite's SEQUENCE)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from courtbooking import config
from courtbooking.booking_service import BookingService, booking_key
from courtbooking.contracts import AvailabilityQuery
from courtbooking.errors import BookingCancelled, NotFound
from courtbooking.models import ErrorCode
from tests.conftest import Clock, booked_slots, table_items

SAT = dt.date(2026, 11, 28)  # the day after the clock's Friday
MISSING = "00000000-0000-4000-8000-000000000000"


def record(dynamodb: Any, table_name: str, booking_id: str) -> dict[str, Any]:
    return dynamodb.get_item(TableName=table_name, Key=booking_key(booking_id), ConsistentRead=True)["Item"]


def test_cancelling_keeps_the_record_cancelled_with_its_ttl_and_frees_the_slot_at_once(
    service: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice", duration_minutes=120)
    cancelled = service.cancel("alice", booking.booking_id)

    assert (cancelled.status, cancelled.sequence, cancelled.cancelled_at) == ("cancelled", 1, clock.now)
    item = record(dynamodb, table_name, booking.booking_id)
    start = service.schedule.start_instant(SAT, "15:00")
    assert item["status"] == {"S": "cancelled"}
    assert (item["cancelled_by"], item["cancelled_by_id"]) == ({"S": "holder"}, {"S": "alice"})
    assert "cancel_reason" not in item
    assert dt.datetime.fromisoformat(item["cancelled_at"]["S"]) == clock.now
    assert item["cancelled_at"]["S"].endswith("+00:00")  # a UTC instant
    assert item["sequence"] == {"N": "1"}
    assert int(item["expires_at"]["N"]) == int((start + dt.timedelta(days=400)).timestamp())
    assert (item["court"]["S"], item["date"]["S"], item["booked_time"]["S"]) == ("Court A", SAT.isoformat(), "15:00")
    assert (cancelled.cancelled_by, cancelled.cancelled_by_id) == ("holder", None)  # the holder's view: no ids

    assert booked_slots(dynamodb, table_name) == []  # both slots free at once
    assert service.upcoming("alice").bookings == []
    free = service.availability(AvailabilityQuery(date=SAT, time="16:00", court="Court A"))
    assert [s.slot_id for s in free.slots] == [f"{SAT}T16:00|Court A"]
    assert service.book(f"{SAT}T15:00|Court A", "bob").user_id == "bob"
    assert service.get("alice", booking.booking_id).status == "cancelled"  # the record is still alice's


def test_the_retention_is_a_setting(
    service: BookingService, dynamodb: Any, table_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.HISTORY_RETENTION_DAYS, "30")
    assert config.history_retention_days() == 30
    short = BookingService(dynamodb, table_name, service.facility, clock=service._clock)
    booking = short.book(f"{SAT}T10:00|Court B", "alice")
    short.cancel("alice", booking.booking_id)
    start = short.schedule.start_instant(SAT, "10:00")
    expires = int(record(dynamodb, table_name, booking.booking_id)["expires_at"]["N"])
    assert expires == int((start + dt.timedelta(days=30)).timestamp())
    for wrong in ("0", "a year"):
        monkeypatch.setenv(config.HISTORY_RETENTION_DAYS, wrong)
        with pytest.raises(config.ConfigurationError, match=config.HISTORY_RETENTION_DAYS):
            config.history_retention_days()


def test_the_owner_reads_a_cancelled_booking_as_cancelled(service: BookingService) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    service.cancel("alice", booking.booking_id)
    got = service.get("alice", booking.booking_id)
    assert (got.booking_id, got.status, got.court, got.time, got.sequence) == (
        booking.booking_id,
        "cancelled",
        "Court A",
        "15:00",
        1,
    )
    assert got.cancelled_at is not None


def test_cancelling_again_answers_the_cancelled_booking_and_writes_nothing(
    service: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    first = service.cancel("alice", booking.booking_id)
    before = table_items(dynamodb, table_name)
    clock.now += dt.timedelta(minutes=5)
    again = service.cancel("alice", booking.booking_id)
    assert table_items(dynamodb, table_name) == before
    assert (again.status, again.sequence, again.cancelled_at) == ("cancelled", 1, first.cancelled_at)
    assert again.message.startswith("That booking was already cancelled: Court A on Saturday 28 November at 15:00")


def test_cancelling_again_after_the_start_still_answers_it_as_cancelled(service: BookingService, clock: Clock) -> None:
    booking = service.book(f"{SAT}T09:00|Court A", "alice")
    service.cancel("alice", booking.booking_id)
    clock.now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    assert service.cancel("alice", booking.booking_id).status == "cancelled"  # not TOO_LATE: nothing to do


def test_concurrent_cancels_of_one_booking_cancel_it_once(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(lambda _: service.cancel("alice", booking.booking_id), range(5)))
    assert {a.status for a in answers} == {"cancelled"}
    assert {a.sequence for a in answers} == {1}
    assert record(dynamodb, table_name, booking.booking_id)["sequence"] == {"N": "1"}
    assert booked_slots(dynamodb, table_name) == []


def test_a_cancelled_booking_cannot_be_moved(service: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    service.cancel("alice", booking.booking_id)
    before = table_items(dynamodb, table_name)
    with pytest.raises(BookingCancelled) as refused:
        service.move("alice", booking.booking_id, f"{SAT}T17:00|Court B")
    assert refused.value.code == ErrorCode.CANCELLED
    assert refused.value.message == (
        f"Booking {booking.booking_id} was cancelled on Friday 27 November 2026 at "
        f"{service.schedule.local_now(dt.datetime(2026, 11, 27, 13, 30, tzinfo=dt.UTC)):%H:%M}; "
        "book a new slot instead."
    )
    assert table_items(dynamodb, table_name) == before


def test_someone_elses_cancelled_booking_is_not_found_exactly_like_a_missing_one(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    bobs = service.book(f"{SAT}T15:00|Court A", "bob")
    service.cancel("bob", bobs.booking_id)
    before = table_items(dynamodb, table_name)
    operations = {
        "get": service.get,
        "cancel": service.cancel,
        "move": lambda user, booking_id: service.move(user, booking_id, f"{SAT}T17:00|Court B"),
    }
    for operation in operations.values():
        with pytest.raises(NotFound) as stranger:
            operation("alice", bobs.booking_id)
        with pytest.raises(NotFound) as nothing:
            operation("alice", MISSING)
        assert stranger.value.message.replace(bobs.booking_id, "ID") == nothing.value.message.replace(MISSING, "ID")
    assert table_items(dynamodb, table_name) == before


def test_the_sequence_grows_with_every_move_and_the_cancel(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    assert booking.sequence == 0
    assert record(dynamodb, table_name, booking.booking_id)["sequence"] == {"N": "0"}
    moved = service.move("alice", booking.booking_id, f"{SAT}T17:00|Court B")
    assert (moved.booking_id, moved.sequence) == (booking.booking_id, 1)
    unchanged = service.move("alice", booking.booking_id, f"{SAT}T17:00|Court B")  # where it is: nothing written
    assert unchanged.sequence == 1
    longer = service.move("alice", booking.booking_id, f"{SAT}T17:00|Court B", duration_minutes=120)
    assert longer.sequence == 2
    assert service.get("alice", booking.booking_id).sequence == 2
    assert [b.sequence for b in service.upcoming("alice").bookings] == [2]  # the list says the same
    assert {i["sequence"]["N"] for i in booked_slots(dynamodb, table_name)} == {"2"}
    assert service.cancel("alice", booking.booking_id).sequence == 3
    assert service.get("alice", booking.booking_id).sequence == 3


def test_a_record_written_before_sequences_counts_as_sequence_0(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    key = booking_key(booking.booking_id)
    names = {"#s": "sequence"}
    dynamodb.update_item(TableName=table_name, Key=key, UpdateExpression="REMOVE #s", ExpressionAttributeNames=names)
    assert service.get("alice", booking.booking_id).sequence == 0
    assert service.move("alice", booking.booking_id, f"{SAT}T16:00|Court A").sequence == 1
    assert service.cancel("alice", booking.booking_id).sequence == 2


def test_a_cancelled_record_is_not_a_booking_held(service: BookingService) -> None:
    """After a write whose answer was lost, the booking item decides whether it was made: a cancelled one was not
    kept, so it does not count as held (nor does a move meet it as its own)."""
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    assert service._holds(booking)
    service.cancel("alice", booking.booking_id)
    assert not service._holds(booking)
