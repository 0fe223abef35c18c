"""The facility's timetable: which (court, date, start) slots exist and may be booked.

Slots are not stored; they are computed from the facility settings. A slot id
is readable and self-describing, and exact: `2026-11-28T15:00|Court A`, the
date, the local wall time as HH:MM, and a court spelled as configured.

Wall times are the facility's. On the day clocks go forward, a wall time that
does not exist (01:30 in London) is not offered, nor a booking that would
cover one; on the day they go back, a wall time that happens twice is offered
once, for its first occurrence (fold=0), with that instant.
"""

from __future__ import annotations

import datetime as dt
import re

from . import words
from .config import Facility
from .errors import SlotInvalid
from .models import TimeWindow

MAX_BOOKING_MINUTES = 180
_SEPARATOR = "|"
_SLOT_ID = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})\|(.+)")
SLOT_ID_FORM = "YYYY-MM-DDTHH:MM|<court>"


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minutes_of(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def fits(time: str, duration_minutes: int, window: TimeWindow) -> bool:
    """A slot of this length, starting at `time`, is played inside the window (what may be offered for it)."""
    start = minutes_of(time)
    return minutes_of(window.start) <= start and start + duration_minutes <= minutes_of(window.end)


def starts_in(time: str, window: TimeWindow) -> bool:
    """A booking starting at `time` is one the person means by this window ("my booking this afternoon")."""
    return window.start <= time < window.end


class Schedule:
    def __init__(self, facility: Facility) -> None:
        self.facility = facility

    # --- ids -------------------------------------------------------------------
    @staticmethod
    def slot_id(court: str, date: dt.date, time: str) -> str:
        return f"{date.isoformat()}T{time}{_SEPARATOR}{court}"

    def parse_slot_id(self, slot_id: str) -> tuple[str, dt.date, str]:
        """(court, date, time) of a slot id, or SlotInvalid naming what is wrong.

        Exact: no offset, no seconds, no other spelling of a court ("court a" is not "Court A").
        """
        found = _SLOT_ID.fullmatch(slot_id)
        if found is None:
            raise SlotInvalid(words.slot_id_form(slot_id, SLOT_ID_FORM))
        date_text, time_text, court_name = found.groups()
        try:
            date = dt.date.fromisoformat(date_text)
            dt.time.fromisoformat(time_text)
        except ValueError:
            raise SlotInvalid(words.slot_id_not_real(slot_id)) from None
        if court_name not in self.facility.courts:
            raise SlotInvalid(words.no_such_court_in_slot_id(court_name, self.facility))
        return court_name, date, time_text

    # --- durations -------------------------------------------------------------
    def check_duration(self, duration_minutes: int | None) -> int:
        """A length asked for: whole slots, at most the maximum (SlotInvalid naming the rule otherwise);
        one slot when none is given. Never rounded: the chat asks before it books another length."""
        step = self.facility.slot_minutes
        if duration_minutes is None:
            return step
        if duration_minutes % step:
            raise SlotInvalid(words.duration_not_whole_slots(step))
        if duration_minutes > self.max_minutes:
            raise SlotInvalid(words.duration_too_long(self.max_minutes))
        return duration_minutes

    @property
    def max_minutes(self) -> int:
        """The longest booking: MAX_BOOKING_MINUTES in whole slots (one slot at least)."""
        step = self.facility.slot_minutes
        return max(step, (MAX_BOOKING_MINUTES // step) * step)

    # --- time ----------------------------------------------------------------
    def local_now(self, now: dt.datetime) -> dt.datetime:
        return now.astimezone(self.facility.timezone)

    def wall_time(self, date: dt.date, time: str) -> dt.datetime | None:
        """The instant of a local wall time (its first occurrence if it happens twice), or None if it
        does not exist that day (skipped when the clocks go forward)."""
        minutes = minutes_of(time)
        local = dt.datetime.combine(date, dt.time(minutes // 60, minutes % 60), tzinfo=self.facility.timezone)
        round_trip = local.astimezone(dt.UTC).astimezone(self.facility.timezone)
        if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
            return None
        return local

    def start_instant(self, date: dt.date, time: str) -> dt.datetime:
        """The instant a slot starts; SlotInvalid for a wall time that does not exist that day."""
        instant = self.wall_time(date, time)
        if instant is None:
            raise SlotInvalid(words.wall_time_skipped(time, date, self.facility))
        return instant

    def grid(self, duration_minutes: int, date: dt.date) -> list[str]:
        """Every start on that day's slot grid at which a booking of this length fits in its opening
        hours, whether or not each wall time exists that day; none on a day the club is closed."""
        hours = self.facility.hours_on(date)
        if hours is None:
            return []
        opening, closing = hours
        return [hhmm(m) for m in range(opening, closing - duration_minutes + 1, self.facility.slot_minutes)]

    def starts(self, duration_minutes: int, date: dt.date) -> list[str]:
        """The starts that can be booked on that day: on its grid, each slot it covers a wall time that
        exists that day."""
        grid = self.grid(duration_minutes, date)
        return [t for t in grid if all(self.wall_time(date, u) for u in self.units(t, duration_minutes))]

    def units(self, time: str, duration_minutes: int) -> list[str]:
        """The slot starts a booking covers, e.g. 15:00 for 120 min -> [15:00, 16:00]."""
        first = minutes_of(time)
        return [hhmm(m) for m in range(first, first + duration_minutes, self.facility.slot_minutes)]

    def last_bookable_date(self, now: dt.datetime) -> dt.date:
        return self.local_now(now).date() + dt.timedelta(days=self.facility.horizon_days)

    def date_problem(self, date: dt.date, now: dt.datetime) -> str | None:
        """Why nothing can be booked on this date, or None when the date is open."""
        today = self.local_now(now).date()
        if date < today:
            return words.in_the_past(date)
        if date > self.last_bookable_date(now):
            return words.beyond_horizon(self.facility, self.last_bookable_date(now))
        if self.facility.hours_on(date) is None:
            return words.closed_on(date)
        return None

    def check_bookable(self, court: str, date: dt.date, time: str, duration_minutes: int, now: dt.datetime) -> None:
        """Raise SlotInvalid unless this slot exists and can still be booked."""
        problem = self.date_problem(date, now)
        if problem:
            raise SlotInvalid(problem)
        if time not in self.starts(duration_minutes, date):
            raise SlotInvalid(words.not_a_start(time, duration_minutes, date, self.facility))
        if self.start_instant(date, time) <= now:
            raise SlotInvalid(words.already_started(date, time))
        del court  # the court was resolved against the facility when the id was parsed
