"""The front desk's day sheet against moto over HTTP: every booking of a day with its holder, its closures, hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from courtbooking import config
from courtbooking.booking_service import BookingService
from courtbooking.closures import ClubAdmin
from courtbooking.contracts import CloseRequest
from tests.conftest import Clock

MON = dt.date(2026, 11, 30)  # the Monday after the clock's Friday


def close(admin: ClubAdmin, court: str | None, start: str, end: str, reason: str) -> str:
    request = CloseRequest(operation="close", admin_id="staff", court=court, start=start, end=end, reason=reason)
    return admin.close(request).closure.closure_id


def test_the_sheet_lists_every_booking_of_the_day_by_time_then_court_with_its_holder(service: BookingService) -> None:
    service.book("2026-11-30T15:00|Court C", "cat")
    long = service.book("2026-11-30T09:00|Court B", "ben", duration_minutes=120)
    service.book("2026-11-30T15:00|Court A", "ann")
    gone = service.book("2026-11-30T18:00|Court A", "dan")
    service.cancel("dan", gone.booking_id)
    service.book("2026-12-01T15:00|Court A", "eve")  # the next day
    sheet = ClubAdmin(service).day_sheet(MON)
    assert [(b.time, b.court, b.user_id, b.duration_minutes) for b in sheet.bookings] == [
        ("09:00", "Court B", "ben", 120),  # one booking, though it holds two slots
        ("15:00", "Court A", "ann", 60),
        ("15:00", "Court C", "cat", 60),
    ]
    assert sheet.bookings[0].booking_id == long.booking_id
    assert (sheet.date, sheet.hours, sheet.closures) == (MON, "08:00-21:00", [])
    assert sheet.message == (
        "Monday 30 November, open 08:00-21:00: 3 bookings: Court B on Monday 30 November at 09:00 (ben); "
        "Court A on Monday 30 November at 15:00 (ann); Court C on Monday 30 November at 15:00 (cat)."
    )


def test_the_sheet_of_an_empty_day(service: BookingService) -> None:
    sheet = ClubAdmin(service).day_sheet(MON)
    assert (sheet.bookings, sheet.closures) == ([], [])
    assert sheet.message == "Monday 30 November, open 08:00-21:00: 0 bookings."


def test_the_sheet_names_the_days_closures_once_each(service: BookingService) -> None:
    admin = ClubAdmin(service)
    service.book("2026-11-30T15:00|Court B", "ann")
    club = close(admin, None, "2026-11-30T19:00", "2026-11-30T21:00", "the club's dinner")
    court = close(admin, "Court B", "2026-11-29T08:00", "2026-12-01T12:00", "resurfacing")
    close(admin, "Court A", "2026-12-01T08:00", "2026-12-01T12:00", "a lesson")  # another day
    sheet = admin.day_sheet(MON)
    assert [(c.closure_id, c.court, c.start, c.end, c.reason) for c in sheet.closures] == [
        (court, "Court B", "2026-11-29T08:00", "2026-12-01T12:00", "resurfacing"),
        (club, None, "2026-11-30T19:00", "2026-11-30T21:00", "the club's dinner"),  # one, though on every court
    ]
    assert {c.created_by for c in sheet.closures} == {"staff"}
    assert [b.user_id for b in sheet.bookings] == ["ann"]  # a booking inside a closure is still on the sheet
    assert sheet.message.endswith(
        "Court B is closed from Sunday 29 November 08:00 to Tuesday 1 December 12:00 for resurfacing. "
        "The club is closed from Monday 30 November 19:00 to Monday 30 November 21:00 for the club's dinner."
    )


def test_the_sheet_of_a_reopened_day_has_no_closure(service: BookingService) -> None:
    admin = ClubAdmin(service)
    closure_id = close(admin, "Court B", "2026-11-30T08:00", "2026-11-30T12:00", "coaching")
    admin.reopen(closure_id)
    assert admin.day_sheet(MON).closures == []


def test_the_sheet_gives_that_weekdays_hours_or_none_when_closed(
    table_name: str, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    monkeypatch.setenv("OPENING_HOURS", "Mon-Fri 07:00-22:00; Sat 08:00-20:00; Sun closed")
    config.reset()
    admin = ClubAdmin(BookingService(boto3.client("dynamodb"), table_name, config.facility(), clock=clock))
    assert admin.day_sheet(MON).hours == "07:00-22:00"
    assert admin.day_sheet(dt.date(2026, 11, 28)).hours == "08:00-20:00"
    sunday = admin.day_sheet(dt.date(2026, 11, 29))
    assert sunday.hours is None
    assert sunday.message == "Sunday 29 November, closed all day: 0 bookings."


def test_a_closure_shuts_only_the_hours_each_day_is_open(
    table_name: str, monkeypatch: pytest.MonkeyPatch, clock: Clock, dynamodb: Any
) -> None:
    monkeypatch.setenv("OPENING_HOURS", "Mon-Fri 07:00-22:00; Sat 08:00-20:00; Sun closed")
    config.reset()
    admin = ClubAdmin(BookingService(boto3.client("dynamodb"), table_name, config.facility(), clock=clock))
    close(admin, "Court A", "2026-11-28T00:00", "2026-12-01T00:00", "resurfacing")  # Saturday to Monday

    def hours(date: str) -> list[str]:
        key = {"pk": {"S": f"DAY#{date}"}, "sk": {"S": "CLOSED#Court A"}}
        item = dynamodb.get_item(TableName=table_name, Key=key, ConsistentRead=True)["Item"]
        return sorted(item.get("hours", {}).get("SS", []))

    assert hours("2026-11-28") == [f"{h:02d}:00" for h in range(8, 20)]
    assert hours("2026-11-29") == []  # closed on Sundays: the marker holds the closure, no hours
    assert hours("2026-11-30") == [f"{h:02d}:00" for h in range(7, 22)]
    assert [c.reason for c in admin.day_sheet(dt.date(2026, 11, 29)).closures] == ["resurfacing"]
