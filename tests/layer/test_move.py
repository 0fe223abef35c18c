"""Moving a booking is one atomic operation: the new slot is taken and the old one released together,
or the booking stays exactly as it was."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from courtbooking.booking_service import BookingService
from courtbooking.errors import AlreadyBooked, NotFound, SlotInvalid, SlotTaken, TooLate
from tests.conftest import Clock, table_items

SAT = "2026-11-28"  # the day after the clock's Friday


def slots_of(items: list[dict[str, Any]]) -> dict[str, str]:
    """{"<date> <HH:MM> <court>": booking_id} for every slot item."""
    return {
        f"{i['pk']['S'][4:]} {i['sk']['S'].split('#')[1]} {i['sk']['S'].split('#')[2]}": i["booking_id"]["S"]
        for i in items
        if i["pk"]["S"].startswith("DAY#")
    }


def test_a_move_takes_the_new_slot_and_frees_the_old_one_keeping_the_id(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    moved = service.move("alice", booking.booking_id, f"{SAT}T17:00|Court B")
    assert (moved.booking_id, moved.court, moved.time, moved.duration_minutes) == (
        booking.booking_id,
        "Court B",
        "17:00",
        60,
    )
    assert slots_of(table_items(dynamodb, table_name)) == {f"{SAT} 17:00 Court B": booking.booking_id}
    assert [(b.court, b.time) for b in service.upcoming("alice").bookings] == [("Court B", "17:00")]
    assert service.get("alice", booking.booking_id).time == "17:00"
    assert f"{SAT}T15:00|Court A" in {s.slot_id for s in service.availability(_query(SAT)).slots}


def test_a_move_onto_its_own_hours_keeps_the_shared_one(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice", duration_minutes=120)
    service.move("alice", booking.booking_id, f"{SAT}T16:00|Court A")
    assert slots_of(table_items(dynamodb, table_name)) == {
        f"{SAT} 16:00 Court A": booking.booking_id,
        f"{SAT} 17:00 Court A": booking.booking_id,
    }


def test_a_move_can_change_the_length(service: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = service.book(f"{SAT}T15:00|Court A", "alice")
    moved = service.move("alice", booking.booking_id, f"{SAT}T15:00|Court A", duration_minutes=120)
    assert moved.duration_minutes == 120
    assert set(slots_of(table_items(dynamodb, table_name))) == {f"{SAT} 15:00 Court A", f"{SAT} 16:00 Court A"}


def test_a_move_onto_a_taken_slot_changes_nothing(service: BookingService, dynamodb: Any, table_name: str) -> None:
    mine = service.book(f"{SAT}T15:00|Court A", "alice")
    service.book(f"{SAT}T17:00|Court B", "bob")
    before = table_items(dynamodb, table_name)
    with pytest.raises(SlotTaken):
        service.move("alice", mine.booking_id, f"{SAT}T17:00|Court B")
    assert table_items(dynamodb, table_name) == before


@pytest.mark.parametrize(
    ("slot_id", "error"),
    [
        ("2026-11-28T22:00|Court A", SlotInvalid),  # after closing
        ("2026-12-30T15:00|Court A", SlotInvalid),  # beyond the horizon
        ("2026-11-28T15:00|court a", SlotInvalid),  # not a slot id
    ],
)
def test_a_move_follows_the_booking_rules(
    slot_id: str, error: type[Exception], service: BookingService, dynamodb: Any, table_name: str
) -> None:
    mine = service.book(f"{SAT}T15:00|Court A", "alice")
    before = table_items(dynamodb, table_name)
    with pytest.raises(error):
        service.move("alice", mine.booking_id, slot_id)
    assert table_items(dynamodb, table_name) == before


def test_only_the_owner_moves_a_booking(service: BookingService, dynamodb: Any, table_name: str) -> None:
    mine = service.book(f"{SAT}T15:00|Court A", "alice")
    before = table_items(dynamodb, table_name)
    with pytest.raises(NotFound):
        service.move("mallory", mine.booking_id, f"{SAT}T17:00|Court B")
    assert table_items(dynamodb, table_name) == before


def test_a_move_onto_another_of_my_bookings_hours_is_refused(service: BookingService) -> None:
    first = service.book(f"{SAT}T15:00|Court A", "alice")
    service.book(f"{SAT}T17:00|Court A", "alice")
    with pytest.raises(AlreadyBooked):
        service.move("alice", first.booking_id, f"{SAT}T17:00|Court C")


def test_a_booking_that_has_started_cannot_be_moved(service: BookingService, clock: Clock) -> None:
    mine = service.book(f"{SAT}T15:00|Court A", "alice")
    clock.now = clock.now.replace(day=28, hour=15, minute=30)
    with pytest.raises(TooLate):
        service.move("alice", mine.booking_id, f"{SAT}T17:00|Court B")


def test_two_moves_at_once_leave_one_whole_booking(service: BookingService, dynamodb: Any, table_name: str) -> None:
    mine = service.book(f"{SAT}T15:00|Court A", "alice")
    targets = [f"{SAT}T{hour}:00|Court B" for hour in (17, 18, 19, 20)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda slot: service.move("alice", mine.booking_id, slot), targets))
    held = slots_of(table_items(dynamodb, table_name))
    assert len(held) == 1
    assert set(held.values()) == {mine.booking_id}
    final = service.get("alice", mine.booking_id)
    assert f"{final.date} {final.time} {final.court}" in held
    assert [b.booking_id for b in service.upcoming("alice").bookings] == [mine.booking_id]


def _query(date: str) -> Any:
    import datetime as dt

    from courtbooking.contracts import AvailabilityQuery

    return AvailabilityQuery(date=dt.date.fromisoformat(date))


def test_a_move_into_a_closure_is_refused_with_its_reason_and_changes_nothing(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    from courtbooking.closures import ClubAdmin
    from courtbooking.contracts import CloseRequest
    from courtbooking.errors import Closed

    mine = service.book(f"{SAT}T15:00|Court A", "alice")
    ClubAdmin(service).close(
        CloseRequest(
            operation="close",
            admin_id="staff",
            court="Court B",
            start=f"{SAT}T16:00",
            end=f"{SAT}T18:00",
            reason="coaching",
        )
    )
    before = table_items(dynamodb, table_name)
    for slot_id, length in ((f"{SAT}T17:00|Court B", 60), (f"{SAT}T15:00|Court B", 120)):
        with pytest.raises(Closed, match=r"^Court B is closed until Saturday 28 November at 18:00 for coaching\.$"):
            service.move("alice", mine.booking_id, slot_id, duration_minutes=length)
    assert table_items(dynamodb, table_name) == before
    assert service.move("alice", mine.booking_id, f"{SAT}T18:00|Court B").time == "18:00"  # the hour it ends
