"""Step 2b, amounts of time: "in two hours" (an instant: sets a date and a time candidate) and
how long to play ("for 90 minutes", "an hour and a half", "2h30").

Read before dates and times, so "in 2 hours" is not 2 o'clock and "for 3 hours" not 3 o'clock.
Every length written is a candidate (`Scan.durations`); the first kind in the order below
wins, the last one after "actually". A compact hour that is a time of day ("15h", "9h30",
"at 9h") is left to the times: it is one after "at"/"from"/"until" ..., or when it is longer
than any booking may last; "2h", "2h30", "for 15h" and "a 4h session" stay lengths.
"""

from __future__ import annotations

import datetime as dt
import re

from courtbooking.schedule import MAX_BOOKING_MINUTES

from .scan import DateCandidate, DurationCandidate, Scan, TimeCandidate, count, has_digit

_REL_INSTANT = re.compile(
    r"\bin\s+(?:about\s+|around\s+|roughly\s+)?"
    r"(?:(?P<count>\d{1,3}|an?)\s*(?P<unit>hours?|h|minutes?)(?P<half>\s+and\s+a\s+half)?|(?P<halfhour>half\s+an?\s+hour))\b"
    r"|\b(?P<count2>\d{1,3}|an?)\s+(?P<unit2>hours?|minutes?)\s+from\s+now\b"
)
_DURATION_HALF = re.compile(
    r"\b(?:for\s+)?(?:an?\s+|1\s+)?hour\s+and\s+a\s+half\b|\b(?:for\s+)?(?:1|an?)\s+and\s+a\s+half\s+hours?\b"
)
_DURATION_HALF_HOUR = re.compile(r"\b(?:for\s+)?(?:half\s+an?\s+hour|a\s+half\s*-?\s*hour|half\s*-?\s*hour)\b")
_DURATION_HOURS = re.compile(
    r"\b(?:for\s+)?(?:a\s+|an\s+)?(?P<hours>\d{1,2}(?:\.\d{1,2})?|an?)\s*-?\s*(?:hours?|h)(?![a-z])"
    r"(?:\s+and\s+(?P<half>a\s+half)|\s*(?:and\s+)?(?P<mins>\d{1,2})\s*(?:minutes?|m)\b|(?<=h)(?P<hmins>\d{2})\b)?"
)
_DURATION_MINUTES = re.compile(
    r"\b(?:for\s+)?(\d{1,3})\s*-?\s*(?:minutes?|m)\b(?!\s+(?:past|to|before|after|from|later)\b)"
)


def read_relative_instant(scan: Scan) -> None:
    """An instant from now ("in two hours", "in half an hour", "3 hours from now"): a date and a time."""
    if "in " not in scan.text and "from now" not in scan.text:
        return
    for match in _REL_INSTANT.finditer(scan.text):
        if match.group("halfhour"):
            minutes = 30
        else:
            written = match.group("count") or match.group("count2")
            unit = match.group("unit") or match.group("unit2")
            minutes = count(written) * (60 if unit.startswith("h") else 1) + (30 if match.group("half") else 0)
        scan.consume(match)
        if minutes > 24 * 60:
            continue
        at = scan.now + dt.timedelta(minutes=minutes)
        scan.dates.append(DateCandidate(match.start(), 0, at.date()))
        scan.times.append(TimeCandidate(match.start(), 0, at.hour * 60 + at.minute))


_COMPACT_HOUR = re.compile(r"\d{1,2}h(?:[0-5]\d)?")
_CLOCK_WORD = re.compile(r"\b(?:at|from|by|around|about|until|till|before|after|between)\s+$")


def read_duration(scan: Scan) -> None:
    """How long to play: every length written, as candidates; None when it is not a plausible one."""
    if "hour" not in scan.text and "minute" not in scan.text and not has_digit(scan.text):
        return
    for priority, (pattern, minutes) in enumerate(((_DURATION_HALF, 90), (_DURATION_HALF_HOUR, 30))):
        for match in pattern.finditer(scan.text):
            _add_duration(scan, match, priority, minutes)
    for match in _DURATION_HOURS.finditer(scan.text):
        if _clock_hour(scan, match):
            continue  # "15h", "at 9h30": a time of day, read with the times
        written = match.group("hours")
        minutes = 60 if written in ("a", "an") else round(float(written) * 60)
        if match.group("half"):
            minutes += 30
        elif match.group("mins") or match.group("hmins"):
            minutes += int(match.group("mins") or match.group("hmins"))
        _add_duration(scan, match, 2, _within_a_day(minutes))
    for match in _DURATION_MINUTES.finditer(scan.text):
        _add_duration(scan, match, 3, _within_a_day(int(match.group(1))))


def _clock_hour(scan: Scan, match: re.Match[str]) -> bool:
    """'15h', 'at 9h', '9h30': a continental time of day, not a length ('2h', 'for 15h', 'a 4h session' are)."""
    if not _COMPACT_HOUR.fullmatch(match.group()):
        return False
    minutes = int(match.group("hours")) * 60 + int(match.group("hmins") or 0)
    if minutes > MAX_BOOKING_MINUTES:
        return True
    return _CLOCK_WORD.search(scan.text, max(0, match.start() - 10), match.start()) is not None


def _add_duration(scan: Scan, match: re.Match[str], priority: int, minutes: int | None) -> None:
    scan.durations.append(DurationCandidate(match.start(), priority, minutes, match.end()))
    scan.consume(match)


def _within_a_day(minutes: int) -> int | None:
    return minutes if 0 < minutes <= 24 * 60 else None
