"""How the offline parser's tests read a message, and the check every case table runs.

Reference instant unless a case says otherwise: Friday 27 November 2026, 10:00 in London.
Conventions (docs/intent-parsing.md): a bare weekday is the next one, today included;
"next <weekday>" is that day in the next calendar week; a bare hour is read inside
opening hours (08:00-21:00 here), the morning reading when both fit unless it has passed.
"""

from __future__ import annotations

from typing import Any

from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility

FRIDAY = "2026-11-27T10:00:00Z"
PARSERS: dict[str, OfflineParser] = {}


def parse(message: str, now: str = FRIDAY, zone: str = "Europe/London"):  # type: ignore[no-untyped-def]
    if zone not in PARSERS:
        PARSERS[zone] = OfflineParser(make_facility(zone))
    return PARSERS[zone].parse(message, instant(now))


def fields(intent: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = intent.model_dump(mode="json")
    return {name: values[name] for name in names}


def window(start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end}


def assert_reads(message: str, expected: dict[str, Any]) -> None:
    """`message` read at FRIDAY in London gives the `expected` fields, and says the offline parser answered."""
    intent = parse(message)
    assert fields(intent, tuple(expected)) == expected
    assert intent.parser == "offline"
    assert intent.raw_message == message
