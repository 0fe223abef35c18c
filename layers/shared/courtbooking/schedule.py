"""The facility's timetable: which (court, date, start) slots exist and may be booked.

Slots are not stored; they are computed from the facility settings. A slot id
is readable and self-describing: `2026-11-28T15:00|Court A`.
"""

from __future__ import annotations

import datetime as dt
import math

from .config import Facility
from .errors import SlotInvalid

MAX_BOOKING_MINUTES = 180
_SEPARATOR = "|"


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minutes_of(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class Schedule:
    def __init__(self, facility: Facility) -> None:
        self.facility = facility

    # --- ids -------------------------------------------------------------------
    @staticmethod
    def slot_id(court: str, date: dt.date, time: str) -> str:
        return f"{date.isoformat()}T{time}{_SEPARATOR}{court}"

    def parse_slot_id(self, slot_id: str) -> tuple[str, dt.date, str]:
        """(court, date, time) of a slot id, or SlotInvalid naming what is wrong."""
        stamp, sep, court_name = slot_id.partition(_SEPARATOR)
        date_text, t_sep, time_text = stamp.partition("T")
        if not sep or not t_sep:
            raise SlotInvalid(f"slot_id {slot_id!r} is not of the form YYYY-MM-DDTHH:MM|<court>")
        try:
            date = dt.date.fromisoformat(date_text)
            start = dt.time.fromisoformat(time_text)
        except ValueError:
            raise SlotInvalid(f"slot_id {slot_id!r} does not hold a real date and time") from None
        court = self.facility.court_named(court_name)
        if court is None:
            raise SlotInvalid(f"there is no court called {court_name!r}; courts: {', '.join(self.facility.courts)}")
        return court, date, f"{start.hour:02d}:{start.minute:02d}"

    # --- durations -------------------------------------------------------------
    def whole_slots(self, duration_minutes: int | None) -> int:
        """Duration rounded up to whole slots (for what a person asked in words)."""
        if not duration_minutes:
            return self.facility.slot_minutes
        slots = math.ceil(duration_minutes / self.facility.slot_minutes)
        return min(slots * self.facility.slot_minutes, self._max_minutes())

    def check_duration(self, duration_minutes: int | None) -> int:
        """Duration as given in a booking request: must be whole slots, at most the maximum."""
        step = self.facility.slot_minutes
        if duration_minutes is None:
            return step
        if duration_minutes % step:
            raise SlotInvalid(f"duration_minutes must be a multiple of {step}")
        if duration_minutes > self._max_minutes():
            raise SlotInvalid(f"a booking may last at most {self._max_minutes()} minutes")
        return duration_minutes

    def _max_minutes(self) -> int:
        step = self.facility.slot_minutes
        return max(step, (MAX_BOOKING_MINUTES // step) * step)

    # --- time ----------------------------------------------------------------
    def local_now(self, now: dt.datetime) -> dt.datetime:
        return now.astimezone(self.facility.timezone)

    def start_instant(self, date: dt.date, time: str) -> dt.datetime:
        minutes = minutes_of(time)
        naive = dt.datetime.combine(date, dt.time(minutes // 60, minutes % 60))
        return naive.replace(tzinfo=self.facility.timezone)

    def starts(self, duration_minutes: int) -> list[str]:
        """Every start on the grid at which a booking of this length fits in opening hours."""
        f = self.facility
        last = f.closing_minutes - duration_minutes
        return [hhmm(m) for m in range(f.opening_minutes, last + 1, f.slot_minutes)]

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
            return f"{date:%A %d %B %Y} is in the past."
        if date > self.last_bookable_date(now):
            return (
                f"Courts can be booked up to {self.facility.horizon_days} days ahead "
                f"(until {self.last_bookable_date(now):%A %d %B})."
            )
        return None

    def check_bookable(self, court: str, date: dt.date, time: str, duration_minutes: int, now: dt.datetime) -> None:
        """Raise SlotInvalid unless this slot exists and can still be booked."""
        problem = self.date_problem(date, now)
        if problem:
            raise SlotInvalid(problem)
        if time not in self.starts(duration_minutes):
            f = self.facility
            raise SlotInvalid(
                f"{time} for {duration_minutes} minutes is not a bookable start: courts open "
                f"{f.opening:%H:%M}-{f.closing:%H:%M} in {f.slot_minutes}-minute slots"
            )
        if self.start_instant(date, time) <= now:
            raise SlotInvalid(f"{date.isoformat()} {time} has already started")
        del court  # the court was resolved against the facility when the id was parsed
