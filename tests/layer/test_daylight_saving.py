"""The days clocks change: only wall times that exist are offered, each once, at its right instant.

A club open from midnight (OPENING_TIME=00:00) in Europe/London and America/New_York,
so the hours that are skipped or repeated fall inside opening hours.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from courtbooking import config
from courtbooking.booking_service import BookingService
from courtbooking.contracts import AvailabilityQuery
from courtbooking.errors import SlotInvalid
from tests.conftest import Clock, table_items

# (zone, the day clocks go forward, the wall time skipped, the day they go back, the wall time repeated)
CHANGES = [
    ("Europe/London", dt.date(2027, 3, 28), "01:00", dt.date(2027, 10, 31), "01:00"),
    ("America/New_York", dt.date(2027, 3, 14), "02:00", dt.date(2027, 11, 7), "01:00"),
]


@pytest.fixture
def midnight_club(table_name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    def make(zone: str, day_before: dt.date) -> BookingService:
        monkeypatch.setenv("FACILITY_TIMEZONE", zone)
        monkeypatch.setenv("OPENING_TIME", "00:00")
        monkeypatch.setenv("CLOSING_TIME", "06:00")
        config.reset()
        noon = dt.datetime.combine(day_before, dt.time(12), tzinfo=config.facility().timezone)
        import boto3

        return BookingService(boto3.client("dynamodb"), table_name, config.facility(), clock=Clock(noon))

    return make


@pytest.mark.parametrize(("zone", "forward", "skipped", "back", "repeated"), CHANGES)
def test_spring_forward_offers_only_wall_times_that_exist(
    midnight_club: Any, zone: str, forward: dt.date, skipped: str, back: dt.date, repeated: str
) -> None:
    service = midnight_club(zone, forward - dt.timedelta(days=1))
    free = service.availability(AvailabilityQuery(date=forward, court="Court A"))
    times = [s.time for s in free.slots]
    assert skipped not in times
    assert len(times) == len(set(times)) == 5  # six hours of wall clock, one of which does not exist
    instants = [service.schedule.start_instant(forward, t).astimezone(dt.UTC) for t in times]
    # each wall time its own instant, in order, an hour apart (also across the hour that is skipped)
    assert [b - a for a, b in itertools.pairwise(instants)] == [dt.timedelta(hours=1)] * 4


@pytest.mark.parametrize(("zone", "forward", "skipped", "back", "repeated"), CHANGES)
def test_a_skipped_wall_time_cannot_be_booked_nor_covered(
    midnight_club: Any,
    zone: str,
    forward: dt.date,
    skipped: str,
    back: dt.date,
    repeated: str,
    dynamodb: Any,
    table_name: str,
) -> None:
    service = midnight_club(zone, forward - dt.timedelta(days=1))
    with pytest.raises(SlotInvalid, match="not a bookable start"):
        service.book(f"{forward}T{skipped}|Court A", "alice")
    before = f"{int(skipped[:2]) - 1:02d}:00"
    with pytest.raises(SlotInvalid, match="not a bookable start"):  # two hours from the hour before: one is missing
        service.book(f"{forward}T{before}|Court A", "alice", duration_minutes=120)
    assert table_items(dynamodb, table_name) == []
    two_hours = service.availability(AvailabilityQuery(date=forward, court="Court A", duration_minutes=120))
    assert before not in [s.time for s in two_hours.slots]
    assert skipped not in [s.time for s in two_hours.slots]


@pytest.mark.parametrize(("zone", "forward", "skipped", "back", "repeated"), CHANGES)
def test_fall_back_offers_a_repeated_wall_time_once_at_its_first_instant(
    midnight_club: Any, zone: str, forward: dt.date, skipped: str, back: dt.date, repeated: str
) -> None:
    service = midnight_club(zone, back - dt.timedelta(days=1))
    free = service.availability(AvailabilityQuery(date=back, court="Court A"))
    times = [s.time for s in free.slots]
    assert times == ["00:00", "01:00", "02:00", "03:00", "04:00", "05:00"]
    first = service.schedule.start_instant(back, repeated)
    assert first.fold == 0
    assert first.utcoffset() != first.replace(fold=1).utcoffset()  # it really happens twice
    assert first.astimezone(dt.UTC) < first.replace(fold=1).astimezone(dt.UTC)
    booking = service.book(f"{back}T{repeated}|Court A", "alice")
    assert service.schedule.start_instant(booking.date, booking.time) == first


def test_every_instant_of_a_normal_day_is_an_hour_apart(midnight_club: Any) -> None:
    service = midnight_club("Europe/London", dt.date(2027, 6, 1))
    day = dt.date(2027, 6, 2)
    times = [s.time for s in service.availability(AvailabilityQuery(date=day, court="Court A")).slots]
    instants = [service.schedule.start_instant(day, t).astimezone(dt.UTC) for t in times]
    assert [b - a for a, b in itertools.pairwise(instants)] == [dt.timedelta(hours=1)] * 5
    assert instants[0] == dt.datetime(2027, 6, 1, 23, 0, tzinfo=dt.UTC)  # 00:00 BST
