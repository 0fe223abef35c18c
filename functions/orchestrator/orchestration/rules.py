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

    def hours(self, date: dt.date) -> str:
        """That day's opening hours as said: "08:00-20:00 on Saturdays" ("08:00-21:00" when every day is alike)."""
        return words.day_hours(self.facility, date)

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
        """A day in the past, beyond the booking horizon, or one the club is closed all day."""
        problem = self.schedule.date_problem(date, now)
        return Problem(problem) if problem else None

    def time(self, date: dt.date, time: str, duration: int, now: dt.datetime) -> Problem | None:
        """A start outside that day's opening hours (or on a day the club is closed), off its slot grid,
        or already past today."""
        f, minutes = self.facility, minutes_of(time)
        hours = f.hours_on(date)
        if hours is None:
            return Problem(words.closed_on(date))
        grid = self.schedule.grid(duration, date)
        if not grid:
            return Problem(f"The courts are open {self.hours(date)}, too short for {words.length(duration)}.")
        if minutes < hours[0]:
            return Problem(f"The courts are open {self.hours(date)}: the first start is {grid[0]}.", times=(grid[0],))
        if minutes + duration > hours[1]:
            for_length = "" if duration == f.slot_minutes else f" for {words.length(duration)}"
            return Problem(
                f"The courts are open {self.hours(date)}: the latest start{for_length} is {grid[-1]}.",
                times=(grid[-1],),
            )
        if time not in grid:
            before = max((t for t in grid if t < time), default=None)
            after = min((t for t in grid if t > time), default=None)
            return Problem(
                f"Slots start every {f.slot_minutes} minutes, {self._grid_words(hours[0])}.",
                times=tuple(t for t in (before, after) if t),
            )
        start = self.schedule.wall_time(date, time)
        if start is None:
            return Problem(words.wall_time_skipped(time, date, f))
        if start <= now:
            later = self._next_day_with(time, duration, date, now)
            reason = f"{time} today has already passed."
            return Problem(reason, times=(time,), date=later) if later else Problem(reason)
        return None

    def time_on_some_day(self, time: str, duration: int, now: dt.datetime) -> Problem | None:
        """A start said without a day ("book at 7am"): None when an open day within the horizon has it (the
        day is asked next). Else why not: the one rule every day breaks, or the week's hours when days differ."""
        problems: list[Problem] = []
        day, last = self.day_for_time(time, now), self.schedule.last_bookable_date(now)
        while day <= last:
            if self.facility.hours_on(day) is not None:
                problem = self.time(day, time, duration, now)
                if problem is None:
                    return None
                problems.append(problem)
            day += dt.timedelta(days=1)
        if not problems:  # no open day ahead at all: each day asked is refused as closed
            return None
        if len({p.reason for p in problems}) == 1:
            return problems[0]
        for_length = "" if duration == self.facility.slot_minutes else f" for {words.length(duration)}"
        return Problem(
            f"No day has a start at {time}{for_length}: the courts are open {words.week_hours(self.facility)}."
        )

    def _next_day_with(self, time: str, duration: int, date: dt.date, now: dt.datetime) -> dt.date | None:
        """The first day after `date`, within the horizon, on which this start can be booked: the same time
        another day, never on a day the club is closed nor outside that day's hours."""
        day, last = date + dt.timedelta(days=1), self.schedule.last_bookable_date(now)
        while day <= last:
            if self.schedule.date_problem(day, now) is None and time in self.schedule.starts(duration, day):
                return day
            day += dt.timedelta(days=1)
        return None

    def _grid_words(self, opening: int) -> str:
        if self.facility.slot_minutes % 60 == 0 and opening % 60 == 0:
            return "on the hour"
        step = self.facility.slot_minutes
        return f"from {hhmm(opening)} ({hhmm(opening)}, {hhmm(opening + step)}, ...)"
