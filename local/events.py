"""The event files in `events/`, shared by `sam local invoke`, `make invoke` and the tests.

Event files hold real dates so they can be sent as they are. They are written
as if today were the date in `events/WRITTEN_FOR`; `load()` moves every date in
a file by the days since then, so "book 2026-11-28 at 15:00" stays "tomorrow at 15:00"
whenever it is run. `python -m local.events --refresh` rewrites the files the
same way, for `sam local invoke -e` on a later day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

from .template import ROOT

EVENTS_DIR = ROOT / "events"
WRITTEN_FOR_FILE = EVENTS_DIR / "WRITTEN_FOR"
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _shift(text: str, days: int) -> str:
    def move(found: re.Match[str]) -> str:
        try:
            day = dt.date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return found[0]  # an impossible date in a file is there on purpose
        return (day + dt.timedelta(days=days)).isoformat()

    return _DATE.sub(move, text) if days else text


def written_for() -> dt.date:
    return dt.date.fromisoformat(WRITTEN_FOR_FILE.read_text(encoding="utf-8").strip())


def names() -> list[str]:
    return sorted(p.name for p in EVENTS_DIR.glob("*.json"))


def path_of(name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() or path.parent != Path() else EVENTS_DIR / name


def load(name: str, today: dt.date | None = None) -> Any:
    """The event as a function receives it, with its dates moved to `today` (default: today, UTC)."""
    today = today or dt.datetime.now(dt.UTC).date()
    return json.loads(_shift(path_of(name).read_text(encoding="utf-8"), (today - written_for()).days))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Show or refresh the event files' dates.")
    parser.add_argument("--refresh", action="store_true", help="rewrite events/*.json with dates moved to today")
    args = parser.parse_args(argv)
    today = dt.datetime.now(dt.UTC).date()
    days = (today - written_for()).days
    if not args.refresh:
        print(f"event files are written for {written_for()}; load() moves their dates by {days} days")
        return 0
    for name in names():
        path = EVENTS_DIR / name
        path.write_text(_shift(path.read_text(encoding="utf-8"), days), encoding="utf-8")
    WRITTEN_FOR_FILE.write_text(f"{today.isoformat()}\n", encoding="utf-8")
    print(f"moved the dates in {len(names())} event files by {days} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
