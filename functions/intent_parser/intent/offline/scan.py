"""What one reading of a message gathers: the masked text and what each reader found in it.

Every reader (courts, durations, dates, times) looks at `Scan.text`, adds what it
found as candidates, and masks what it read with `consume`, so the readers after
it do not read the same words again. Times are minutes since midnight, local to
the facility. `pick` then chooses one date and one time among the candidates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeAlias, TypeVar

Meridiem: TypeAlias = Literal["am", "pm"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Span:
    """A range of start times, in minutes since midnight; start < end."""

    start: int
    end: int


@dataclass(slots=True)
class Candidate(Generic[T]):
    """One reading of a date or a time, found at `position` in the text."""

    position: int
    priority: int  # lower wins: an explicit "3pm" over a bare "at 3"
    value: T | None  # None when what was written is impossible ("February 30th", "25:00")


class DateCandidate(Candidate[dt.date]):
    __slots__ = ()


class TimeCandidate(Candidate[int]):
    """The value is minutes since midnight."""

    __slots__ = ()


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


@dataclass(slots=True)
class Scan:
    text: str  # the normalised message, masked as it is read
    today: dt.date  # local
    now: dt.datetime  # local
    dates: list[DateCandidate] = field(default_factory=list)
    times: list[TimeCandidate] = field(default_factory=list)
    windows: list[WindowCandidate] = field(default_factory=list)
    court: str | None = None
    unknown_court: bool = False  # a court was named that the facility does not have
    duration: int | None = None  # minutes
    range_minutes: int | None = None  # the length of a written range ("2 to 4pm"), when a booking can span it
    day_part: DayPart | None = None

    @property
    def hint(self) -> Meridiem | None:
        """am/pm for a bare hour, from a day part."""
        return self.day_part.hint if self.day_part else None

    def consume(self, match: re.Match[str], filler: str = " ") -> None:
        """Mask what a pattern read; dates leave "~" so "3 tomorrow" still sees a day follows."""
        start, end = match.span()
        self.text = self.text[:start] + filler * (end - start) + self.text[end:]


CORRECTION = re.compile(
    r"\b(?:actually|instead|make\s+it|change\s+(?:it\s+)?to|no\s+wait|sorry|rather|scratch\s+that|i\s+mean|i\s+meant"
    r"|correction)\b|\bno\s*,"
)


def pick(candidates: Sequence[Candidate[T]], normal: str) -> T | None:
    """The most specific candidate, then the first; after "actually"/"instead", the last one."""
    if not candidates:
        return None
    if len(candidates) > 1 and CORRECTION.search(normal):
        return max(candidates, key=lambda c: c.position).value
    return min(candidates, key=lambda c: (c.priority, c.position)).value


def count(text: str) -> int:
    """A written count: "a"/"an" is one, otherwise digits."""
    return 1 if text in ("a", "an") else int(text)


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)
