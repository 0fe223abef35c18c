"""Opening hours per weekday (OPENING_HOURS): how a value is read, and what each day offers and refuses.

The clock fixture is a Friday (27 November 2026), so the days below are the next
Saturday, Sunday and Monday; the facility's zone is fixed so that stays true.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from courtbooking import config
from courtbooking.booking_service import BookingService
from courtbooking.contracts import AvailabilityQuery
from courtbooking.errors import SlotInvalid
from courtbooking.schedule import Schedule
from tests.conftest import Clock, booked_slots

WEEK = "Mon-Fri 07:00-22:00; Sat-Sun 08:00-20:00"
SUNDAYS_CLOSED = "Mon-Sat 08:00-21:00; Sun closed"
MONDAY = dt.date(2026, 11, 23)  # of the clock's week: MONDAY + n is the n-th weekday after it


def hours(value: str, **env: str) -> config.Facility:
    """The facility with OPENING_HOURS set to `value` (and any other variables), as a function reads it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.OPENING_HOURS, value)
        for name, setting in env.items():
            patch.setenv(name, setting)
        return config.Facility.from_env()


def week_of(facility: config.Facility) -> list[tuple[int, int] | None]:
    return [facility.hours_on(MONDAY + dt.timedelta(days=i)) for i in range(7)]


def at(hh: int, mm: int = 0) -> int:
    return hh * 60 + mm


# --- reading OPENING_HOURS ---------------------------------------------------------------------


def test_weekdays_and_the_weekend_each_have_their_hours() -> None:
    facility = hours(WEEK)
    assert week_of(facility) == [(at(7), at(22))] * 5 + [(at(8), at(20))] * 2
    # the widest span of the week, for reading day parts ("morning", "evening")
    assert (facility.opening, facility.closing) == (dt.time(7), dt.time(22))
    assert not facility.same_hours_every_day


def test_a_day_closed_entirely_has_no_hours() -> None:
    facility = hours(SUNDAYS_CLOSED)
    assert week_of(facility) == [(at(8), at(21))] * 6 + [None]
    assert (facility.opening, facility.closing) == (dt.time(8), dt.time(21))


def test_a_weekday_left_out_is_closed() -> None:
    assert week_of(hours("Mon-Fri 09:00-17:00")) == [(at(9), at(17))] * 5 + [None, None]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # case does not matter, nor full names or spaces around the dashes
        ("monday - FRIDAY 07:00 - 22:00; saturday,SUN 08:00-20:00", [(at(7), at(22))] * 5 + [(at(8), at(20))] * 2),
        # a range runs forward through the week and may wrap after Sunday
        ("Fri-Mon 10:00-18:00", [(at(10), at(18))] + [None] * 3 + [(at(10), at(18))] * 3),
        # a comma list, mixing days and ranges; a trailing ";" says nothing more
        (
            "Mon,Wed-Thu 08:00-12:00; Sun CLOSED;",
            [(at(8), at(12)), None, (at(8), at(12)), (at(8), at(12))] + [None] * 3,
        ),
        ("Tue 09:00-10:00", [None, (at(9), at(10))] + [None] * 5),
    ],
)
def test_days_are_read_as_ranges_lists_and_names(value: str, expected: list[tuple[int, int] | None]) -> None:
    assert week_of(hours(value)) == expected


def test_half_hour_slots_may_open_on_the_half_hour() -> None:
    facility = hours("Mon-Fri 07:30-22:30; Sat 09:00-13:30", SLOT_MINUTES="30")
    assert week_of(facility)[0] == (at(7, 30), at(22, 30))
    assert week_of(facility)[5] == (at(9), at(13, 30))
    assert Schedule(facility).starts(30, MONDAY + dt.timedelta(days=5))[-1] == "13:00"


