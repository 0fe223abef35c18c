"""Step 3, dates: the day asked for, as date candidates.

In this order, each masking what it read with "~" (so "3 tomorrow" still sees that a day
follows the 3): ISO and numeric dates (day first, month first in `America/*` zones);
month-name dates in either order; fixed holidays; offsets ("in 3 days", "a week from
Friday", "a fortnight"); the day after tomorrow; today/tonight/tomorrow; weekdays with
this/next/after next/"next week"/"Saturday week"; the weekend; ordinal days ("the 4th").
A date just after "not" ("not Saturday, Sunday") is read but not offered.

A bare weekday ("wed", "on Friday") is the next one, today included, and is marked
`bare_weekday`: in a conversation about courts (a booking or a check) with a day in focus,
a follow-up that adds a day ("and wed 10am", "wed too") continues the sequence, and reads
it as the first such day on or after the day in focus ("book mon 10am", "and tue 10am",
"and wed 10am" on a Wednesday is next week's Wednesday, not today). An alternative ("what
about Friday?", "Monday instead"), an answer to "Which day?" and a question about one's own
bookings read it from today, as on its own (`conversation`).

In a history (`Scan.past`: "what did I play on Tuesday?") the day that has no year or week
of its own is the last such day, today included, not the next one: a bare weekday, a
month and day ("3 November"), an ordinal ("the 4th"), a holiday.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Final

from .normalise import ANY_MONTH, ANY_WEEKDAY, MONTH_INDEX, WEEKDAY_INDEX
from .scan import DateCandidate, Scan, count, has_digit

_SUFFIX = r"(?:st|nd|rd|th)"

_D_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_D_NUM3 = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b")
_D_NUM2 = re.compile(r"\b(\d{1,2})/(\d{1,2})\b(?!\s*(?:hours?|h\b))")
_D_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}}){_SUFFIX}?\s+(?:of\s+)?({ANY_MONTH})\b(?!\s+(?:i|we|you|be|have)\b)(?:\s*,?\s*(\d{{4}})\b)?"
)
_D_MONTH_DAY = re.compile(
    rf"\b({ANY_MONTH})\s*,?\s+(?:the\s+)?(\d{{1,2}}){_SUFFIX}?\b"
    r"(?!\s*(?::\d|\.\d|am\b|pm\b|oclock|hours?\b|minutes?\b|people\b|players\b))(?:\s*,?\s*(\d{4})\b)?"
)
_D_HOLIDAY = re.compile(
    r"\b(?:on\s+)?(christmas\s+eve|christmas(?:\s+day)?|boxing\s+day|new\s+years?\s+eve|nye|new\s+years?(?:\s+day)?"
    r"|halloween|valentines(?:\s+day)?|(?:st|saint)\s+patricks(?:\s+day)?|independence\s+day)\b"
)
_D_OFFSET_FROM = re.compile(
    rf"\b(\d{{1,3}}|an?)\s+(days?|weeks?|fortnights?)\s+(?:(?:from|after|on)\s+)?(today|now|tomorrow|{ANY_WEEKDAY})\b"
)
_D_IN_OFFSET = re.compile(r"\bin\s+(?:about\s+)?(\d{1,3}|an?)\s+(days?|weeks?|fortnights?|months?)(?:\s+time)?\b")
_D_OFFSET_AWAY = re.compile(r"\b(\d{1,3}|an?)\s+(days?|weeks?)\s+(?:from\s+now|away|later|time)\b")
_HOLIDAY_WORDS: Final = (
    "christmas",
    "new year",
    "boxing",
    "nye",
    "halloween",
    "valentines",
    "patricks",
    "independence",
)
_D_FORTNIGHT = re.compile(
    rf"\b(?:in\s+)?(?:a\s+)?fortnights?(?:\s+(?:from\s+|on\s+)?(today|tomorrow|{ANY_WEEKDAY}))?\b"
)
_D_DAY_AFTER = re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b|\bovermorrow\b")
_D_RELATIVE_DAY = re.compile(r"\b(today|tonight|tomorrow|yesterday)\b")
_D_THIS_PART = re.compile(r"\bthis\s+(?:morning|afternoon|evening)\b")
_D_WEEKDAY = re.compile(
    r"\b(?:on\s+)?(?:(this\s+coming|this|next|coming|upcoming|last|the)\s+)?(?:(week)\s+(?:on\s+)?)?"
    rf"({ANY_WEEKDAY})(?![a-z])"
    r"(?:\s+(of\s+next\s+week|next\s+week|of\s+this\s+week|this\s+week|after\s+next|week|next)(?![a-z]))?"
)
_D_WEEKEND = re.compile(r"\b(?:on\s+)?(?:(this|next|the|coming)\s+)?weekend\b")
_NOT_A_DAY = (
    r"(?!\s+(?:thing|time|slot|court|one|option|choice|hour|week|floor|place|game|set|booking|of\s+(?:the|my|our)\b))"
)
_D_ORDINAL = re.compile(rf"\b(?:on\s+the|on|the)\s+(\d{{1,2}}){_SUFFIX}\b{_NOT_A_DAY}")
_D_BARE_ORDINAL = re.compile(
    rf"(?<!\ba )\b(\d{{1,2}}){_SUFFIX}\b"
    r"(?=\s*(?:$|,|\?|~|at\b|for\b|please\b|from\b|between\b|after\b|before\b|in\b|\d))"
)
_NEGATED = re.compile(r"(?:\bnot|\bno|\bisnt|\bexcept|\binstead\s+of|\brather\s+than)\s+(?:on\s+)?(?:the\s+)?$")


class DateReader:
    """Reads the date candidates of a message; numeric dates are month first when `month_first`."""

    def __init__(self, *, month_first: bool) -> None:
        self._month_first = month_first

    def read(self, scan: Scan) -> None:
        """Adds every date written in `scan.text` to `scan.dates`."""
        today = scan.today
        if has_digit(scan.text):
            self._numeric_dates(scan)
            self._month_dates(scan)
        text = scan.text
        if any(word in text for word in _HOLIDAY_WORDS):
            for match in _D_HOLIDAY.finditer(scan.text):
                _add_date(scan, match, 0, _holiday(match.group(1), today, scan.past))
        self._offsets(scan)
        if "tomorrow" in scan.text:
            for match in _D_DAY_AFTER.finditer(scan.text):
                _add_date(scan, match, 1, today + dt.timedelta(days=2))
        for match in _D_RELATIVE_DAY.finditer(scan.text):
            offset = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}[match.group(1)]
            _add_date(scan, match, 2, today + dt.timedelta(days=offset))
        if "this " in scan.text:
            for match in _D_THIS_PART.finditer(scan.text):
                _add_date(scan, match, 3, today)
        if "day" in scan.text:
            for match in _D_WEEKDAY.finditer(scan.text):
                _add_date(scan, match, 2, _weekday(match, today, scan.past), bare_weekday=_bare_weekday(match))
        if "weekend" in scan.text:
            for match in _D_WEEKEND.finditer(scan.text):
                _add_date(scan, match, 2, _weekend(match.group(1), today))
        if has_digit(scan.text):
            for pattern in (_D_ORDINAL, _D_BARE_ORDINAL):
                for match in pattern.finditer(scan.text):
                    _add_date(scan, match, 1, _ordinal_day(int(match.group(1)), today, scan.past))

    def _numeric_dates(self, scan: Scan) -> None:
        for match in _D_ISO.finditer(scan.text):
            year, month, day = (int(g) for g in match.groups())
            _add_date(scan, match, 0, _real_date(year, month, day))
        for match in _D_NUM3.finditer(scan.text):
            first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            day, month = self._day_month(first, second)
            _add_date(scan, match, 0, _real_date(year + 2000 if year < 100 else year, month, day))
        if "/" in scan.text:
            for match in _D_NUM2.finditer(scan.text):
                day, month = self._day_month(int(match.group(1)), int(match.group(2)))
                _add_date(scan, match, 0, month_day(month, day, scan.today, scan.past))

    def _month_dates(self, scan: Scan) -> None:
        for pattern, order in ((_D_DAY_MONTH, "dm"), (_D_MONTH_DAY, "md")):
            for match in pattern.finditer(scan.text):
                if order == "dm":
                    day, month_name, year = match.groups()
                else:
                    month_name, day, year = match.groups()
                month = MONTH_INDEX[month_name]
                value = (
                    _real_date(int(year), month, int(day))
                    if year
                    else month_day(month, int(day), scan.today, scan.past)
                )
                _add_date(scan, match, 0, value)

    def _day_month(self, first: int, second: int) -> tuple[int, int]:
        """(day, month) of a numeric date: day first, except in the Americas; an impossible order is swapped."""
        day, month = (second, first) if self._month_first else (first, second)
        if month > 12 >= day:
            day, month = month, day
        return day, month

    def _offsets(self, scan: Scan) -> None:
        today = scan.today
        text = scan.text
        if "week" in text or "day" in text or "month" in text or "fortnight" in text:
            for match in _D_OFFSET_FROM.finditer(scan.text):
                written, unit, base = match.groups()
                start = _base_day(base, today)
                _add_date(scan, match, 1, start + dt.timedelta(days=count(written) * _unit_days(unit)))
            for match in _D_IN_OFFSET.finditer(scan.text):
                amount, unit = count(match.group(1)), match.group(2)
                if unit.startswith("month"):
                    value = _add_months(today, amount) if amount <= 24 else None
                else:
                    value = today + dt.timedelta(days=amount * _unit_days(unit))
                _add_date(scan, match, 1, value)
            for match in _D_OFFSET_AWAY.finditer(scan.text):
                amount, unit = count(match.group(1)), match.group(2)
                _add_date(scan, match, 1, today + dt.timedelta(days=amount * _unit_days(unit)))
        if "fortnight" in scan.text:
            for match in _D_FORTNIGHT.finditer(scan.text):
                start = _base_day(match.group(1), today)
                _add_date(scan, match, 1, start + dt.timedelta(days=14))


def _base_day(base: str | None, today: dt.date) -> dt.date:
    if base in (None, "today", "now"):
        return today
    if base == "tomorrow":
        return today + dt.timedelta(days=1)
    return today + dt.timedelta(days=(WEEKDAY_INDEX[base] - today.weekday()) % 7)


def _weekday(match: re.Match[str], today: dt.date, past: bool = False) -> dt.date:
    """this/coming/bare X: the next X, today included (in a history the last one). next X, X next week:
    the X of next calendar week (weeks start on Monday). X after next: the X after the coming one.
    X week: a week after it."""
    modifier, week_before, name, after = match.groups()
    target = WEEKDAY_INDEX[name]
    coming = today + dt.timedelta(days=(target - today.weekday()) % 7)
    after = " ".join(after.split()) if after else None
    if past and modifier in (None, "the", "this") and not week_before and not after:
        return today - dt.timedelta(days=(today.weekday() - target) % 7)
    if modifier == "last":
        return today - dt.timedelta(days=(today.weekday() - target) % 7 or 7)
    if modifier == "next" or after in ("next week", "of next week", "next"):
        return today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7 + target)
    if after == "after next":
        return coming + dt.timedelta(days=14 if coming == today else 7)
    if after == "week" or (week_before and modifier is None):
        return coming + dt.timedelta(days=7)
    return coming


def _weekend(modifier: str | None, today: dt.date) -> dt.date:
    if modifier == "next":
        return today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=12)
    if today.weekday() >= 5:
        return today
    return today + dt.timedelta(days=5 - today.weekday())


def _holiday(name: str, today: dt.date, past: bool = False) -> dt.date:
    """Fixed-date holidays only; movable ones (Easter, Thanksgiving) are not read."""
    name = " ".join(name.split())
    if name == "christmas eve":
        month, day = 12, 24
    elif name.startswith("christmas"):
        month, day = 12, 25
    elif name == "boxing day":
        month, day = 12, 26
    elif name.endswith("eve") or name == "nye":
        month, day = 12, 31
    elif name == "halloween":
        month, day = 10, 31
    elif name.startswith("valentines"):
        month, day = 2, 14
    elif "patricks" in name:
        month, day = 3, 17
    elif name == "independence day":
        month, day = 7, 4
    else:
        month, day = 1, 1
    this_year = dt.date(today.year, month, day)
    if past:
        return this_year if this_year <= today else dt.date(today.year - 1, month, day)
    return this_year if this_year >= today else dt.date(today.year + 1, month, day)


def month_day(month: int, day: int, today: dt.date, past: bool = False) -> dt.date | None:
    """The next such date from today, today included (so in late December "Jan 2" is next year);
    with `past`, the last such date, today included. None when it does not exist ("February 30th");
    29 February waits for a leap year."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if day > calendar.monthrange(2024, month)[1]:
        return None
    years = range(today.year, today.year - 5, -1) if past else range(today.year, today.year + 5)
    for year in years:
        value = _real_date(year, month, day)
        if value is not None and (value <= today if past else value >= today):
            return value
    return None


def _ordinal_day(day: int, today: dt.date, past: bool = False) -> dt.date | None:
    """'the 4th': the next 4th of a month, today included (with `past`, the last one); months without
    that day are skipped."""
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            value = dt.date(year, month, day)
            if value <= today if past else value >= today:
                return value
        if past:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        else:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _bare_weekday(match: re.Match[str]) -> bool:
    """A weekday said alone ("wed", "on the Friday"): no this/next/last, no "next week" or "week"."""
    modifier, week_before, _, after = match.groups()
    return modifier in (None, "the") and not week_before and not after


def _add_date(
    scan: Scan, match: re.Match[str], priority: int, value: dt.date | None, *, bare_weekday: bool = False
) -> None:
    if not _NEGATED.search(scan.text, max(0, match.start() - 16), match.start()):
        scan.dates.append(DateCandidate(match.start(), priority, value, match.end(), bare_weekday))
    scan.consume(match, "~")


def _real_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _unit_days(unit: str) -> int:
    if unit.startswith("fortnight"):
        return 14
    if unit.startswith("week"):
        return 7
    return 1


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
