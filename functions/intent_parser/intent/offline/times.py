"""Steps 4 to 6, times: windows and ranges, exact times, and the day parts that decide am/pm.

Read in this order, after the dates (a bare hour read as the morning one "unless it
has passed today" needs the date):

- day parts: morning (opening-12:00), afternoon (12:00-17:00), evening and tonight
  (17:00-closing), lunchtime, early/late variants (two hours), "after work"; they also
  say am or pm for a bare hour ("tomorrow evening at 7" -> 19:00);
- windows and ranges: "between 4 and 6pm", "from 2 to 4", "2-4pm", "after 5",
  "before noon", "3pm onwards"; a range exactly one slot long is an exact time;
- exact times: "3pm", "9.30am", "15:00", "1500", "15h", "15h30", noon/midday/midnight,
  "half past four", "quarter to 6", "half 4", "3 o'clock", "at 3", "4ish", "8 tonight",
  "7 in the evening", and a bare hour that carries a conversation on ("and 7?", "can we
  do 5", "5 instead", "6 then");
- a self-correction: a bare number after "no wait", "sorry", "make it" ... ("at 5, no
  wait, 6") is a time like the one it corrects (`read_bare`, called by `corrections`).

A bare hour is otherwise read inside the opening hours. A time just after "not" is read
but not offered ("not at 3 but at 4"). All values are minutes since midnight.
"""

from __future__ import annotations

import datetime as dt
import re

from courtbooking.schedule import MAX_BOOKING_MINUTES

from .scan import DayPart, Meridiem, Scan, Span, TimeCandidate, WindowCandidate, has_digit


def _time(n: int) -> str:
    """One written time of day with named groups: noon/midday/midnight, or hour[:minutes][am|pm] or hour[h[minutes]]."""
    return (
        rf"(?:(?P<named{n}>noon|midday|midnight)"
        rf"|(?P<h{n}>\d{{1,2}})(?:[:.h](?P<m{n}>\d{{2}})|h\b)?\s*(?P<mer{n}>am|pm)?)"  # "15h30", "15h": continental
    )


_END = r"(?![\d:]|(?:st|nd|rd|th)\b)"

# windows and ranges
_W_BETWEEN = re.compile(rf"\bbetween\s+{_time(1)}\s*(?:and|-|to)\s*{_time(2)}{_END}")
_W_FROM_TO = re.compile(rf"\bfrom\s+{_time(1)}\s*(?:-|to|till|til|until|through)\s*{_time(2)}{_END}")
_W_RANGE = re.compile(rf"(?<![\d:.])\b{_time(1)}\s*(?:-|to|till|til|until)\s*{_time(2)}{_END}")
_W_AFTER = re.compile(
    r"\b(?:any\s*time\s+|sometime\s+|some\s+time\s+)?(?P<kw>after|later\s+than|no\s+earlier\s+than|from)\s+"
    rf"{_time(1)}(?P<onwards>\s*(?:onwards?|on|or\s+later|and\s+later|or\s+after))?{_END}"
)
_W_ONWARDS = re.compile(rf"\b{_time(1)}\s*(?:onwards?|or\s+later|and\s+later|or\s+after)\b")
_W_BEFORE = re.compile(
    rf"\b(?:any\s*time\s+)?(?:before|until|till|til|by|no\s+later\s+than|earlier\s+than|up\s+to)\s+{_time(1)}{_END}"
)

