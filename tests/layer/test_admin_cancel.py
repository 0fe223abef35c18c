"""Cancelling someone else's booking: an admin (or a closure) names the holder read with get_any, is not
bound by the holder's cut-off but still not after the start, and the record says who cancelled it and why;
in the same transaction the holder gets a Notice in their inbox (the conversations table, INBOX#<user>)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from courtbooking import config
from courtbooking.booking_service import BookingService, booking_key
from courtbooking.contracts import Notice
from courtbooking.errors import NotFound, TooLate
from courtbooking.models import ErrorCode
from courtbooking.weeks import week_key
from tests.conftest import Clock, booked_slots, table_items

SAT = "2026-11-28"  # the day after the clock's Friday; the club's zone is UTC


@pytest.fixture
def inbox_table(table_name: str) -> str:
    return config.conversations_table_name()  # the tests' conversations table, made beside the bookings one


@pytest.fixture
def club(service: BookingService, inbox_table: str) -> BookingService:
    """The service as the booking function builds it: with the table where holders' notices go."""
    return BookingService(service._db, service._table, service.facility, clock=service._clock, inbox_table=inbox_table)


def inbox(dynamodb: Any, inbox_table: str, user: str) -> dict[str, Any] | None:
    key = {"id": {"S": f"INBOX#{user}"}}
    return dynamodb.get_item(TableName=inbox_table, Key=key, ConsistentRead=True).get("Item")


def notices(item: dict[str, Any] | None) -> list[Notice]:
    return [Notice.model_validate_json(n["S"]) for n in (item or {}).get("notices", {}).get("L", [])]


def test_an_admin_reads_anyones_booking_with_its_holder(club: BookingService) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    seen = club.get_any(booking.booking_id)
    assert (seen.booking_id, seen.user_id, seen.status, seen.court) == (
        booking.booking_id,
        "alice",
        "confirmed",
        "Court A",
    )


def test_an_admin_reading_a_missing_booking_is_told_there_is_none(club: BookingService) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(NotFound) as refused:
        club.get_any(missing)
    assert (refused.value.code, refused.value.message) == (
        ErrorCode.NOT_FOUND,
        f"There is no booking with id {missing}.",
    )


def test_an_admin_cancels_inside_the_cut_off_and_the_record_says_who_and_why(
    club: BookingService, clock: Clock, dynamodb: Any, table_name: str
) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    clock.now = dt.datetime(2026, 11, 28, 14, 30, tzinfo=dt.UTC)  # the holder could no longer cancel it
    with pytest.raises(TooLate):
        club.cancel("alice", booking.booking_id)
    holder = club.get_any(booking.booking_id).user_id
    cancelled = club.cancel(holder, booking.booking_id, by="admin", by_id="staff", reason="court repairs")

    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancelled_by_id, cancelled.cancel_reason) == (
        "cancelled",
        "admin",
        "staff",
        "court repairs",
    )
    assert cancelled.message == (
        "Cancelled alice's booking of Court A on Saturday 28 November at 15:00; "
        "they are told in their next chat answer."
    )
    item = dynamodb.get_item(TableName=table_name, Key=booking_key(booking.booking_id), ConsistentRead=True)["Item"]
    assert (item["cancelled_by"], item["cancelled_by_id"], item["cancel_reason"]) == (
        {"S": "admin"},
        {"S": "staff"},
        {"S": "court repairs"},
    )
    assert booked_slots(dynamodb, table_name) == []
    assert club.upcoming("alice").bookings == []
    # The holder sees that the club cancelled it and why, never the admin's id; an admin sees whose.
    mine = club.get("alice", booking.booking_id)
    assert (mine.cancelled_by, mine.cancel_reason, mine.cancelled_by_id) == ("admin", "court repairs", None)
    assert club.get_any(booking.booking_id).cancelled_by_id == "staff"
    history = club.history("alice", "cancelled")
    assert [(b.cancelled_by, b.cancelled_by_id) for b in history.bookings] == [("admin", None)]
    assert history.message.endswith("at 15:00, cancelled by the club: court repairs.")


def test_the_holder_is_told_in_the_same_transaction(
    club: BookingService, clock: Clock, dynamodb: Any, inbox_table: str
) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    club.cancel("alice", booking.booking_id, by="admin", by_id="staff", reason="court repairs")
    item = inbox(dynamodb, inbox_table, "alice")
    assert item is not None
    assert (item["user_id"], item["version"]) == ({"S": "alice"}, {"N": "1"})
    assert int(item["expires_at"]["N"]) == int((clock.now + dt.timedelta(days=400)).timestamp())
    (notice,) = notices(item)
    assert notice.kind == "cancelled_by_admin"
    assert notice.message == (
        "Your booking of Court A on Saturday 28 November at 15:00 was cancelled by the club: court repairs."
    )
    assert (notice.booking.booking_id, notice.booking.status, notice.booking.cancelled_by_id) == (
        booking.booking_id,
        "cancelled",
        None,
    )
    assert notice.at == clock.now
    json.loads(item["notices"]["L"][0]["S"])  # each notice is stored as its JSON, as the orchestrator reads it


