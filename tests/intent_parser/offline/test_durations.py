"""Amounts of time: how long to play ("for 90 minutes") and instants from now ("in two hours")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.intent_parser.offline.reading import assert_reads, parse

CASES: list[tuple[str, dict[str, Any]]] = [
    # durations
    ("tomorrow 3pm for 2 hours", {"duration_minutes": 120}),
    ("tomorrow 3pm for 90 minutes", {"duration_minutes": 90}),
    ("tomorrow 3pm for an hour and a half", {"duration_minutes": 90}),
    ("tomorrow 3pm for half an hour", {"duration_minutes": 30}),
    # instants
    ("in two hours", {"date": "2026-11-27", "time": "12:00"}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


def test_in_two_hours_crosses_midnight() -> None:
    intent = parse("in two hours", "2026-11-28T04:30:00Z", "America/New_York")  # 23:30 local
    assert (intent.date, intent.time) == (dt.date(2026, 11, 28), "01:30")
