"""The event files' dates: every date-bearing string moves, and what is loaded is never in the past.

`local.events` is what `make invoke`, `make events` (before `sam local invoke -e`
or `aws lambda invoke --payload fileb://...`) and the tests use.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from local import events
from tests import clock

# Anything in a file that could be a date, in any of the forms the event files use.
DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}/[A-Z][a-z]{2}/\d{4}|\b1\d{12}\b")
MONTHS = events.MONTHS


def dates_in(text: str) -> list[dt.date]:
    """Every date written in the text, in order, whatever its form (ISO, API Gateway's, epoch milliseconds)."""
    found = []
    for token in DATE_LIKE.findall(text):
        if "/" in token:
            day, month, year = token.split("/")
            found.append(dt.date(int(year), MONTHS.index(month) + 1, int(day)))
        elif "-" in token:
            found.append(dt.date.fromisoformat(token))
        else:
            found.append(dt.datetime.fromtimestamp(int(token) / 1000, dt.UTC).date())
    return found


@pytest.mark.parametrize("name", events.names())
@pytest.mark.parametrize("days", [1, 45, 400, -3])
def test_every_date_bearing_string_moves(name: str, days: int) -> None:
    raw = events.path_of(name).read_text(encoding="utf-8")
    moved = events.shift(raw, days)
    before, after = dates_in(raw), dates_in(moved)
    assert len(before) == len(after)
    assert [d + dt.timedelta(days=days) for d in before] == after
    json.loads(moved)  # still the same JSON, dates apart


def test_the_files_hold_dates_in_each_form_the_mover_knows() -> None:
    """Slot ids, 'now' instants, requestContext.time and timeEpoch are all there, so the test above means it."""
    text = "".join(events.path_of(n).read_text(encoding="utf-8") for n in events.names())
    assert re.search(r'"slot_id": "\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\|', text)
    assert re.search(r'"now": "\d{4}-\d{2}-\d{2}T', text)
    assert re.search(r'"time": "\d{2}/[A-Z][a-z]{2}/\d{4}:', text)
    assert re.search(r'"timeEpoch": \d{13}', text)


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("name", events.names())
def test_what_is_loaded_is_written_for_the_facilitys_today(name: str) -> None:
    """Never a day in the past: a slot id is today or later; UTC stamps lag the facility's day by one at most."""
    loaded = events.load(name)
    for written in dates_in(json.dumps(loaded)):
        assert written >= clock.today() - dt.timedelta(days=1), (name, written)
    for slot in [s for s in strings(loaded) if "|" in s]:
        assert dt.date.fromisoformat(slot[:10]) >= clock.today(), slot


def test_an_impossible_date_in_a_file_stays_impossible() -> None:
    assert events.shift('{"date": "2026-02-30", "d": "2026-11-28"}', 1) == '{"date": "2026-02-30", "d": "2026-11-29"}'


def test_refresh_rewrites_the_files_for_today_and_load_then_moves_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    copy = tmp_path / "events"
    shutil.copytree(events.EVENTS_DIR, copy)
    monkeypatch.setattr(events, "EVENTS_DIR", copy)
    monkeypatch.setattr(events, "WRITTEN_FOR_FILE", copy / "WRITTEN_FOR")
    before = {n: events.load(n) for n in events.names()}
    days = events.refresh()
    assert events.written_for() == clock.today()
    assert events.days_to() == 0
    assert {n: json.loads((copy / n).read_text(encoding="utf-8")) for n in events.names()} == before
    assert (
        days
        == (clock.today() - dt.date.fromisoformat((events.ROOT / "events" / "WRITTEN_FOR").read_text().strip())).days
    )
