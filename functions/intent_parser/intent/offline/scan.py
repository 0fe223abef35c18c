"""What one reading of a message gathers: the masked text and what each reader found in it.

Every reader (courts, offers, durations, dates, times) looks at `Scan.text`, adds what
it found as candidates, and masks what it read with `consume`, so the readers after
it do not read the same words again. Times are minutes since midnight, local to
the facility. `pick` then chooses one court, length, date and time among the
candidates, and `Reading` holds what they come to: what one text says on its own,
before the conversation is taken into account.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeAlias, TypeVar

from courtbooking.models import Action, BookingRef, HistoryWhen, Reply, SeriesAsk

Meridiem: TypeAlias = Literal["am", "pm"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Span:
    """A range of start times, in minutes since midnight; start < end."""

    start: int
    end: int


@dataclass(slots=True)
class Candidate(Generic[T]):
    """One reading of a date, a time, a court or a length, found at `position` in the text."""

    position: int
    priority: int  # lower wins: an explicit "3pm" over a bare "at 3"
    value: T | None  # None when what was written is impossible ("February 30th", "25:00")
    end: int = 0  # where what was read ends, so an impossible value can be quoted


@dataclass(slots=True)
class DateCandidate(Candidate[dt.date]):
    """A day; `bare_weekday` when it was a weekday alone ("wed", "on Friday"): the next one from today,
    which a follow-up that adds a day ("and wed") reads from the day in focus instead."""

    bare_weekday: bool = False


class TimeCandidate(Candidate[int]):
    """The value is minutes since midnight."""

    __slots__ = ()


class DurationCandidate(Candidate[int]):
    """How long to play, in minutes; None when it is not a plausible length."""

    __slots__ = ()


@dataclass(slots=True)
class CourtCandidate(Candidate[str]):
    """A court named: its configured name, or None with `name` ("Court D") when there is no such court."""

    name: str = ""


@dataclass(frozen=True, slots=True)
class WindowCandidate:
    """A range such as "between 4 and 6pm" or "after 5", found at `position` in the text."""

    position: int
    span: Span


@dataclass(frozen=True, slots=True)
class DayPart:
    """What a day part said ("tomorrow evening"): its window, and am/pm for a bare hour."""

    span: Span | None  # None when the part lies wholly outside the day
    hint: Meridiem | None  # None for parts on both sides of noon ("lunchtime")


@dataclass(frozen=True, slots=True)
class Period:
    """Days, both included ("last month", "14 to 18 December"); `back` when the words look back
    ("last week", "since Monday", "in October" gone by), which makes a question about one's
    bookings a history."""

    start: dt.date
    end: dt.date
    back: bool = False


@dataclass(slots=True)
class Scan:
    text: str  # the normalised message, masked as it is read
    today: dt.date  # local
    now: dt.datetime  # local
    past: bool = False  # a history: "Tuesday", "3 November" are the last such day, not the next one
    dates: list[DateCandidate] = field(default_factory=list)
    times: list[TimeCandidate] = field(default_factory=list)
    windows: list[WindowCandidate] = field(default_factory=list)
    courts: list[CourtCandidate] = field(default_factory=list)
    durations: list[DurationCandidate] = field(default_factory=list)
    offer: int | None = None  # an offer taken by its place ("the second one"), an index into the offers
    place: int | None = None  # a booking listed, named by its place ("cancel the second one")
    range_minutes: int | None = None  # the length of a written range ("2 to 4pm"), when a booking can span it
    day_part: DayPart | None = None
    period: Period | None = None  # a range of days (a history or a closure)
    impossible_period: str | None = None  # a range written that does not exist ("30-31 February")

    @property
    def hint(self) -> Meridiem | None:
        """am/pm for a bare hour, from a day part."""
        return self.day_part.hint if self.day_part else None

    def consume(self, match: re.Match[str], filler: str = " ") -> None:
        """Mask what a pattern read; dates leave "~" so "3 tomorrow" still sees a day follows."""
        start, end = match.span()
        self.text = self.text[:start] + filler * (end - start) + self.text[end:]

    def negated(self, start: int) -> bool:
        """Whether what is read at `start` follows "not" ("not at 3 but at 4", "not court A"): read, not offered."""
        return _NOT_THIS.search(self.text, max(0, start - 20), start) is not None


@dataclass(slots=True)
class Reading:
    """What one text says on its own, once `pick` has chosen: the step before the conversation.

    Times are minutes since midnight; `booking` is which booking a move or cancel is about.
    """

    action: Action | None = None
    date: dt.date | None = None
    time: int | None = None
    window: Span | None = None
    court: str | None = None
    duration: int | None = None
    offer: int | None = None
    reply: Reply | None = None
    booking: BookingRef | None = None
    place: int | None = None  # which of the bookings listed, by its place (0 the first)
    impossible_date: str | None = None  # as written ("30 February")
    impossible_time: str | None = None  # as written ("25:00")
    unknown_court: str | None = None  # a display name ("Court D")
    bare_weekday: bool = False  # the date is a weekday alone ("wed"): the next one from today
    period: Period | None = None  # the days a history or a closure covers (then `date` is None)
    history: HistoryWhen | None = None  # which bookings a history asks for: past or cancelled
    reason: str | None = None  # why a closure closes, as written ("resurfacing")
    until: str | None = None  # a waitlist's deadline, a wall time YYYY-MM-DDTHH:MM ("until Thursday noon")
    series: SeriesAsk | None = None  # what a message says of a recurring booking ("every Tuesday for 6 weeks")

    @property
    def says_when(self) -> bool:
        """A date, time or window was written, even an impossible one."""
        return bool(self.date or self.time is not None or self.window or self.impossible_date or self.impossible_time)

    @property
    def says_anything(self) -> bool:
        """A date, time, court or length of its own: then the message is no bare yes or no."""
        return self.says_when or bool(self.court or self.unknown_court or self.duration)


CORRECTION = re.compile(
    r"\b(?:actually|instead|make\s+it|change\s+(?:it\s+)?to|no\s+wait|sorry|rather|scratch\s+that|i\s+mean|i\s+meant"
    r"|correction)\b|\bno\s*,"
)


# A value just after one of these is read but not offered ("not at 3 but at 4", "not court A, court B").
_NOT_THIS = re.compile(r"(?:\bnot|\bisnt|\bexcept|\binstead\s+of|\brather\s+than)\s+(?:(?:at|on|for)\s+)?$")

C = TypeVar("C", bound=Candidate)  # any kind of candidate


def choose(candidates: Sequence[C], normal: str) -> C | None:
    """The most specific candidate, then the first; after "actually"/"instead", the last one."""
    if not candidates:
        return None
    if len(candidates) > 1 and CORRECTION.search(normal):
        return max(candidates, key=lambda c: c.position)
    return min(candidates, key=lambda c: (c.priority, c.position))


def pick(candidates: Sequence[Candidate[T]], normal: str) -> T | None:
    """The value of the chosen candidate (see `choose`)."""
    chosen = choose(candidates, normal)
    return chosen.value if chosen is not None else None


def count(text: str) -> int:
    """A written count: "a"/"an" is one, otherwise digits."""
    return 1 if text in ("a", "an") else int(text)


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)