# exact times
_T_PAST_TO = re.compile(
    r"\b(?P<amount>half|quarter|a\s+quarter|5|10|20|25)\s+(?:minutes?\s+)?(?P<dir>past|to|til)\s+"
    r"(?:(?P<named1>noon|midnight)|(?P<h1>\d{1,2})\s*(?P<mer1>am|pm)?)\b"
)
_T_SPACED = re.compile(
    r"\b(?:at\s+)?(?P<h1>\d{1,2})\s+(?P<m1>15|30|45|[0-5]5|[1-5]0)\s*(?P<mer1>am|pm)\b|\bat\s+(?P<h2>\d{1,2})\s+(?P<m2>15|30|45)\b"
)
_T_COLON = re.compile(r"\b(?P<h1>\d{1,2})[:.](?P<m1>\d{2})\s*(?P<mer1>am|pm)?(?![\d:])")
_T_MERIDIEM = re.compile(r"\b(?P<h1>\d{1,2})\s*(?P<mer1>am|pm)\b")
_T_CONTINENTAL = re.compile(r"\b(?P<h1>\d{1,2})h(?P<m1>[0-5]\d)?\b")  # what the durations left: a time of day
_T_NAMED = re.compile(r"\b(?:12\s+)?(?P<named1>noon|midday|midnight)\b")
_T_HALF_BRITISH = re.compile(r"\bhalf\s+(?P<h1>\d{1,2})\b(?!\s*(?:hours?|h\b|days?|weeks?|past|an?\b|[:.]\d))")
_T_OCLOCK = re.compile(r"\b(?P<h1>\d{1,2})\s*oclock\b(?:\s*(?P<mer1>am|pm))?")
_T_MILITARY = re.compile(r"\b(?:(?P<prefix>at|from|by)\s+)?(?P<digits>\d{3,4})\s*(?P<unit>h|hrs|hours)?\b")
_T_AT_BARE = re.compile(
    r"\b(?:at|around|about|approx|approximately|roughly|say|from)\s+(?:about\s+|around\s+|roughly\s+)?(?P<h1>\d{1,3})\b"
    r"(?!\s*(?:[:./]\d|hours?\b|h\b|minutes?\b|days?\b|weeks?\b|people|players|persons?|of\b|courts?\b|st\b|nd\b|rd\b|th\b))"
)
# a bare hour that carries a conversation on: "and 7?", "can we do 5", "5 instead", "6 then"
_NOT_AN_HOUR = (
    r"(?!\s*(?:[:./-]?\d|hours?\b|h\b|minutes?\b|days?\b|weeks?\b|people|players|persons?|courts?\b|of\b"
    r"|st\b|nd\b|rd\b|th\b))"
)
_T_FOLLOW_UP = re.compile(
    r"(?:^(?:and|or|but|so|then)\s+|\b(?:can|could|would|will)\s+(?:we|you|i|u)\s+do\s+)"
    rf"(?P<h1>\d{{1,2}})(?:[:.](?P<m1>\d{{2}}))?\b{_NOT_AN_HOUR}"
)
_T_BEFORE_INSTEAD = re.compile(r"\b(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s+(?=(?:instead|then)\b)")
_T_ISH = re.compile(r"\b(?P<h1>\d{1,2})\s*-?\s*ish\b")
_T_AFTER_DAY = re.compile(
    r"(?<=~)\s+(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\b"
    r"(?!\s*(?:[:./-]?\d|hours?\b|h\b|minutes?\b|days?\b|weeks?\b|people|players|persons?|courts?\b|of\b|st\b|nd\b|rd\b|th\b))"
)
_T_BEFORE_DAY = re.compile(
    r"(?<!for )(?<!court )\b(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s+"
    r"(?=~|in\s+the\s+(?:morning|afternoon|evening)|at\s+night)"
)

# day parts
_DAY_PART = re.compile(
    r"\b(?P<q>early\s+|late\s+|mid\s*-?\s*)?(?P<part>morning|afternoon|evening|tonight|night|lunchtime|lunch\s+time|lunch)\b"
    r"|\b(?P<phrase>after\s+work|after\s+lunch|before\s+work)\b"
)
_AM_PARTS = frozenset({"morning"})
_PM_PARTS = frozenset({"afternoon", "evening", "night", "tonight"})


