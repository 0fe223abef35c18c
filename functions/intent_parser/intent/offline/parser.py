"""OfflineParser: runs the readers in order over one message and combines what they found.

The order, and why it matters, is described in the package docstring (`__init__.py`).
Here the candidates become one answer: the most specific date and time (the last
after "actually"), an exact time over a window, a day part's window when nothing
else was given, then the action from the wording.
"""

from __future__ import annotations

import datetime as dt

from courtbooking.config import Facility
from courtbooking.models import ConversationContext, Intent, TimeWindow
from courtbooking.schedule import hhmm

from .action import action, is_instruction
from .courts import CourtReader
from .dates import DateReader
from .durations import read_duration, read_relative_instant
from .normalise import normalise
from .scan import CORRECTION, Scan, Span, pick
from .times import TimeReader


class OfflineParser:
    """Reads a message with hand-written rules; `parse` takes well under a millisecond and never raises."""

    def __init__(self, facility: Facility) -> None:
        self.facility = facility
        self._courts = CourtReader(facility.courts)
        self._dates = DateReader(month_first=getattr(facility.timezone, "key", "").startswith("America/"))
        self._times = TimeReader(
            opening=facility.opening_minutes, closing=facility.closing_minutes, slot=facility.slot_minutes
        )

    def parse(self, message: str, now: dt.datetime, context: ConversationContext | None = None) -> Intent:
        if not isinstance(message, str):
            message = str(message)
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        local = now.astimezone(self.facility.timezone)
        normal = normalise(message)
        if is_instruction(normal, message):
            return Intent(raw_message=message, parser="offline")  # an instruction to the system, not a request
        scan = Scan(text=normal, today=local.date(), now=local)

        self._courts.read(scan, message)
        read_relative_instant(scan)
        read_duration(scan)
        self._dates.read(scan)
        self._times.read_day_part(scan, normal)
        date = pick(scan.dates, normal)
        self._times.read_windows(scan, date)
        self._times.read_times(scan, date)
        time = pick(scan.times, normal)

        window: Span | None = None
        if time is None and scan.windows:
            chosen = scan.windows[-1] if CORRECTION.search(normal) else scan.windows[0]
            window = chosen.span
        elif time is None and scan.day_part is not None:
            window = scan.day_part.span

        kind = action(normal, date is not None or time is not None or window is not None)
        if scan.unknown_court and scan.court is None and kind == "book":
            kind = "check"  # "book court Z": no such court; show what is free rather than book another
        duration = scan.duration
        if duration is None and scan.range_minutes and kind == "book" and window is not None:
            duration = scan.range_minutes  # "book 2 to 4pm": two hours from 2, not any hour between
        return Intent(
            action=kind,
            date=date,
            time=hhmm(time) if time is not None else None,
            window=TimeWindow(start=hhmm(window.start), end=hhmm(window.end)) if window else None,
            court=scan.court,
            duration_minutes=duration,
            raw_message=message,
            parser="offline",
        )
