"""Step 2c, offers: which of the conversation's offered slots a message takes.

By its place ("the second one", "the first", "2nd", "option 3", "the last one") or its
start ("the later one", "the earlier one"): `read_offer_words`, before the dates, so that
"the 2nd" is the second offer and not the 2nd of the month (an ordinal beyond the offers,
or one followed by a month or a time, stays a date). By what it says (`match_offer`): a
time and/or a court, on no other day than the one in focus ("the 13:00", "ok 4pm then",
"court C"): the first offer, in order, that fits. Neither for a cancel or a list.

The same words name one of the bookings the last answer listed (`read_booking_place`) when no
offer is taken: "cancel the second one". "the 3rd one", "the second booking" is a place even
beyond the list (the workflow says there is no third one); a bare "the 3rd" only within it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from courtbooking.models import Booking, Slot
from courtbooking.schedule import minutes_of

from .normalise import ANY_MONTH, ANY_WEEKDAY
from .scan import Reading, Scan

_THING = r"\s+(?:one|option|slot|choice|offer|time|booking|reservation)s?\b"
_PLACE = re.compile(
    # "the 2nd one", "2nd"; not "the 2nd of December", "the 2nd at 4pm" (dates)
    rf"\b(?:the\s+)?(?P<nth>\d{{1,2}})(?:st|nd|rd|th)\b(?:(?P<thing>{_THING})|(?!\s+(?:of\s+)?(?:{ANY_MONTH})\b|\s+at\b|\s*\d))"
    r"|\b(?:option|number|choice)\s*#?\s*(?P<number>\d{1,2})\b"
    # "the later one", "the last"; not "at the latest", "the last Friday"
    rf"|(?<!\bat\s)\bthe\s+(?P<end>last|later|latest|earlier|earliest)(?:{_THING})?"
    rf"(?!\s+(?:than|week|weekend|month|{ANY_WEEKDAY})\b)"
)
_MONTH_BEFORE = re.compile(rf"\b(?:{ANY_MONTH})\s*,?\s+(?:the\s+)?$")


def read_offer_words(scan: Scan, offers: Sequence[Slot]) -> None:
    """The offer a message takes by its place or its start, as `scan.offer`; its words are masked."""
    for match in _PLACE.finditer(scan.text):
        if match.group("nth") and _MONTH_BEFORE.search(scan.text, 0, match.start()):
            continue  # "December the 2nd" is a date
        index = _index(match, offers)
        if index is not None:
            scan.offer = index if scan.offer is None else scan.offer
            scan.consume(match)


def read_booking_place(scan: Scan, listed: Sequence[Booking]) -> None:
    """Which of the bookings listed a message names by its place, as `scan.place`; its words are masked."""
    for match in _PLACE.finditer(scan.text):
        if match.group("nth") and _MONTH_BEFORE.search(scan.text, 0, match.start()):
            continue
        index = _index(match, listed)
        if index is None and (match.group("thing") or match.group("number")):
            index = int(match.group("nth") or match.group("number")) - 1  # "the third one" of two: said so
        if index is not None and index >= 0 and scan.place is None:
            scan.place = index
            scan.consume(match)


def _index(match: re.Match[str], offers: Sequence[Slot] | Sequence[Booking]) -> int | None:
    end = match.group("end")
    if end and not offers:
        return None
    if end in ("later", "latest"):
        return max(range(len(offers)), key=lambda i: _start(offers[i]))  # the first of equal starts
    if end in ("earlier", "earliest"):
        return min(range(len(offers)), key=lambda i: _start(offers[i]))
    if end == "last":
        return len(offers) - 1
    place = int(match.group("nth") or match.group("number"))
    return place - 1 if 1 <= place <= len(offers) else None


def match_offer(reading: Reading, offers: Sequence[Slot], focus: dt.date | None) -> int | None:
    """The first offer that fits the time, court and window the message gives, on the day in focus."""
    if reading.time is None and reading.court is None:
        return None
    if reading.date is not None and reading.date != focus:
        return None  # another day: a new question, not one of these offers
    for index, slot in enumerate(offers):
        start = minutes_of(slot.time)
        if reading.time is not None and start != reading.time:
            continue
        if reading.court is not None and slot.court != reading.court:
            continue
        if reading.window is not None and not reading.window.start <= start < reading.window.end:
            continue
        if reading.date is not None and slot.date != reading.date:
            continue
        return index
    return None


def _start(slot: Slot | Booking) -> tuple[dt.date, str]:
    return slot.date, slot.time