def test_without_opening_hours_every_day_is_opening_time_to_closing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.OPENING_TIME, "09:00")
    monkeypatch.setenv(config.CLOSING_TIME, "18:00")
    for unset in ("", "   "):
        facility = hours(unset)
        assert week_of(facility) == [(at(9), at(18))] * 7
        assert facility.same_hours_every_day
    monkeypatch.delenv(config.OPENING_HOURS, raising=False)
    assert week_of(config.Facility.from_env()) == [(at(9), at(18))] * 7


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("Mon-Fri 07:00-22:00; Fri 08:00-20:00", "Friday is named twice ('Fri 08:00-20:00')"),
        ("Sat-Mon 08:00-20:00; Mon 09:00-17:00", "Monday is named twice ('Mon 09:00-17:00')"),
        ("Mon,Mon 08:00-20:00", "Monday is named twice ('Mon,Mon 08:00-20:00')"),
        ("Sun closed; Sun 10:00-16:00; Mon 08:00-20:00", "Sunday is named twice ('Sun 10:00-16:00')"),
        ("Mon-Fri 07:00-22:30", "the hours in 'Mon-Fri 07:00-22:30' are not a whole number of SLOT_MINUTES=60 slots"),
        ("Mon-Fri 07:15-22:00", "the hours in 'Mon-Fri 07:15-22:00' are not a whole number"),
        ("Mon-Fri 20:00-08:00", "in 'Mon-Fri 20:00-08:00' the closing time is not after the opening"),
        ("Mon 08:00-08:00", "in 'Mon 08:00-08:00' the closing time is not after the opening"),
        ("Funday 08:00-20:00", "'Funday' in 'Funday 08:00-20:00' is not a weekday"),
        ("Mon-Fry 08:00-20:00", "'Fry' in 'Mon-Fry 08:00-20:00' is not a weekday"),
        ("Mon,,Tue 08:00-20:00", "'' in 'Mon,,Tue 08:00-20:00' is not a weekday"),
        ("Mon-Fri 08:00-20:00 Sat 09:00-12:00", "in 'Mon-Fri 08:00-20:00 Sat 09:00-12:00' is not a weekday"),
        ("Mon 24:00-25:00", "'24:00' in 'Mon 24:00-25:00' is not a time of day"),
        ("Mon 08:60-20:00", "'08:60' in 'Mon 08:60-20:00' is not a time of day"),
        ("Mon-Fri 7am-10pm", "'Mon-Fri 7am-10pm' is not days then hours"),
        ("Mon-Fri", "'Mon-Fri' is not days then hours"),
        ("08:00-20:00", "'08:00-20:00' is not days then hours"),
        ("Mon-Fri open", "'Mon-Fri open' is not days then hours"),
        ("Mon-Sun closed", "opens no day of the week"),
        ("Sat closed; Sun closed", "opens no day of the week"),
        (";", "opens no day of the week"),
    ],
)
def test_a_bad_value_stops_start_up_naming_opening_hours_and_the_part(value: str, says: str) -> None:
    with pytest.raises(config.ConfigurationError) as refused:
        hours(value)
    message = str(refused.value)
    assert message.startswith("OPENING_HOURS")
    assert says in message


def test_opening_time_and_closing_time_are_not_read_when_opening_hours_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(config.OPENING_TIME, "10:00")
    monkeypatch.setenv(config.CLOSING_TIME, "10:30")  # not whole slots: would stop start-up if used
    assert week_of(hours(WEEK))[0] == (at(7), at(22))
    with pytest.raises(config.ConfigurationError, match="whole number"):
        hours("")


# --- what each day offers and refuses ----------------------------------------------------------

SAT, SUN, MON = dt.date(2026, 11, 28), dt.date(2026, 11, 29), dt.date(2026, 11, 30)


