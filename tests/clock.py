"""The tests' one clock: every relative date a test uses comes from here.

It reads the same system clock as the service (`courtbooking.clock.utc_now`).
`LOCAL_CLOCK` moves both, in this process and in every process of a local stack
(see local/clock.py and docs/testing.md): `make test-clock` runs the date-sensitive
tests 45 days ahead, on New Year's Eve where it is already New Year, and on the
daylight-saving change days of London and New York.

"Today" is the facility's today, in FACILITY_TIMEZONE (the scenario's zone when
one is set, else the template's FacilityTimezone).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from local import template


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def zone_name() -> str:
    return os.environ.get("FACILITY_TIMEZONE") or template.parameter_defaults()["FacilityTimezone"]


def zone() -> ZoneInfo:
    return ZoneInfo(zone_name())


def local_now() -> dt.datetime:
    return now().astimezone(zone())


def today() -> dt.date:
    return local_now().date()


def day(offset: int) -> dt.date:
    """`offset` days from the facility's today (1 is tomorrow)."""
    return today() + dt.timedelta(days=offset)


def tomorrow() -> dt.date:
    return day(1)


def slot_id(court: str = "Court A", hour: int = 15, days: int = 1) -> str:
    """A slot id `days` from today at `hour`:00, e.g. tomorrow 15:00 on Court A."""
    return f"{day(days).isoformat()}T{hour:02d}:00|{court}"


def zone_where_the_hour_is(first: int, last: int, prefer: str | None = None) -> str:
    """A real zone where the local hour is now in [first, last): `prefer` when it is, else a fixed-offset
    one. For tests that need "10:00 has passed today" or "16:00 today is still ahead" at any hour they run."""
    candidates = ([prefer] if prefer else []) + [
        f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}" if offset else "UTC" for offset in range(-12, 15)
    ]
    for zone in candidates:
        if first <= now().astimezone(ZoneInfo(zone)).hour < last:
            return zone
    raise AssertionError(f"no zone has the hour in [{first}, {last}) now")  # pragma: no cover - offsets span 26 h
