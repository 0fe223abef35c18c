"""OfflineParser: runs the readers in order over one message and combines what they found.

The order, and why it matters, is described in the package docstring (`__init__.py`).
Here the candidates become one `Reading`: the most specific date, time, court and length
(the last after "actually"), an exact time over a window, a day part's window when nothing
else was given, the action from the wording, a bare yes or no, and what was written but
does not exist, quoted. In a conversation `conversation.in_conversation` then resolves
that reading against the context; without one the reading is the answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from courtbooking.config import Facility
from courtbooking.models import Booking, BookingRef, ConversationContext, Intent, Slot, TimeWindow
from courtbooking.schedule import hhmm

from .action import action, is_instruction
from .conversation import in_conversation
from .corrections import read_correction
from .courts import CourtReader
from .dates import DateReader
from .durations import read_duration, read_relative_instant
from .moves import names_move, read_move
from .normalise import as_written, normalise
from .offers import read_booking_place, read_offer_words
from .replies import read_reply
from .scan import CORRECTION, Candidate, DateCandidate, Reading, Scan, Span, choose, pick
from .times import TimeReader

_LEADING_WORDS = re.compile(r"^(?:(?:on|at|the|from|by|around|about)\s+)+")
_MAX_QUOTE = 80


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
        listed = list(context.bookings) if context is not None else None
        reading = self._read(normal, message, local, context.offers if context is not None else (), listed)
        parts = listed if listed is not None else []
        read = lambda part: self._read(part, message, local, (), parts)  # noqa: E731 - reads a part of the message
        if context is not None:
            reading = in_conversation(reading, normal, context, read)
        else:  # "move my 5pm to Saturday" is a move in a first message too, never a second booking
            reading = read_move(normal, reading, ConversationContext(), read) or reading
        return _intent(reading, message)

    def _read(
        self,
        normal: str,
        message: str,
        local: dt.datetime,
        offers: Sequence[Slot] = (),
        listed: Sequence[Booking] | None = None,
    ) -> Reading:
        """What `normal` (the normalised message, or a part of it) says on its own: steps 2 to 7.
        `listed`: the bookings the last answer listed, when in a conversation (None: none)."""
        scan = Scan(text=normal, today=local.date(), now=local)
        self._courts.read(scan, message)
        moving = names_move(normal)  # "move the first one to 5pm": a booking, never an offer
        if offers and action(normal, False) not in ("cancel", "list") and not moving:
            read_offer_words(scan, offers)
        elif listed is not None or action(normal, False) == "cancel" or moving:
            read_booking_place(scan, listed or ())
        read_relative_instant(scan)
        read_duration(scan)
        self._dates.read(scan)
        self._times.read_day_part(scan, normal)
        date = choose(scan.dates, normal)
        day = date.value if date is not None else None
        self._times.read_windows(scan, day)
        self._times.read_times(scan, day)
        read_correction(scan, self._times, day)
        return _combine(scan, normal, message, date)


def _combine(scan: Scan, normal: str, message: str, date: DateCandidate | None) -> Reading:
    time = choose(scan.times, normal)
    minutes = time.value if time is not None else None
    window: Span | None = None
    if time is None and scan.windows:
        chosen = scan.windows[-1] if CORRECTION.search(normal) else scan.windows[0]
        window = chosen.span
    elif time is None and scan.day_part is not None:
        window = scan.day_part.span

    court = choose(scan.courts, normal)
    kind = action(normal, (date is not None and date.value is not None) or minutes is not None or window is not None)
    if court is not None and court.value is None and kind == "book":
        kind = "check"  # "book court Z": no such court; show what is free rather than book another
    duration = pick(scan.durations, normal)
    if duration is None and scan.range_minutes and kind == "book" and window is not None:
        duration = scan.range_minutes  # "book 2 to 4pm": two hours from 2, not any hour between
    reading = Reading(
        action=kind,
        date=date.value if date is not None else None,
        time=minutes,
        window=window,
        court=court.value if court is not None else None,
        duration=duration,
        offer=scan.offer,
        place=scan.place,
        impossible_date=_impossible(date, normal, message),
        impossible_time=_impossible(time, normal, message),
        unknown_court=court.name if court is not None and court.value is None else None,
        bare_weekday=date is not None and date.bare_weekday,
    )
    if not reading.says_anything:
        reply = read_reply(scan.text)
        reading.reply = None if reply == "no" and scan.offer is not None else reply  # "no, the second one"
    return reading


def _impossible(candidate: Candidate[object] | None, normal: str, message: str) -> str | None:
    """What was written for a date or time that does not exist ("30 February", "25:00"), as written."""
    if candidate is None or candidate.value is not None or candidate.end <= candidate.position:
        return None
    phrase = _LEADING_WORDS.sub("", normal[candidate.position : candidate.end].strip(" ~,"))
    return as_written(message, phrase)[:_MAX_QUOTE] or None


def _intent(reading: Reading, message: str) -> Intent:
    window = reading.window
    return Intent(
        action=reading.action,
        date=reading.date,
        time=hhmm(reading.time) if reading.time is not None else None,
        window=TimeWindow(start=hhmm(window.start), end=hhmm(window.end)) if window else None,
        court=reading.court,
        duration_minutes=reading.duration,
        offer=reading.offer,
        reply=reading.reply,
        booking=reading.booking or (BookingRef(place=reading.place) if reading.place is not None else None),
        impossible=reading.impossible_date or reading.impossible_time,
        unknown_court=reading.unknown_court,
        raw_message=message,
        parser="offline",
    )