def test_notices_are_appended_and_a_closure_says_the_court_is_closed(
    club: BookingService, dynamodb: Any, inbox_table: str
) -> None:
    first = club.book(f"{SAT}T15:00|Court A", "alice")
    second = club.book(f"{SAT}T18:00|Court B", "alice")
    club.cancel("alice", first.booking_id, by="admin", by_id="staff")
    club.cancel("alice", second.booking_id, by="closure", by_id="closure-1", reason="resurfacing")
    item = inbox(dynamodb, inbox_table, "alice")
    assert item is not None
    assert item["version"] == {"N": "2"}
    told = notices(item)
    assert [n.kind for n in told] == ["cancelled_by_admin", "cancelled_by_closure"]
    assert told[0].message == "Your booking of Court A on Saturday 28 November at 15:00 was cancelled by the club."
    assert told[1].message == (
        "Your booking of Court B on Saturday 28 November at 18:00 was cancelled: the court is closed for resurfacing."
    )
    seen = club.get_any(second.booking_id)
    assert (seen.cancelled_by, seen.cancelled_by_id, seen.cancel_reason) == ("closure", "closure-1", "resurfacing")


def test_a_holders_own_cancel_leaves_no_notice(club: BookingService, dynamodb: Any, inbox_table: str) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    club.cancel("alice", booking.booking_id)
    assert inbox(dynamodb, inbox_table, "alice") is None


def test_not_after_the_start_even_for_an_admin(
    club: BookingService, clock: Clock, dynamodb: Any, table_name: str, inbox_table: str
) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    before = table_items(dynamodb, table_name)
    clock.now = dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC)
    for by in ("admin", "closure"):
        with pytest.raises(TooLate, match="has started"):
            club.cancel("alice", booking.booking_id, by=by, by_id="x", reason="late")
    assert table_items(dynamodb, table_name) == before
    assert inbox(dynamodb, inbox_table, "alice") is None


def test_the_holder_is_named_exactly(club: BookingService, dynamodb: Any, table_name: str, inbox_table: str) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    before = table_items(dynamodb, table_name)
    for wrong in ("bob", "Alice", "alice "):
        with pytest.raises(NotFound):
            club.cancel(wrong, booking.booking_id, by="admin", by_id="staff")
    assert table_items(dynamodb, table_name) == before
    assert inbox(dynamodb, inbox_table, "alice") is None


def test_cancelling_an_already_cancelled_booking_again_tells_nobody_twice(
    club: BookingService, dynamodb: Any, table_name: str, inbox_table: str
) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    club.cancel("alice", booking.booking_id, by="admin", by_id="staff", reason="rain")
    before = (table_items(dynamodb, table_name), inbox(dynamodb, inbox_table, "alice"))
    again = club.cancel("alice", booking.booking_id, by="closure", by_id="closure-1", reason="resurfacing")
    assert (again.status, again.cancelled_by, again.cancelled_by_id) == ("cancelled", "admin", "staff")
    assert again.message.startswith("That booking was already cancelled")
    assert (table_items(dynamodb, table_name), inbox(dynamodb, inbox_table, "alice")) == before


def test_an_admins_cancel_gives_the_weeks_place_back(club: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = club.book("2026-11-30T10:00|Court A", "alice")
    club.cancel("alice", booking.booking_id, by="admin", by_id="staff")
    counter = dynamodb.get_item(TableName=table_name, Key=week_key("alice", "2026-W49"), ConsistentRead=True)["Item"]
    assert counter["count"] == {"N": "0"}


def test_a_record_cancelled_before_cancellers_were_named_reads_as_its_holders(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    club.cancel("alice", booking.booking_id)
    # As such a record was written: cancelled_by held the holder's own id, and there was no cancelled_by_id.
    key = booking_key(booking.booking_id)
    dynamodb.update_item(
        TableName=table_name,
        Key=key,
        UpdateExpression="SET cancelled_by = :u REMOVE cancelled_by_id",
        ExpressionAttributeValues={":u": {"S": "alice"}},
    )
    assert club.get("alice", booking.booking_id).cancelled_by == "holder"
    seen = club.get_any(booking.booking_id)
    assert (seen.cancelled_by, seen.cancelled_by_id) == ("holder", "alice")


def test_an_admin_or_closure_cancel_names_who(club: BookingService) -> None:
    booking = club.book(f"{SAT}T15:00|Court A", "alice")
    with pytest.raises(ValueError, match="by_id"):
        club.cancel("alice", booking.booking_id, by="admin")