class TimeReader:
    """Reads windows and times against the facility's opening hours and slot length (minutes)."""

    def __init__(self, *, opening: int, closing: int, slot: int) -> None:
        self._opening = opening
        self._closing = closing
        self._slot = slot

    def read_day_part(self, scan: Scan, normal: str) -> None:
        """The first day part of the message, as `scan.day_part`."""
        if not any(word in normal for word in ("morning", "noon", "evening", "night", "lunch", "work")):
            return
        match = _DAY_PART.search(normal)
        if not match:
            return
        opening, closing = self._opening, self._closing
        phrase = match.group("phrase")
        hint: Meridiem | None
        if phrase:
            phrase = " ".join(phrase.split())
            window = {
                "after work": (17 * 60, closing),
                "after lunch": (13 * 60, closing),
                "before work": (opening, 9 * 60),
            }[phrase]
            hint = "am" if phrase == "before work" else "pm"
        else:
            part = "lunchtime" if match.group("part").startswith("lunch") else match.group("part")
            hint = "am" if part in _AM_PARTS else "pm" if part in _PM_PARTS else None
            base = {
                "morning": (opening, 12 * 60),
                "afternoon": (12 * 60, 17 * 60),
                "evening": (17 * 60, closing),
                "tonight": (17 * 60, closing),
                "night": (18 * 60, closing),
                "lunchtime": (12 * 60, 14 * 60),
            }[part]
            qualifier = (match.group("q") or "").strip()
            half = min(120, base[1] - base[0])  # "early evening" 17-19, "late afternoon" 15-17
            window = (
                (base[0], base[0] + half)
                if qualifier == "early"
                else (base[1] - half, base[1])
                if qualifier == "late"
                else base
            )
        start, end = max(window[0], opening), min(window[1], closing)
        span = None
        if end > start:
            span = Span(start, end)
        elif 0 <= window[0] < window[1] < 24 * 60:
            span = Span(*window)
        scan.day_part = DayPart(span, hint)

    def read_windows(self, scan: Scan, date: dt.date | None, *, from_opens: bool = False) -> None:
        """Ranges and open-ended windows into `scan.windows`; a one-slot range into `scan.times`.
        `from_opens`: "from 2pm" alone is 14:00 to closing (a closure), not a start time."""
        if not _may_hold_a_time(scan.text):
            return
        for pattern in (_W_BETWEEN, _W_FROM_TO, _W_RANGE):
            for match in pattern.finditer(scan.text):
                start, end, inside = self._resolve_range(match, scan)
                bare = not any(match.group(g) for g in ("m1", "mer1", "named1", "m2", "mer2"))
                if pattern is _W_RANGE and bare and not inside:
                    continue  # a bare "6-4" is a score, not hours; "10-12" inside opening hours is a range
                scan.consume(match)
                if start is None or end is None:
                    continue
                if end - start == self._slot:
                    scan.times.append(TimeCandidate(match.start(), 0, start))
                else:
                    scan.windows.append(WindowCandidate(match.start(), Span(start, end)))
                    if end - start <= MAX_BOOKING_MINUTES and pattern is not _W_BETWEEN:
                        scan.range_minutes = end - start
        for pattern in (_W_AFTER, _W_ONWARDS, _W_BEFORE):
            for match in pattern.finditer(scan.text):
                if (
                    pattern is _W_AFTER
                    and match.group("kw") == "from"
                    and not match.group("onwards")
                    and not from_opens
                ):
                    continue  # "from 3pm" alone is a start time, read below
                value = self._resolve_written(match, 1, scan, date, end=pattern is _W_BEFORE)
                scan.consume(match)
                if value is None:
                    continue
                if pattern is _W_BEFORE:
                    start, end = min(self._opening, value - self._slot), value
                else:
                    start, end = value, min(max(self._closing, value + self._slot), 23 * 60 + 59)
                if 0 <= start < end:
                    scan.windows.append(WindowCandidate(match.start(), Span(start, end)))

    def _resolve_range(self, match: re.Match[str], scan: Scan) -> tuple[int | None, int | None, bool]:
        """Both ends of "between 4 and 6pm": an am/pm on one end decides the other, else opening hours do.
        Also says whether the range lies inside opening hours."""
        starts = _readings(match, 1, scan.hint)
        ends = _readings(match, 2, scan.hint)
        pairs = [(s, e) for s in starts for e in ends if s < e <= s + 12 * 60]
        if not pairs:
            return None, None, False
        inside = [p for p in pairs if self._opening <= p[0] < self._closing and self._opening < p[1] <= self._closing]
        start, end = min(inside or pairs, key=lambda p: (p[1] - p[0], -p[0]))
        return start, end, bool(inside)

    def _resolve_written(
        self, match: re.Match[str], n: int, scan: Scan, date: dt.date | None, end: bool = False, shift: int = 0
    ) -> int | None:
        readings = [r + shift for r in _readings(match, n, scan.hint)]
        return self._choose(readings, scan, date, end) if readings else None

    def _choose(self, readings: list[int], scan: Scan, date: dt.date | None, end: bool = False) -> int:
        """A bare hour is read inside opening hours; when both readings fit, the morning one,
        unless that has already passed today."""
        if len(readings) == 1:
            return readings[0]
        if end:
            inside = [r for r in readings if self._opening < r <= self._closing]
        else:
            inside = [r for r in readings if self._opening <= r < self._closing]
        if len(inside) == 1:
            return inside[0]
        if len(inside) > 1:
            now_minutes = scan.now.hour * 60 + scan.now.minute
            if date in (None, scan.today) and inside[0] <= now_minutes < inside[-1]:
                return inside[-1]
            return inside[0]
        return min(readings, key=lambda r: min(abs(r - self._opening), abs(r - self._closing)))

    def read_times(self, scan: Scan, date: dt.date | None) -> None:
        """Exact times into `scan.times`, the explicit ones ("3pm") before the bare ones ("at 3")."""
        if not _may_hold_a_time(scan.text):
            return
        for match in _T_PAST_TO.finditer(scan.text):
            amount = " ".join(match.group("amount").split())
            minutes = {"half": 30, "quarter": 15, "a quarter": 15}.get(amount) or int(amount)
            if match.group("dir") != "past":
                minutes = -minutes
            if match.group("named1") == "midnight" and minutes < 0:
                minutes += 24 * 60
            _add_time(scan, match, 1, self._resolve_written(match, 1, scan, date, shift=minutes))
        for match in _T_SPACED.finditer(scan.text):
            _add_time(scan, match, 1, self._resolve_written(match, 1 if match.group("h1") else 2, scan, date))
        for pattern in (_T_COLON, _T_MERIDIEM, _T_NAMED, _T_OCLOCK):
            for match in pattern.finditer(scan.text):
                _add_time(scan, match, 1, self._resolve_written(match, 1, scan, date))
        if "h" in scan.text:
            for match in _T_CONTINENTAL.finditer(scan.text):
                hour, minute = int(match.group("h1")), int(match.group("m1") or 0)
                _add_time(scan, match, 1, hour * 60 + minute if hour <= 23 else None)  # 24-hour: "9h" is 09:00
        for match in _T_HALF_BRITISH.finditer(scan.text):
            _add_time(scan, match, 1, self._resolve_written(match, 1, scan, date, shift=30))
        for match in _T_MILITARY.finditer(scan.text):
            self._military(scan, match, date)
        for pattern in (_T_AT_BARE, _T_ISH, _T_BEFORE_DAY, _T_AFTER_DAY, _T_FOLLOW_UP, _T_BEFORE_INSTEAD):
            for match in pattern.finditer(scan.text):
                _add_time(scan, match, 3, self._resolve_written(match, 1, scan, date))

    def read_bare(self, scan: Scan, match: re.Match[str], date: dt.date | None, near: int | None) -> None:
        """A bare hour (groups h1, m1) as a time: the reading nearest `near` (the time it corrects), if any."""
        readings = _readings(match, 1, scan.hint)
        if near is not None and len(readings) > 1:
            _add_time(scan, match, 3, min(readings, key=lambda r: abs(r - near)))
        else:
            _add_time(scan, match, 3, self._choose(readings, scan, date) if readings else None)

    def _military(self, scan: Scan, match: re.Match[str], date: dt.date | None) -> None:
        """'1500', '1930h', 'at 930'. Without 'at' or 'h', only quarter hours count ("2026" is a year)."""
        digits, prefix, unit = match.group("digits"), match.group("prefix"), match.group("unit")
        hours, minutes = int(digits[:-2]), int(digits[-2:])
        if not (prefix or unit) and (len(digits) == 3 or minutes not in (0, 15, 30, 45)):
            return
        if hours > 23 or minutes > 59:
            value = None
        elif len(digits) == 3:
            value = self._choose([hours * 60 + minutes, (hours + 12) * 60 + minutes], scan, date)
        else:
            value = hours * 60 + minutes
        _add_time(scan, match, 2, value)


