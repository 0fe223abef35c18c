"""How the offline parser's tests read a message, and the check every case table runs.

Reference instant unless a case says otherwise: Friday 27 November 2026, 10:00 in London.
Conventions (docs/intent-parsing.md): a bare weekday is the next one, today included;
"next <weekday>" is that day in the next calendar week; a bare hour is read inside
opening hours (08:00-21:00 here), the morning reading when both fit unless it has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from courtbooking.models import Booking, ConversationContext, Slot
from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility

FRIDAY = "2026-11-27T10:00:00Z"
TODAY = instant(FRIDAY).date()  # Friday 27 November 2026 in London
PARSERS: dict[str, OfflineParser] = {}


def parse(  # type: ignore[no-untyped-def]
    message: str, now: str = FRIDAY, zone: str = "Europe/London", context: ConversationContext | None = None
):
    if zone not in PARSERS:
        PARSERS[zone] = OfflineParser(make_facility(zone))
    return PARSERS[zone].parse(message, instant(now), context)


def day(offset: int) -> dt.date:
    """The day `offset` days after TODAY (5: Wednesday 2 December)."""
    return TODAY + dt.timedelta(days=offset)


def slot(court: str, time: str, date: dt.date) -> Slot:
    return Slot(slot_id=f"{court}#{date}#{time}", court=court, date=date, time=time, duration_minutes=60)


def booking(court: str, time: str, date: dt.date) -> Booking:
    return Booking(booking_id="b-1", court=court, date=date, time=time, duration_minutes=60, user_id="alice")


def fields(intent: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = intent.model_dump(mode="json")
    return {name: values[name] for name in names}


def window(start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end}


def assert_reads(message: str, expected: dict[str, Any], context: ConversationContext | None = None) -> None:
    """`message` read at FRIDAY in London (in `context`, if any) gives the `expected` fields, and says
    the offline parser answered."""
    intent = parse(message, context=context)
    assert fields(intent, tuple(expected)) == expected
    assert intent.parser == "offline"
    assert intent.raw_message == message
