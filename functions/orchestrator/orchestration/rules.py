"""The facility's rules, checked against what was asked before anything is looked up or booked.

Each check answers None (the request is inside the rules) or a `Problem`: which rule
applied, in plain words, and the nearest thing that is allowed (a start time or a
length to look up instead). The workflow puts that in front of the person; nothing
is ever changed silently. The services check the same rules again on their side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from courtbooking import words
from courtbooking.config import Facility
from courtbooking.schedule import Schedule, hhmm, minutes_of


@dataclass(frozen=True)
class Problem:
    reason: str  # the rule, as said to the person
    times: tuple[str, ...] = ()  # the nearest allowed starts, to offer instead
    duration: int | None = None  # the nearest allowed length, to offer instead
    date: dt.date | None = None  # the day to offer them on, when not the day asked


class Rules:
    def __init__(self, facility: Facility) -> None:
        self.facility = facility
        self.schedule = Schedule(facility)

    @property
    def hours(self) -> str:
        f = self.facility
        return f"{f.opening:%H:%M}-{f.closing:%H:%M}"

    def today(self, now: dt.datetime) -> dt.date:
        return self.schedule.local_now(now).date()

    def day_for_time(self, time: str, now: dt.datetime) -> dt.date:
        """A time said without a day: today while it is still ahead in the facility's zone, else tomorrow."""
        today = self.today(now)
        start = self.schedule.wall_time(today, time)
        return today if start is not None and start > now else today + dt.timedelta(days=1)

    def duration(self, minutes: int | None) -> Problem | None:
        """A length that is not whole slots, or longer than the most allowed: say what can be booked."""
        if minutes is None:
            return None
        step, most = self.facility.slot_minutes, self.schedule.max_minutes
        if minutes % step == 0 and minutes <= most:
            return None
        nearest = min(most, max(step, -(-minutes // step) * step))
        if minutes > most:
            reason = f"{words.length(minutes)} isn't possible: a booking may last at most {words.length(most)}."
        else:
            reason = f"{words.length(minutes)} isn't possible: slots are {step} minutes."
        return Problem(reason, duration=nearest)

    def date(self, date: dt.date, now: dt.datetime) -> Problem | None:
        """A day in the past or beyond the booking horizon."""
        problem = self.schedule.date_problem(date, now)
        return Problem(problem) if problem else None

    def time(self, date: dt.date, time: str, duration: int, now: dt.datetime) -> Problem | None:
        """A start outside the opening hours, off the slot grid, or already past today."""
        f, minutes = self.facility, minutes_of(time)
        grid = self.schedule.starts(duration)
        if not grid:
            return Problem(f"The courts are open {self.hours}, too short for {words.length(duration)}.")
        if minutes < f.opening_minutes:
            return Problem(f"The courts are open {self.hours}: the first start is {grid[0]}.", times=(grid[0],))
        if minutes + duration > f.closing_minutes:
            for_length = "" if duration == f.slot_minutes else f" for {words.length(duration)}"
            return Problem(
                f"The courts are open {self.hours}: the latest start{for_length} is {grid[-1]}.", times=(grid[-1],)
            )
        if time not in grid:
            before = max((t for t in grid if t < time), default=None)
            after = min((t for t in grid if t > time), default=None)
            return Problem(
                f"Slots start every {f.slot_minutes} minutes, {self._grid_words()}.",
                times=tuple(t for t in (before, after) if t),
            )
        start = self.schedule.wall_time(date, time)
        if start is None:
            return Problem(words.wall_time_skipped(time, date, f))
        if start <= now:
            tomorrow = date + dt.timedelta(days=1)
            return Problem(f"{time} today has already passed.", times=(time,), date=tomorrow)
        return None

    def _grid_words(self) -> str:
        f = self.facility
        if f.slot_minutes % 60 == 0 and f.opening.minute == 0:
            return "on the hour"
        return f"from {f.opening:%H:%M} ({hhmm(f.opening_minutes)}, {hhmm(f.opening_minutes + f.slot_minutes)}, ...)"
