"""BookingService against moto over HTTP: availability, booking, conflicts, rules."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from courtbooking.booking_service import BookingService
from courtbooking.contracts import AvailabilityQuery
from courtbooking.errors import InvalidRequest, SlotInvalid, SlotTaken
from courtbooking.models import TimeWindow
from tests.conftest import booked_slots, table_items

SAT = dt.date(2026, 11, 28)  # the day after the clock's Friday


def query(**kwargs: Any) -> AvailabilityQuery:
    return AvailabilityQuery(date=kwargs.pop("date", SAT), **kwargs)


def test_an_empty_day_offers_every_court_every_hour(service: BookingService) -> None:
    result = service.availability(query())
    assert len(result.slots) == 13 * 3  # 08:00-21:00, three courts
    assert result.slots[0].slot_id == "2026-11-28T08:00|Court A"
    assert result.slots[-1].time == "20:00"


def test_booking_writes_one_item_and_removes_the_slot(service: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = service.book("2026-11-28T15:00|Court B", "alice")
    assert (booking.court, booking.date, booking.time, booking.user_id) == ("Court B", SAT, "15:00", "alice")
    items = booked_slots(dynamodb, table_name)
    assert len(items) == 1
    assert items[0]["booking_id"]["S"] == booking.booking_id
    free = service.availability(query(time="15:00"))
    assert [s.court for s in free.slots] == ["Court A", "Court C"]


@pytest.mark.parametrize(
    "slot_id",
    [
        "2026-11-28T09:00|court a",  # a court is named exactly as configured in a slot id
        "2026-11-28T15:00+05:00|Court A",  # an offset is not a wall time of the facility
        "2026-11-28T15:00:59|Court A",
        "2026-11-28T15:00:00|Court A",
        "2026-11-28T15|Court A",
        "2026-11-28T5:00|Court A",
        " 2026-11-28T15:00|Court A",
        "2026-11-28T15:00|Court A ",
        "2026-11-28 15:00|Court A",
        "20261128T1500|Court A",
    ],
)
def test_a_slot_id_is_exact_or_refused(slot_id: str, service: BookingService, dynamodb: Any, table_name: str) -> None:
    with pytest.raises(SlotInvalid, match=r"is not of the form|no court called"):
        service.book(slot_id, "bob")
    assert table_items(dynamodb, table_name) == []


def test_a_booked_slot_cannot_be_booked_again(service: BookingService, dynamodb: Any, table_name: str) -> None:
    first = service.book("2026-11-28T15:00|Court A", "alice")
    with pytest.raises(SlotTaken):
        service.book("2026-11-28T15:00|Court A", "mallory")
    items = booked_slots(dynamodb, table_name)
    assert [i["user_id"]["S"] for i in items] == ["alice"]
    assert items[0]["booking_id"]["S"] == first.booking_id


def test_twenty_concurrent_attempts_on_one_slot_make_exactly_one_booking(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    def attempt(n: int) -> str:
        try:
            return service.book("2026-11-28T10:00|Court C", f"user-{n}").booking_id
        except SlotTaken:
            return "taken"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert outcomes.count("taken") == 19
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_a_two_hour_booking_holds_both_slots(service: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = service.book("2026-11-28T15:00|Court A", "alice", duration_minutes=120)
    assert booking.duration_minutes == 120
    assert len(booked_slots(dynamodb, table_name)) == 2
    with pytest.raises(SlotTaken):
        service.book("2026-11-28T16:00|Court A", "bob")
    # A booking that overlaps only partly is refused whole: nothing of it is written.
    with pytest.raises(SlotTaken):
        service.book("2026-11-28T14:00|Court A", "bob", duration_minutes=120)
    assert len(booked_slots(dynamodb, table_name)) == 2
    assert "2026-11-28T14:00|Court A" in {s.slot_id for s in service.availability(query()).slots}


@pytest.mark.parametrize(
    ("slot_id", "reason"),
    [
        ("2026-11-28T15:00|Court Z", "no court called"),
        ("2026-11-28T07:00|Court A", "not a bookable start"),
        ("2026-11-28T20:30|Court A", "not a bookable start"),
        ("2026-11-28T21:00|Court A", "not a bookable start"),
        ("2026-11-27T09:00|Court A", "already started"),  # earlier today
        ("2026-11-26T15:00|Court A", "in the past"),
        ("2026-12-12T15:00|Court A", "days ahead"),  # 15 days ahead
        ("2026-02-30T15:00|Court A", "real date"),
        ("tomorrow at 3", "not of the form"),
    ],
)
def test_slots_that_cannot_be_booked_are_refused_and_nothing_is_written(
    service: BookingService, dynamodb: Any, table_name: str, slot_id: str, reason: str
) -> None:
    with pytest.raises(SlotInvalid, match=reason):
        service.book(slot_id, "alice")
    assert booked_slots(dynamodb, table_name) == []


def test_durations_must_be_whole_slots_and_bounded(service: BookingService) -> None:
    with pytest.raises(SlotInvalid, match="multiple of 60"):
        service.book("2026-11-28T15:00|Court A", "alice", duration_minutes=90)
    with pytest.raises(SlotInvalid, match="at most 180"):
        service.book("2026-11-28T12:00|Court A", "alice", duration_minutes=240)
    with pytest.raises(SlotInvalid, match="not a bookable start"):
        service.book("2026-11-28T20:00|Court A", "alice", duration_minutes=120)  # would end after closing


def test_today_offers_only_starts_still_ahead(service: BookingService) -> None:
    result = service.availability(query(date=dt.date(2026, 11, 27)))
    assert min(s.time for s in result.slots) == "14:00"  # the clock says 13:30


def test_a_taken_time_gets_the_nearest_free_starts(service: BookingService) -> None:
    for court in ("Court A", "Court B", "Court C"):
        service.book(f"2026-11-28T15:00|{court}", f"user-{court}")
    result = service.availability(query(time="15:00"))
    assert result.slots == []
    assert [s.time for s in result.alternatives] == ["14:00", "16:00", "13:00", "17:00", "12:00"]
    assert "Nearest free" in result.message


def test_an_asked_court_that_is_taken_offers_other_courts_at_that_time_first(service: BookingService) -> None:
    service.book("2026-11-28T15:00|Court B", "alice")
    result = service.availability(query(time="15:00", court="court b"))
    assert result.slots == []
    assert (result.alternatives[0].time, result.alternatives[0].court) == ("15:00", "Court A")


def test_a_window_matches_starts_that_fit_inside_it(service: BookingService) -> None:
    result = service.availability(query(window=TimeWindow(start="16:00", end="18:00"), duration_minutes=60))
    assert sorted({s.time for s in result.slots}) == ["16:00", "17:00"]
    two_hours = service.availability(query(window=TimeWindow(start="16:00", end="18:00"), duration_minutes=120))
    assert {s.time for s in two_hours.slots} == {"16:00"}


def test_a_time_outside_opening_hours_gets_alternatives(service: BookingService) -> None:
    result = service.availability(query(time="06:00"))
    assert result.slots == []
    assert result.alternatives[0].time == "08:00"


def test_dates_outside_the_horizon_have_no_slots_and_say_why(service: BookingService) -> None:
    assert "in the past" in service.availability(query(date=dt.date(2026, 11, 1))).message
    far = service.availability(query(date=dt.date(2027, 1, 30)))
    assert far.slots == []
    assert "14 days ahead" in far.message


def test_an_unknown_court_is_a_clear_error(service: BookingService) -> None:
    with pytest.raises(InvalidRequest, match="no court called 'Court Q'"):
        service.availability(query(court="Court Q"))


def close_for_coaching(service: BookingService, court: str, start: str, end: str) -> Any:
    """Staff close `court` from `start` to `end` (local wall times) for coaching: the ClubAdmin that did it."""
    from courtbooking.closures import ClubAdmin
    from courtbooking.contracts import CloseRequest

    admin = ClubAdmin(service)
    admin.close(CloseRequest(operation="close", admin_id="staff", court=court, start=start, end=end, reason="coaching"))
    return admin


def test_a_time_inside_a_closure_is_answered_with_the_closure(service: BookingService) -> None:
    from courtbooking.contracts import CloseRequest

    admin = close_for_coaching(service, "Court B", "2026-11-28T14:00", "2026-11-28T17:00")
    on_b = service.availability(query(time="15:00", court="Court B"))
    assert on_b.slots == []
    assert on_b.closed == "Court B is closed until Saturday 28 November at 17:00 for coaching."
    assert on_b.message.startswith(f"{on_b.closed} Nothing free at the time asked")
    assert (on_b.alternatives[0].time, on_b.alternatives[0].court) == ("15:00", "Court A")
    anywhere = service.availability(query(time="15:00"))
    assert [s.court for s in anywhere.slots] == ["Court A", "Court C"]  # other courts stay open
    service.book("2026-11-28T15:00|Court A", "alice")
    service.book("2026-11-28T15:00|Court C", "bob")
    taken = service.availability(query(time="15:00"))
    assert taken.closed is None  # taken, not closed, on the other courts: no closure named
    assert not taken.message.startswith("Court B is closed")
    admin.close(
        CloseRequest(
            operation="close", admin_id="staff", start="2026-11-28T08:00", end="2026-11-28T21:00", reason="a tournament"
        )
    )
    whole_day = service.availability(query())
    assert whole_day.slots == []
    assert whole_day.closed == "The club is closed until Saturday 28 November at 21:00 for a tournament."
    assert anywhere.closed is None


def test_the_asked_start_on_nearby_days_is_read_at_once_and_skips_days_taken_or_closed(
    service: BookingService, moto_endpoint: str, table_name: str
) -> None:
    """Two hours from Saturday 15:00, taken everywhere. Sunday's are taken too; Friday's (today, 15:00 still
    ahead) are free; Monday's 16:00 is closed on Court A and B is taken, so Court C is offered. The days
    looked at are read in one BatchGetItem, beside the asked day's one Query."""
    from local.dynamodb import request_counts

    for day, courts in (("28", "ABC"), ("29", "ABC"), ("30", "B")):
        for court in courts:
            service.book(f"2026-11-{day}T15:00|Court {court}", f"user-{day}-{court}", 120)
    close_for_coaching(service, "Court A", "2026-11-30T16:00", "2026-11-30T18:00")
    request_counts(moto_endpoint)  # from here on
    nearby = service.availability(query(time="15:00", duration_minutes=120))
    counts = {op: n for (op, table), n in request_counts(moto_endpoint).items() if table == table_name}
    assert nearby.slots == []
    assert [(s.date.isoformat(), s.court, s.time) for s in nearby.other_days] == [
        ("2026-11-27", "Court A", "15:00"),
        ("2026-11-30", "Court C", "15:00"),
    ]
    assert counts == {"Query": 1, "BatchGetItem": 1}