def _readings(match: re.Match[str], n: int, hint: Meridiem | None) -> list[int]:
    """The possible minutes of one written time: two for a bare hour (am and pm), none when impossible."""
    groups = match.groupdict()
    named = groups.get(f"named{n}")
    if named:
        return [0 if named == "midnight" else 12 * 60]
    hour, minute, meridiem = groups.get(f"h{n}"), groups.get(f"m{n}"), groups.get(f"mer{n}")
    if hour is None:
        return []
    h, m = int(hour), int(minute or 0)
    if m > 59:
        return []
    if meridiem:
        return [(h % 12 + (12 if meridiem == "pm" else 0)) * 60 + m] if 1 <= h <= 12 else []
    if h > 23:
        return []
    if h >= 13 or h == 0 or (minute is not None and hour.startswith("0")):
        return [h * 60 + m]  # a 24-hour time ("15:00", "08:30")
    if h == 12:
        return [12 * 60 + m]
    if hint == "am":
        return [h * 60 + m]
    if hint == "pm":
        return [(h + 12) * 60 + m]
    return [h * 60 + m, (h + 12) * 60 + m]


def _add_time(scan: Scan, match: re.Match[str], priority: int, value: int | None) -> None:
    if value is not None and not 0 <= value < 24 * 60:
        value = None
    if not scan.negated(match.start()):
        scan.times.append(TimeCandidate(match.start(), priority, value, match.end()))
    scan.consume(match)


def _may_hold_a_time(text: str) -> bool:
    return has_digit(text) or "noon" in text or "midday" in text or "midnight" in text
