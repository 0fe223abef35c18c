"""A person's history: every booking item carries the History index's keys (USER#<user>, <start UTC>#<id>)
and its TTL; `history()` pages through played (past) and cancelled bookings, newest first, with a cursor
that only ever reaches the caller's own bookings. Upcoming stays the one strongly consistent read."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from courtbooking.booking_service import BookingService, booking_key
from courtbooking.contracts import AvailabilityQuery
from courtbooking.errors import InvalidRequest
from courtbooking.models import Booking
from tests.conftest import Clock, table_items


@pytest.fixture
def service(service: BookingService) -> BookingService:
    """The club's service, with room for more than three upcoming bookings (a history needs a few)."""
    roomy = dataclasses.replace(service.facility, max_active_bookings=20)
    return BookingService(service._db, service._table, roomy, clock=service._clock)


def record(dynamodb: Any, table_name: str, booking_id: str) -> dict[str, Any]:
    return dynamodb.get_item(TableName=table_name, Key=booking_key(booking_id), ConsistentRead=True)["Item"]


def ids(bookings: list[Booking]) -> list[str]:
    return [b.booking_id for b in bookings]


def play(service: BookingService, clock: Clock, slots: list[str], user: str = "alice") -> list[Booking]:
    """Book each slot (in the order given), then move the clock past them all: they have been played."""
    made = [service.book(slot, user) for slot in slots]
    clock.now = dt.datetime(2026, 12, 9, 12, 0, tzinfo=dt.UTC)
    return made


def test_every_booking_item_carries_its_history_keys_and_every_item_its_ttl(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = service.book("2026-11-28T15:00|Court A", "alice", duration_minutes=120)
    start = dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC)
    expires = {"N": str(int((start + dt.timedelta(days=400)).timestamp()))}
    item = record(dynamodb, table_name, booking.booking_id)
    assert item["history_pk"] == {"S": "USER#alice"}
    assert item["history_sk"] == {"S": f"2026-11-28T15:00:00+00:00#{booking.booking_id}"}
    slots = [i for i in table_items(dynamodb, table_name) if i["pk"]["S"].startswith("DAY#")]
    assert len(slots) == 2
    assert all("history_pk" not in i for i in slots)  # only booking items are in the index
    assert [i["expires_at"] for i in [item, *slots]] == [expires] * 3


def test_a_move_rewrites_the_history_key_and_the_ttl(service: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = service.book("2026-11-28T15:00|Court A", "alice")
    service.move("alice", booking.booking_id, "2026-11-30T09:00|Court B")
    item = record(dynamodb, table_name, booking.booking_id)
    assert item["history_sk"] == {"S": f"2026-11-30T09:00:00+00:00#{booking.booking_id}"}
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    assert item["expires_at"] == {"N": str(int((start + dt.timedelta(days=400)).timestamp()))}


def test_past_lists_played_bookings_newest_first_and_neither_cancelled_nor_upcoming_ones(
    service: BookingService, clock: Clock
) -> None:
    played = [service.book(s, "alice") for s in ("2026-11-27T15:00|Court A", "2026-11-28T10:00|Court B")]
    cancelled = service.book("2026-11-29T10:00|Court A", "alice")
    service.cancel("alice", cancelled.booking_id)
    service.book("2026-11-28T11:00|Court C", "bob")  # someone else's
    clock.now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    upcoming = service.book("2026-11-30T10:00|Court A", "alice")

    page = service.history("alice", "past")
    assert (page.when, ids(page.bookings), page.next_cursor) == ("past", ids(played[::-1]), None)
    assert page.message == (
        "You played 2 times: Court B on Saturday 28 November at 10:00; Court A on Friday 27 November at 15:00."
    )
    assert upcoming.booking_id not in ids(page.bookings)
    assert service.history("bob", "past").bookings[0].user_id == "bob"
    assert service.history("carol", "past").message == "You have not played."


def test_a_booking_that_has_started_is_past(service: BookingService, clock: Clock) -> None:
    booking = service.book("2026-11-28T10:00|Court A", "alice")
    clock.now = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)  # its very start
    assert ids(service.history("alice", "past").bookings) == [booking.booking_id]
    assert service.history("alice", "upcoming").bookings == []