@pytest.fixture
def club(table_name: str, dynamodb: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A BookingService whose facility has `value` as its OPENING_HOURS (London: the clock's Friday)."""

    def make(value: str) -> BookingService:
        monkeypatch.setenv(config.FACILITY_TIMEZONE, "Europe/London")
        monkeypatch.setenv(config.OPENING_HOURS, value)
        config.reset()
        return BookingService(dynamodb, table_name, config.facility(), clock=clock)

    return make


def test_availability_offers_each_days_own_hours(club: Any) -> None:
    service = club(WEEK)
    saturday = service.availability(AvailabilityQuery(date=SAT, court="Court A"))
    assert [s.time for s in saturday.slots] == [f"{h:02d}:00" for h in range(8, 20)]
    sunday = service.availability(AvailabilityQuery(date=SUN, court="Court A"))
    assert [s.time for s in sunday.slots] == [f"{h:02d}:00" for h in range(8, 20)]
    monday = service.availability(AvailabilityQuery(date=MON, court="Court A"))
    assert [s.time for s in monday.slots] == [f"{h:02d}:00" for h in range(7, 22)]
    # two hours at the end of a Saturday start at 18:00 at the latest
    long = service.availability(AvailabilityQuery(date=SAT, court="Court A", duration_minutes=120))
    assert long.slots[-1].time == "18:00"


def test_availability_at_a_time_outside_that_days_hours_offers_the_nearest_inside_them(club: Any) -> None:
    service = club(WEEK)
    early = service.availability(AvailabilityQuery(date=SAT, time="07:00"))
    assert early.slots == []
    assert early.alternatives[0].time == "08:00"  # the nearest first: Saturday's first start
    assert min(s.time for s in early.alternatives) == "08:00"
    assert [s.time for s in service.availability(AvailabilityQuery(date=MON, time="07:00")).slots] == ["07:00"] * 3


def test_a_seven_oclock_start_is_refused_on_saturday_and_booked_on_monday(
    club: Any, dynamodb: Any, table_name: str
) -> None:
    service = club(WEEK)
    with pytest.raises(SlotInvalid) as refused:
        service.book("2026-11-28T07:00|Court A", "alice")
    assert "courts open 08:00-20:00 on Saturdays" in refused.value.message
    with pytest.raises(SlotInvalid, match="courts open 08:00-20:00 on Saturdays"):
        service.book("2026-11-28T19:00|Court A", "alice", duration_minutes=120)  # would end after 20:00
    with pytest.raises(SlotInvalid, match="courts open 08:00-20:00 on Saturdays"):
        service.book("2026-11-28T20:00|Court A", "alice")  # Saturday's closing
    assert booked_slots(dynamodb, table_name) == []

    monday = service.book("2026-11-30T07:00|Court A", "alice")
    late = service.book("2026-11-30T20:00|Court B", "bob", duration_minutes=120)  # ends at Monday's 22:00
    assert (monday.date, monday.time, late.time) == (MON, "07:00", "20:00")
    assert len(booked_slots(dynamodb, table_name)) == 3


def test_a_closed_sunday_offers_nothing_and_refuses_a_booking_saying_so(
    club: Any, dynamodb: Any, table_name: str
) -> None:
    service = club(SUNDAYS_CLOSED)
    sunday = service.availability(AvailabilityQuery(date=SUN, time="15:00"))
    assert (sunday.slots, sunday.alternatives, sunday.other_days) == ([], [], [])
    assert sunday.message == "The club is closed on Sundays."
    with pytest.raises(SlotInvalid) as refused:
        service.book("2026-11-29T15:00|Court A", "alice")
    assert refused.value.message == "The club is closed on Sundays."
    assert booked_slots(dynamodb, table_name) == []
    # the same time on the nearest days skips the closed Sunday
    service.book("2026-11-28T15:00|Court A", "ann")
    full_saturday = [service.book(f"2026-11-28T15:00|Court {c}", u) for c, u in (("B", "ben"), ("C", "cat"))]
    assert len(full_saturday) == 2
    nearby = service.availability(AvailabilityQuery(date=SAT, time="15:00"))
    assert SUN not in {s.date for s in nearby.other_days}
    assert MON in {s.date for s in nearby.other_days}


def test_a_booking_cannot_be_moved_onto_a_closed_day_or_outside_that_days_hours(club: Any) -> None:
    service = club(SUNDAYS_CLOSED.replace("Mon-Sat 08:00-21:00", "Mon-Fri 08:00-21:00; Sat 09:00-13:00"))
    booking = service.book("2026-11-30T08:00|Court A", "alice")
    with pytest.raises(SlotInvalid, match="The club is closed on Sundays"):
        service.move("alice", booking.booking_id, "2026-11-29T10:00|Court A")
    with pytest.raises(SlotInvalid, match="courts open 09:00-13:00 on Saturdays"):
        service.move("alice", booking.booking_id, "2026-11-28T08:00|Court A")
    moved = service.move("alice", booking.booking_id, "2026-11-28T12:00|Court A")
    assert (moved.date, moved.time) == (SAT, "12:00")


def test_when_every_day_is_alike_the_refusal_names_no_weekday(club: Any) -> None:
    service = club("Mon-Sun 08:00-21:00")
    with pytest.raises(SlotInvalid) as refused:
        service.book("2026-11-28T07:00|Court A", "alice")
    assert "courts open 08:00-21:00 in 60-minute slots" in refused.value.message


def test_the_schedule_gives_the_starts_of_a_given_day() -> None:
    schedule = Schedule(hours(WEEK))
    assert schedule.starts(60, SUN) == schedule.grid(60, SUN) == [f"{h:02d}:00" for h in range(8, 20)]
    assert schedule.starts(180, MON)[-1] == "19:00"
    assert Schedule(hours(SUNDAYS_CLOSED)).starts(60, SUN) == Schedule(hours(SUNDAYS_CLOSED)).grid(60, SUN) == []
