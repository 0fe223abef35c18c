"""OfflineParser: runs the readers in order over one message and combines what they found.

The order, and why it matters, is described in the package docstring (`__init__.py`).
Here the candidates become one `Reading`: the most specific date, time, court and length
(the last after "actually"), an exact time over a window, a day part's window when nothing
else was given, the action from the wording, a bare yes or no, and what was written but
does not exist, quoted. In a conversation `conversation.in_conversation` then resolves
that reading against the context; without one the reading is the answer.

A history ("what did I play last month?") and a closure ("close court B tomorrow 2pm to 5pm
for coaching") are read as said, never resolved in the conversation: a history gets its
`period` (a single day is a period of one day), which bookings (`history`: past or
cancelled) and no time; a list that names days gone by ("what did I book last week?") is
a history. A closure gets its court (None: every court, only when it says so: "all courts", "the club";
a court it names that is not one is `unknown_court`), one `date` or a `period`, the
hours closed as a `window` (an exact start is one slot, "from 2pm" runs to closing, a
length runs from its start; none: the whole day) and its `reason`. Asked why a closure is
wanted (the context's action is close), "for coaching" alone is that reason (action close,
nothing else).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from courtbooking.config import Facility
from courtbooking.models import Action, Booking, BookingRef, ConversationContext, DateRange, Intent, Slot, TimeWindow
from courtbooking.schedule import hhmm

from .action import action, closes_a_court, history_of, is_instruction
from .closures import read_reason
from .conversation import in_conversation
from .corrections import read_correction
from .courts import CourtReader
from .dates import DateReader
from .durations import read_duration, read_relative_instant
from .moves import names_move, read_move
from .normalise import as_written, normalise
from .offers import read_booking_place, read_offer_words
from .periods import Mode, read_periods, read_ranges
from .replies import read_reply
from .scan import CORRECTION, Candidate, DateCandidate, Period, Reading, Scan, Span, choose, pick
from .series import read_series
from .times import TimeReader

_LEADING_WORDS = re.compile(r"^(?:(?:on|at|the|from|by|around|about)\s+)+")
_MAX_QUOTE = 80
_AS_SAID: tuple[Action, ...] = ("history", "close")  # read as said, never resolved in the conversation
_UNTIL = re.compile(r"\b(?:until|till|til|up\s+until)\b")  # a waitlist's deadline follows
_LAST_MINUTE = 24 * 60 - 1  # a window ends at 23:59 at the latest (HH:MM)


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
        series = read_series(normal, message, local.date(), context, lambda text: self._read(text, message, local).date)
        if series is not None:  # a recurring booking: its own days and span; the rest read for time, court, length
            ask, rest = series
            reading = self._read(rest, message, local)
            reading.action, reading.series = "series", ask
            if ask.step != "skip":
                reading.date = None
            return _intent(reading, message)
        reading = self._read(normal, message, local, context.offers if context is not None else (), listed)
        deadline_text = None
        if reading.action == "waitlist" and (deadline := _UNTIL.search(normal)) is not None:
            # "... until Thursday noon": the deadline is read apart, the rest as the start waited for
            head, deadline_text = normal[: deadline.start()], normal[deadline.end() :]
            reading = self._read(head, message, local, context.offers if context is not None else (), listed)
            reading.action = "waitlist"
        parts = listed if listed is not None else []
        read = lambda part: self._read(part, message, local, (), parts)  # noqa: E731 - reads a part of the message
        if reading.action in _AS_SAID:
            pass  # a history or a closure says all it means; nothing is inherited or taken
        elif context is not None and context.action == "close" and _asks_nothing(reading, normal):
            # Asked why a closure is wanted: "for coaching" is that reason alone; "court C for coaching at 3pm"
            # a closure of the day in focus. Without a reason it is read as any follow-up.
            closure = self._read(normal, message, local, closing=True)
            if closure.reason is not None:
                return _intent(_closure_in_focus(closure, context, reading.says_anything), message)
            reading = in_conversation(reading, normal, context, read)
        elif context is not None:
            reading = in_conversation(reading, normal, context, read)
        else:  # "move my 5pm to Saturday" is a move in a first message too, never a second booking
            reading = read_move(normal, reading, ConversationContext(), read) or reading
        if deadline_text is not None:  # a time alone is on the day waited for, the conversation's if not said
            waited = reading.date or (context.date if context is not None else None)
            reading.until = self._deadline(deadline_text, message, local, waited)
        return _intent(reading, message)

    def _deadline(self, text: str, message: str, local: dt.datetime, day: dt.date | None) -> str | None:
        """A waitlist's deadline as a wall time: its day (else the day waited for, else today) at its time
        (else the end of that day, 23:59); None when it says neither."""
        said = self._read(text, message, local)
        if said.date is None and said.time is None:
            return None
        date = said.date or day or local.date()
        return f"{date.isoformat()}T{hhmm(said.time) if said.time is not None else '23:59'}"

    def _read(
        self,
        normal: str,
        message: str,
        local: dt.datetime,
        offers: Sequence[Slot] = (),
        listed: Sequence[Booking] | None = None,
        *,
        closing: bool = False,
    ) -> Reading:
        """What `normal` (the normalised message, or a part of it) says on its own: steps 2 to 7.
        `listed`: the bookings the last answer listed, when in a conversation (None: none);
        `closing`: read it as a closure (the conversation asked for one's reason)."""
        asked = "close" if closing else action(normal, False)
        mode = _period_mode(asked)
        scan = Scan(text=normal, today=local.date(), now=local, past=mode == "history" or _since(mode, normal))
        self._courts.read(scan, message)
        moving = names_move(normal)  # "move the first one to 5pm": a booking, never an offer
        if asked in _AS_SAID:
            pass  # neither an offer nor a listed booking: a history or a closure names its own days
        elif offers and asked not in ("cancel", "list") and not moving:
            read_offer_words(scan, offers)
        elif listed is not None or asked == "cancel" or moving:
            read_booking_place(scan, listed or ())
        read_relative_instant(scan)
        read_duration(scan)
        if mode is not None:
            read_ranges(scan, mode)
        self._dates.read(scan)
        if mode is not None:
            read_periods(scan, mode)
        self._times.read_day_part(scan, normal)
        date = choose(scan.dates, normal)
        day = date.value if date is not None else None
        self._times.read_windows(scan, day, from_opens=asked == "close")
        self._times.read_times(scan, day)
        read_correction(scan, self._times, day)
        reading = _combine(scan, normal, message, date)
        if closing:
            reading.action = "close"
        if reading.action == "history":
            return _as_history(reading, scan, normal)
        if reading.action == "close":
            return _as_closure(reading, scan, normal, message, self.facility.slot_minutes)
        return reading


def _asks_nothing(reading: Reading, normal: str) -> bool:
    """No action in so many words, no offer, no reply ("for coaching", "court C for coaching at 3pm")."""
    return action(normal, False) is None and reading.reply is None and reading.offer is None


def _closure_in_focus(closure: Reading, context: ConversationContext, says_more: bool) -> Reading:
    """The reason for the closure asked about: alone, only the reason (the rest is as asked before);
    with more, a closure of what it says, on the day and court in focus where it does not say."""
    if not says_more:
        return Reading(action="close", reason=closure.reason)
    days = closure.date or closure.period or closure.impossible_date
    return replace(
        closure,
        date=closure.date if days else context.date,
        court=closure.court or (None if closure.unknown_court else context.court),
    )


def _period_mode(asked: Action | None) -> Mode | None:
    """Whether, and how, to read periods: for a history, a closure, or a list (which looks back only)."""
    if asked == "history":
        return "history"
    if asked == "close":
        return "close"
    return "list" if asked == "list" else None


def _since(mode: Mode | None, normal: str) -> bool:
    """'what have I booked since Monday?': a list that looks back reads its days back too."""
    return mode == "list" and "since" in normal


def _as_history(reading: Reading, scan: Scan, normal: str) -> Reading:
    """A history: its days as a period (a day alone is a period of one day), which bookings, no time."""
    period = scan.period
    if period is None and reading.date is not None:
        period = Period(reading.date, reading.date, back=reading.date < scan.today)
    return replace(
        reading,
        action="history",
        date=None,
        time=None,
        window=None,
        duration=None,
        reply=None,
        period=period,
        history=history_of(normal),
        impossible_time=None,
    )


def _as_closure(reading: Reading, scan: Scan, normal: str, message: str, slot: int) -> Reading:
    """A closure: one day or a period, the hours closed as a window (none: the whole day), the reason."""
    period = scan.period
    date = reading.date
    if period is not None:
        date = period.start if period.start == period.end else None
        period = None if period.start == period.end else period
    start = reading.time if reading.time is not None else reading.window.start if reading.window else None
    end = reading.window.end if reading.window is not None and reading.time is None else None
    if start is not None and reading.duration is not None:
        end = start + reading.duration  # "for 3 hours from 2pm": its length from its start
    elif start is not None and end is None:
        end = start + slot  # an exact start: that one slot
    window = Span(start, min(end, _LAST_MINUTE)) if start is not None and end is not None else None
    unknown_court = reading.unknown_court
    if reading.court is None and unknown_court is None:
        named = closes_a_court(normal)  # "close centre court": a court that is not one, never every court
        unknown_court = as_written(message, named)[:_MAX_QUOTE] if named else None
    return replace(
        reading,
        action="close",
        date=date,
        time=None,
        window=window if window is not None and window.start < window.end else None,
        duration=None,
        reply=None,
        period=period,
        unknown_court=unknown_court,
        reason=read_reason(scan, message),
    )


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
    if kind == "list" and _looks_back(scan, date):
        kind = "history"  # "what did I book last week?", "my bookings since Monday": one's bookings gone by
    reading = Reading(
        action=kind,
        date=date.value if date is not None else None,
        time=minutes,
        window=window,
        court=court.value if court is not None else None,
        duration=duration,
        offer=scan.offer,
        place=scan.place,
        impossible_date=_impossible(date, normal, message) or _impossible_period(scan, message),
        impossible_time=_impossible(time, normal, message),
        unknown_court=court.name if court is not None and court.value is None else None,
        bare_weekday=date is not None and date.bare_weekday,
    )
    if not reading.says_anything:
        reply = read_reply(scan.text)
        reading.reply = None if reply == "no" and scan.offer is not None else reply  # "no, the second one"
    return reading


def _looks_back(scan: Scan, date: DateCandidate | None) -> bool:
    if scan.period is not None:
        return scan.period.back
    return date is not None and date.value is not None and date.value < scan.today


def _impossible_period(scan: Scan, message: str) -> str | None:
    """What was written for a range of days that does not exist ("30 to 31 February"), as written."""
    if scan.impossible_period is None:
        return None
    phrase = re.sub(r"^(?:from|between)\s+", "", scan.impossible_period)
    return as_written(message, phrase)[:_MAX_QUOTE] or None


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
        period=DateRange(start=reading.period.start, end=reading.period.end) if reading.period else None,
        history=reading.history,
        reason=reading.reason,
        until=reading.until,
        series=reading.series,
        raw_message=message,
        parser="offline",
    )
