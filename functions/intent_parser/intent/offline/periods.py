"""Step 3b, periods: the days a history or a closure covers, as `Scan.period` (both days included).

Read only when the wording asks for a history, a closure or one's bookings (`parser`), in
two passes around the dates:

- before the dates, ranges inside one month ("14 to 18 December", "December 14-18",
  "between 1 and 15 November") and the weekend ("last weekend", "this weekend"), so
  that "14 to 18" is never read as 14:00 to 18:00;
- after the dates, on what they masked: two dates joined ("from Monday to Wednesday",
  "from 14 December to 2 January"), "since <day>" (to today), "until <day>" (a closure:
  from today), calendar units ("last week": Monday to Sunday before this one; "last month":
  the whole calendar month before; "this month": the 1st to today in a history, today to
  its end in a closure; "next week"), rolling ones ("the last 30 days", "the past week":
  to today) and a month alone, whole ("in November": in a history the last one begun, in
  a closure the next one not over, from today; "last November": the one before this month).

`mode` says which: "history" (days look back: `Scan.past`), "close" (days look forward,
never before today) or "list" (a question about one's bookings, which becomes a history
only with a period that looks back: "what did I book last week?"). The period says whether
its words look back (`Period.back`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

from .normalise import ANY_MONTH, MONTH_INDEX
from .scan import Period, Scan

Mode = Literal["history", "close", "list"]

_SUFFIX = r"(?:st|nd|rd|th)?"
_JOIN = r"\s*(?P<join>-|to|till|til|until|through|thru|and)\s*"
_P_DAYS_MONTH = re.compile(
    rf"\b(?P<lead>from\s+|between\s+)?(?:the\s+)?(?P<d1>\d{{1,2}}){_SUFFIX}{_JOIN}(?:the\s+)?(?P<d2>\d{{1,2}}){_SUFFIX}"
    rf"\s+(?:of\s+)?(?P<month>{ANY_MONTH})\b(?:\s*,?\s*(?P<year>\d{{4}})\b)?"
)
_P_MONTH_DAYS = re.compile(
    rf"\b(?P<lead>from\s+|between\s+)?(?P<month>{ANY_MONTH})\s+(?:the\s+)?(?P<d1>\d{{1,2}}){_SUFFIX}{_JOIN}"
    rf"(?:the\s+)?(?P<d2>\d{{1,2}}){_SUFFIX}\b(?!\s*(?::\d|\.\d|am\b|pm\b|oclock\b|h\b|hours?\b))"
    r"(?:\s*,?\s*(?P<year>\d{4})\b)?"
)
_P_WEEKEND = re.compile(r"\b(?:(?:on|over|during)\s+)?(?:(?P<which>last|this|next|the|coming)\s+)?weekend\b")
_P_BETWEEN_DATES = re.compile(rf"\b(?P<lead>from\s+|between\s+)?(?P<first>~+){_JOIN}(?P<second>~+)")
_P_SINCE_DATE = re.compile(r"\bsince\s+(?P<date>~+)")
_P_UNTIL_DATE = re.compile(r"\b(?:until|till|til|through|thru|up\s+to)\s+(?:and\s+including\s+)?(?P<date>~+)")
_P_SINCE_UNIT = re.compile(
    r"\bsince\s+(?:(?P<which>last|previous)\s+|the\s+(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?)"
    r"(?P<unit>week|month|year)\b"
)
_P_ROLLING = re.compile(
    r"\b(?:(?:in|over|during|for|from)\s+)?(?:the\s+)?(?:last|past|previous)\s+(?P<count>\d{1,3})\s+"
    r"(?P<unit>days?|weeks?|months?|years?)\b"
    r"|\b(?:(?:in|over|during|for|from)\s+)?(?:the\s+)?past\s+(?P<unit1>week|month|year)\b"
    r"|\b(?:(?:in|over|during|for|from)\s+)?the\s+last\s+(?P<unit2>week|month|year)\b(?!\s+of\b)"
    r"|\b(?P<count3>\d{1,3}|an?)\s+(?P<unit3>days?|weeks?|months?|years?)\s+ago\b"
)
_P_UNIT = re.compile(
    r"\b(?:(?:in|over|during|for|from|of)\s+)?(?:(?P<earlier>earlier|later)\s+)?"
    r"(?P<which>last|previous|this|next|the\s+current|the\s+coming|coming)\s+(?P<unit>week|month|year)\b(?!\s+of\b)"
)
_P_MONTH = re.compile(
    rf"\b(?P<lead>(?:in|during|for|of|throughout|over|from)\s+)?(?:the\s+month\s+of\s+)?"
    rf"(?:(?P<which>last|this|next)\s+)?(?P<month>{ANY_MONTH})\b(?:\s*,?\s*(?P<year>\d{{4}})\b)?"
)


def read_ranges(scan: Scan, mode: Mode) -> None:
    """Before the dates: a range of days inside one month, and the weekend (not for a list)."""
    if mode == "list":
        return
    text = scan.text
    if any(ch.isdigit() for ch in text):
        for pattern in (_P_DAYS_MONTH, _P_MONTH_DAYS):
            for match in pattern.finditer(scan.text):
                if match.group("join") == "and" and not match.group("lead"):
                    continue  # "the 14 and 18 December": two days, not the days between
                period = _days_of_month(match, scan, mode)
                if period is None and scan.impossible_period is None:
                    scan.impossible_period = match.group().strip()  # "30 to 31 February": quoted, never guessed
                _set(scan, match, period, always=True)
    if "weekend" in scan.text:
        for match in _P_WEEKEND.finditer(scan.text):
            _set(scan, match, _weekend(match.group("which"), scan.today, mode))


def read_periods(scan: Scan, mode: Mode) -> None:
    """After the dates: two dates joined, since/until a day, calendar and rolling units, a month alone."""
    text = scan.text
    if mode != "list" and "~" in text:
        for match in _P_BETWEEN_DATES.finditer(scan.text):
            if match.group("join") == "and" and not match.group("lead"):
                continue  # "Monday and Wednesday": two days
            first, second = _date_at(scan, match.start("first")), _date_at(scan, match.start("second"))
            if first is not None and second is not None:
                _set(scan, match, _joined(first, second, scan.today, scan.past))
    if "since" in scan.text:
        for match in _P_SINCE_UNIT.finditer(scan.text):
            start = _unit(match.group("unit"), scan.today, -1 if match.group("which") else 0)[0]
            _set(scan, match, Period(start, scan.today, back=True))
        for match in _P_SINCE_DATE.finditer(scan.text):
            day = _date_at(scan, match.start("date"))
            if day is not None and day <= scan.today:
                _set(scan, match, Period(day, scan.today, back=True))
    if mode == "close" and "~" in scan.text:
        for match in _P_UNTIL_DATE.finditer(scan.text):
            day = _date_at(scan, match.start("date"))
            if day is not None and day >= scan.today:
                _set(scan, match, Period(scan.today, day))
    if any(word in scan.text for word in ("week", "month", "year", "day")):
        if mode != "close":  # a closure never looks back
            for match in _P_ROLLING.finditer(scan.text):
                _set(scan, match, _rolling(match, scan.today))
        for match in _P_UNIT.finditer(scan.text):
            _set(scan, match, _calendar_unit(match, scan.today, mode))
    if any(month[:3] in scan.text for month in MONTH_INDEX):
        for match in _P_MONTH.finditer(scan.text):
            if match.group("month") in ("may", "march") and not (match.group("lead") or match.group("which")):
                continue  # "may I", "march": a month only after "in", "during", "last" ...
            _set(scan, match, _month(match, scan.today, mode))


# --- what each reads to ------------------------------------------------------------


def _days_of_month(match: re.Match[str], scan: Scan, mode: Mode) -> Period | None:
    """'14 to 18 December': in a history the last such range begun, else the next one not over;
    one starting after it ends runs over the month before ("28 to 3 January")."""
    month, first, last = MONTH_INDEX[match.group("month")], int(match.group("d1")), int(match.group("d2"))
    years = [int(match.group("year"))] if match.group("year") else _years(scan.today, mode)
    for year in years:
        end = _real_date(year, month, last)
        if end is None:
            continue
        start_month, start_year = (month, year) if first <= last else _month_before(month, year)
        start = _real_date(start_year, start_month, first)
        if start is None or start > end:
            return None
        if match.group("year") or (start <= scan.today if mode == "history" else end >= scan.today):
            return Period(start, end, back=end < scan.today)
    return None


def _weekend(which: str | None, today: dt.date, mode: Mode) -> Period:
    """This weekend: the coming Saturday and Sunday (today on, when it is one); last weekend: the one
    before this week; next weekend: the one of next week. In a history "the weekend" is the last one."""
    saturday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=5)
    if which == "last" or (mode == "history" and which in (None, "the") and saturday > today):
        saturday -= dt.timedelta(days=7)
    elif which == "next":
        saturday += dt.timedelta(days=7)
    return _clipped(Period(saturday, saturday + dt.timedelta(days=1), back=which == "last"), today, mode)


def _joined(first: dt.date, second: dt.date, today: dt.date, past: bool) -> Period:
    """Two dates joined: read in order, the second moved on (in a history the first moved back) by a
    week or a year when it came before the first ("from Friday to Monday")."""
    if second < first:
        if past:
            first = _earlier_than(first, second)
        else:
            second = _later_than(second, first)
    return Period(first, second, back=past and second < today)


def _rolling(match: re.Match[str], today: dt.date) -> Period | None:
    """'the last 30 days', 'the past week': as many days back as the units hold, to today; '3 days ago'."""
    count_text = match.group("count") or match.group("count3")
    unit = match.group("unit") or match.group("unit1") or match.group("unit2") or match.group("unit3")
    amount = 1 if count_text in (None, "a", "an") else int(count_text)
    if amount < 1 or amount > 120:
        return None
    if unit.startswith("day"):
        start = today - dt.timedelta(days=amount)
    elif unit.startswith("week"):
        start = today - dt.timedelta(days=7 * amount)
    else:
        start = _add_months(today, -amount * (12 if unit.startswith("year") else 1))
    if match.group("count3"):  # "3 days ago": that day alone
        return Period(start, start, back=True)
    return Period(start + dt.timedelta(days=1), today, back=True)


def _calendar_unit(match: re.Match[str], today: dt.date, mode: Mode) -> Period | None:
    """last week/month/year: the whole one before; this one: to today in a history, from today in a
    closure; next one: the whole one after."""
    which = " ".join(match.group("which").split()).removeprefix("the ")
    unit = match.group("unit")
    if which in ("last", "previous"):
        start, end = _unit(unit, today, -1)
        return Period(start, end, back=True) if mode != "close" else None
    if which == "next" or (which == "coming" and mode != "history"):
        start, end = _unit(unit, today, 1)
        return Period(start, end) if mode != "history" else None
    start, end = _unit(unit, today, 0)
    if mode == "list" and match.group("earlier") != "earlier":
        return None  # "what have I got this week": one's bookings to come
    return _clipped(Period(start, end, back=match.group("earlier") == "earlier"), today, mode)


def _month(match: re.Match[str], today: dt.date, mode: Mode) -> Period | None:
    """A month alone: with its year, that one; 'last November' the one before this month; otherwise in
    a history the last one begun, in a closure the next one not over. For a list, one already over."""
    month, which = MONTH_INDEX[match.group("month")], match.group("which")
    if match.group("year"):
        year = int(match.group("year"))
    elif which == "last":
        year = today.year if month < today.month else today.year - 1
    elif which == "next":
        year = today.year + 1 if month <= today.month else today.year
    elif mode == "history":
        year = today.year if month <= today.month else today.year - 1
    elif mode == "list":
        if month >= today.month or which == "this":
            return None  # "what have I got in December": one's bookings to come
        year = today.year
    else:
        year = today.year if month >= today.month else today.year + 1
    if not 1 <= year <= 9998:
        return None
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    if mode == "close":
        return _clipped(Period(start, end), today, mode)
    return Period(start, end, back=end < today)  # the whole month, even the one under way


# --- helpers ------------------------------------------------------------------------


def _set(scan: Scan, match: re.Match[str], period: Period | None, *, always: bool = False) -> None:
    """The first period written is the one; each is masked so no other reader takes its words.
    Words that make no period here ("this week" in a list) are left to the others, unless `always`."""
    if period is None and not always:
        return
    if scan.period is None:
        scan.period = period
    for candidate in [c for c in scan.dates if match.start() <= c.position < match.end()]:
        scan.dates.remove(candidate)  # its dates are the period's ends, not a day of their own
    scan.consume(match)


def _date_at(scan: Scan, position: int) -> dt.date | None:
    for candidate in scan.dates:
        if candidate.position == position:
            return candidate.value
    return None


def _clipped(period: Period, today: dt.date, mode: Mode) -> Period | None:
    """A history ends today at the latest, a closure starts today at the earliest."""
    if mode == "close":
        return Period(max(period.start, today), period.end) if period.end >= today else None
    if mode == "history" and period.start <= today < period.end:
        return Period(period.start, today, back=period.back)
    return period


def _unit(unit: str, today: dt.date, offset: int) -> tuple[dt.date, dt.date]:
    """The calendar week (Monday to Sunday), month or year `offset` away from today's."""
    if unit == "week":
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7 * offset)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        first = _add_months(today.replace(day=1), offset)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    year = today.year + offset
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _years(today: dt.date, mode: Mode) -> list[int]:
    return [today.year, today.year - 1] if mode == "history" else [today.year, today.year + 1]


def _month_before(month: int, year: int) -> tuple[int, int]:
    return (12, year - 1) if month == 1 else (month - 1, year)


def _later_than(day: dt.date, floor: dt.date) -> dt.date:
    later = day + dt.timedelta(days=7)
    return later if later >= floor and (floor - day).days < 7 else _shift_year(day, 1)


def _earlier_than(day: dt.date, ceiling: dt.date) -> dt.date:
    earlier = day - dt.timedelta(days=7)
    return earlier if earlier <= ceiling and (day - ceiling).days < 7 else _shift_year(day, -1)


def _shift_year(day: dt.date, years: int) -> dt.date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _real_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