def test_a_cancelled_booking_is_in_history_and_its_slot_is_free(service: BookingService, clock: Clock) -> None:
    first = service.book("2026-11-28T15:00|Court A", "alice")
    later = service.book("2026-12-01T15:00|Court A", "alice")
    service.cancel("alice", first.booking_id)
    clock.now += dt.timedelta(minutes=1)
    service.cancel("alice", later.booking_id)

    page = service.history("alice", "cancelled")
    assert ids(page.bookings) == [later.booking_id, first.booking_id]  # newest first, past or to come
    assert {(b.status, b.cancelled_by, b.cancelled_by_id) for b in page.bookings} == {("cancelled", "holder", None)}
    assert page.message == (
        "2 cancelled bookings: Court A on Tuesday 1 December at 15:00, cancelled by you; "
        "Court A on Saturday 28 November at 15:00, cancelled by you."
    )
    free = service.availability(AvailabilityQuery(date=dt.date(2026, 11, 28), time="15:00", court="Court A"))
    assert [s.slot_id for s in free.slots] == ["2026-11-28T15:00|Court A"]
    assert service.history("alice", "past").bookings == []
    assert service.history("bob", "cancelled").message == "No cancelled bookings."


def test_since_and_until_are_days_of_the_club(service: BookingService, clock: Clock) -> None:
    made = play(
        service,
        clock,
        [
            "2026-11-28T10:00|Court A",
            "2026-11-29T10:00|Court A",
            "2026-11-30T20:00|Court A",
            "2026-12-01T08:00|Court A",
        ],
    )
    november = service.history("alice", "past", since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 30))
    assert ids(november.bookings) == ids(made[2::-1])
    assert november.message.startswith("You played 3 times in November: Court A on Monday 30 November at 20:00;")
    one_day = service.history("alice", "past", since=dt.date(2026, 11, 29), until=dt.date(2026, 11, 29))
    assert ids(one_day.bookings) == [made[1].booking_id]
    assert one_day.message.startswith("You played 1 time on Sunday 29 November:")
    assert ids(service.history("alice", "past", since=dt.date(2026, 11, 30)).bookings) == ids(made[:1:-1])
    assert ids(service.history("alice", "past", until=dt.date(2026, 11, 28)).bookings) == [made[0].booking_id]
    assert service.history("alice", "past", since=dt.date(2026, 12, 20)).bookings == []  # days still to come


def test_days_are_the_clubs_own_not_utc(service: BookingService, dynamodb: Any, table_name: str, clock: Clock) -> None:
    auckland = dataclasses.replace(service.facility, timezone=ZoneInfo("Pacific/Auckland"))  # UTC+13 in November
    club = BookingService(dynamodb, table_name, auckland, clock=clock)
    early = club.book("2026-11-28T08:00|Court A", "alice")  # Saturday 08:00 there: Friday 19:00 UTC
    clock.now = dt.datetime(2026, 11, 29, 0, 0, tzinfo=dt.UTC)
    saturday = dt.date(2026, 11, 28)
    assert ids(club.history("alice", "past", since=saturday, until=saturday).bookings) == [early.booking_id]
    friday = dt.date(2026, 11, 27)
    assert club.history("alice", "past", since=friday, until=friday).bookings == []


def test_pages_follow_one_another_newest_first_to_the_last_which_has_no_cursor(
    service: BookingService, clock: Clock
) -> None:
    made = play(service, clock, [f"2026-11-{d}T10:00|Court A" for d in (28, 29, 30)] + ["2026-12-01T10:00|Court A"])
    made.append(service.book("2026-12-10T10:00|Court B", "alice"))
    clock.now = dt.datetime(2026, 12, 11, 0, 0, tzinfo=dt.UTC)
    seen: list[str] = []
    pages = []
    cursor = None
    while True:
        page = service.history("alice", "past", cursor=cursor, limit=2)
        pages.append(page)
        seen += ids(page.bookings)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [len(p.bookings) for p in pages] == [2, 2, 1]
    assert seen == ids(made[::-1])
    assert pages[0].message.startswith("Your latest games, newest first: Court B on Thursday 10 December at 10:00;")
    assert pages[0].message.endswith("; there are more.")
    assert pages[1].message.startswith("Earlier games: ")
    assert pages[2].message == "Earlier games: Court A on Saturday 28 November at 10:00."
    # Exactly `limit` left: the page is the last, without a cursor to an empty one.
    assert service.history("alice", "past", limit=5).next_cursor is None


