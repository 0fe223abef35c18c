"""Step 5b, self-corrections: a bare number after "no wait", "sorry", "make it" ... is read as
the kind of value it corrects.

"at 5, no wait, 6" is 18:00 (the reading nearest the time it corrects), "1 hour, no make
it 2" is two hours; with nothing before it to correct ("make it 6"), the number is a time.
Values written in full after a correction ("3pm sorry 4pm", "court a, actually court b")
need no help here: `pick` takes the last candidate once a message corrects itself. Read
after the times, on what the other readers left.
"""

from __future__ import annotations

import datetime as dt
import re

from .scan import CORRECTION, DurationCandidate, Scan, has_digit
from .times import TimeReader

_CORRECTED = re.compile(
    rf"(?:{CORRECTION.pattern})[\s,]*(?:(?:wait|make\s+it|i\s+mean|say|to|at|for)[\s,]+)*"
    r"(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\b"
    r"(?!\s*(?:[:./]\d|hours?\b|h\b|minutes?\b|m\b|days?\b|weeks?\b|people|players|persons?|of\b|courts?\b"
    r"|st\b|nd\b|rd\b|th\b))"
)


def read_correction(scan: Scan, times: TimeReader, date: dt.date | None) -> None:
    """The last bare number after a correction, as a length when it follows a length, else as a time."""
    if not has_digit(scan.text) or not CORRECTION.search(scan.text):
        return
    matches = list(_CORRECTED.finditer(scan.text))
    if not matches:
        return
    match = matches[-1]
    before = match.start()
    length = max((c.position for c in scan.durations if c.position < before), default=-1)
    earlier = [c for c in scan.times if c.position < before and c.value is not None]
    corrected = max(earlier, key=lambda c: c.position) if earlier else None
    if length > (corrected.position if corrected else -1):
        scan.durations.append(DurationCandidate(match.start("h1"), 0, _length(int(match.group("h1"))), match.end()))
        scan.consume(match)
        return
    times.read_bare(scan, match, date, corrected.value if corrected else None)


def _length(written: int) -> int | None:
    """A bare length in a correction: hours when small ("make it 2"), else minutes ("no, 45")."""
    if 1 <= written <= 4:
        return written * 60
    return written if 15 <= written <= 240 else None
