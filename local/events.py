"""The event files in `events/`, shared by `sam local invoke`, `make invoke` and the tests.

Event files hold real dates so they can be sent as they are. They are written
as if today were the date in `events/WRITTEN_FOR`; `load()` moves every date in
a file by the days since then, so "book 2026-11-28 at 15:00" stays "tomorrow at
15:00" whenever it is run. `python -m local.events --refresh` (`make events`)
rewrites the files the same way, for `sam local invoke -e` and
`aws lambda invoke --payload fileb://...` on a later day.

Every date-bearing string moves: ISO dates wherever they stand (`2026-11-28`,
inside `2026-11-28T15:00|Court A` and `2026-11-27T10:00:00Z`), API Gateway's
`requestContext.time` (`27/Nov/2026:10:00:00 +0000`) and `timeEpoch` (milliseconds).
"Today" is the facility's today (`FACILITY_TIMEZONE`, else the template's default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .template import ROOT, parameter_defaults

EVENTS_DIR = ROOT / "events"
WRITTEN_FOR_FILE = EVENTS_DIR / "WRITTEN_FOR"
# An ISO date anywhere, also when a "T" or "|" follows it; never part of a longer number.
ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d])")
# API Gateway's requestContext.time: 27/Nov/2026:10:00:00 +0000
GATEWAY_DATE = re.compile(r"(?<!\d)(\d{2})/([A-Z][a-z]{2})/(\d{4})(?=:)")
EPOCH_MILLIS = re.compile(r'("timeEpoch"\s*:\s*)(\d{12,14})')
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAY_MILLIS = 86_400_000


def shift(text: str, days: int) -> str:
    """The text with every date in it moved by `days` (impossible dates are left as they are)."""
    if not days:
        return text

    def iso(found: re.Match[str]) -> str:
        try:
            day = dt.date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return found[0]  # an impossible date in a file is there on purpose
        return (day + dt.timedelta(days=days)).isoformat()

    def gateway(found: re.Match[str]) -> str:
        if found[2] not in MONTHS:
            return found[0]
        try:
            day = dt.date(int(found[3]), MONTHS.index(found[2]) + 1, int(found[1]))
        except ValueError:
            return found[0]
        moved = day + dt.timedelta(days=days)
        return f"{moved.day:02d}/{MONTHS[moved.month - 1]}/{moved.year}"

    def epoch(found: re.Match[str]) -> str:
        return f"{found[1]}{int(found[2]) + days * DAY_MILLIS}"

    text = ISO_DATE.sub(iso, text)
    text = GATEWAY_DATE.sub(gateway, text)
    return EPOCH_MILLIS.sub(epoch, text)


def facility_today(zone: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """Today in the facility's time zone: `zone`, else FACILITY_TIMEZONE, else the template's FacilityTimezone."""
    zone = zone or os.environ.get("FACILITY_TIMEZONE") or parameter_defaults().get("FacilityTimezone") or "UTC"
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(zone)).date()


def written_for() -> dt.date:
    return dt.date.fromisoformat(WRITTEN_FOR_FILE.read_text(encoding="utf-8").strip())


def names() -> list[str]:
    return sorted(p.name for p in EVENTS_DIR.glob("*.json"))


def path_of(name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() or path.parent != Path() else EVENTS_DIR / name


def days_to(today: dt.date | None = None) -> int:
    """How many days the files' dates move to be written for `today` (default: the facility's today)."""
    return ((today or facility_today()) - written_for()).days


def load(name: str, today: dt.date | None = None) -> Any:
    """The event as a function receives it, with its dates moved to `today` (default: the facility's today)."""
    return json.loads(shift(path_of(name).read_text(encoding="utf-8"), days_to(today)))


def refresh(today: dt.date | None = None) -> int:
    """Rewrite the event files (and WRITTEN_FOR) for `today`; the number of days they moved."""
    today = today or facility_today()
    days = days_to(today)
    for name in names():
        path = EVENTS_DIR / name
        path.write_text(shift(path.read_text(encoding="utf-8"), days), encoding="utf-8")
    WRITTEN_FOR_FILE.write_text(f"{today.isoformat()}\n", encoding="utf-8")
    return days


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Show or refresh the event files' dates.")
    parser.add_argument("--refresh", action="store_true", help="rewrite events/*.json with dates moved to today")
    args = parser.parse_args(argv)
    if not args.refresh:
        print(f"event files are written for {written_for()}; load() moves their dates by {days_to()} days")
        return 0
    days = refresh()
    print(f"moved the dates in {len(names())} event files by {days} days (written for {written_for()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