def test_a_page_is_filled_across_the_cancelled_bookings_between(service: BookingService, clock: Clock) -> None:
    kept = []
    for day in range(28, 31):
        for hour in (9, 11, 13, 15):
            booking = service.book(f"2026-11-{day}T{hour:02d}:00|Court A", "alice")
            if hour == 15:
                kept.append(booking)
            else:
                service.cancel("alice", booking.booking_id)
    clock.now = dt.datetime(2026, 12, 9, 12, 0, tzinfo=dt.UTC)
    first = service.history("alice", "past", limit=2)
    assert ids(first.bookings) == [kept[2].booking_id, kept[1].booking_id]
    rest = service.history("alice", "past", cursor=first.next_cursor, limit=2)
    assert (ids(rest.bookings), rest.next_cursor) == ([kept[0].booking_id], None)
    cancelled = service.history("alice", "cancelled", limit=100)
    assert len(cancelled.bookings) == 9


def test_a_cursor_of_someone_else_reaches_only_ones_own_bookings(service: BookingService, clock: Clock) -> None:
    bobs = [service.book(f"2026-11-{d}T10:00|Court B", "bob") for d in (28, 29, 30)]
    alices = [service.book(f"2026-11-{d}T12:00|Court A", "alice") for d in (28, 29)]
    clock.now = dt.datetime(2026, 12, 9, 12, 0, tzinfo=dt.UTC)
    bobs_cursor = service.history("bob", "past", limit=1).next_cursor
    assert bobs_cursor is not None
    page = service.history("alice", "past", cursor=bobs_cursor, limit=10)
    assert {b.user_id for b in page.bookings} == {"alice"}
    assert set(ids(page.bookings)) <= set(ids(alices))
    assert not set(ids(page.bookings)) & set(ids(bobs))


@pytest.mark.parametrize(
    "cursor",
    [
        "bm90IGEgY3Vyc29y",  # base64 of "not a cursor"
        base64.urlsafe_b64encode(b"2026-11-28T10:00:00+00:00#../../etc").decode(),
        base64.urlsafe_b64encode(b"2026-13-28T10:00:00+00:00#abc").decode(),  # no such month
        base64.urlsafe_b64encode(b"2026-11-28T10:00:00Z#abc").decode(),  # not as this service writes it
        base64.urlsafe_b64encode(b"2026-11-28T10:00:00+00:00#abc").decode().rstrip("="),  # not as it was given
        "!!!",
        "A",
    ],
)
def test_a_cursor_this_service_did_not_give_is_refused(cursor: str, service: BookingService) -> None:
    with pytest.raises(InvalidRequest, match="cursor is not one this service gave"):
        service.history("alice", "past", cursor=cursor)


def test_upcoming_is_the_one_strongly_consistent_read_of_my_bookings(service: BookingService) -> None:
    later = service.book("2026-11-30T10:00|Court A", "alice")
    sooner = service.book("2026-11-28T10:00|Court A", "alice")
    page = service.history("alice", "upcoming")
    mine = service.upcoming("alice")
    assert (ids(page.bookings), page.next_cursor, page.message) == (
        [sooner.booking_id, later.booking_id],
        None,
        mine.message,
    )
    assert ids(page.bookings) == ids(mine.bookings)
    in_december = service.history("alice", "upcoming", since=dt.date(2026, 11, 29))
    assert ids(in_december.bookings) == [later.booking_id]
    with pytest.raises(InvalidRequest, match="cursor is not one this service gave"):
        service.history("alice", "upcoming", cursor=base64.urlsafe_b64encode(b"x").decode())


def test_since_after_until_is_refused(service: BookingService) -> None:
    for when in ("past", "cancelled", "upcoming"):
        with pytest.raises(InvalidRequest, match=r"since \(2026-11-20\) must not be after until \(2026-11-10\)"):
            service.history("alice", when, since=dt.date(2026, 11, 20), until=dt.date(2026, 11, 10))


def test_a_month_of_another_year_than_today_is_named_with_its_year(service: BookingService, clock: Clock) -> None:
    play(service, clock, ["2026-11-28T10:00|Court A"])
    clock.now = dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC)
    page = service.history("alice", "past", since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 30))
    assert page.message.startswith("You played 1 time in November 2026:")
