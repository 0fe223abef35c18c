"""Courts: the configured courts in any spelling, and what is not a court."""

from __future__ import annotations

from typing import Any

import pytest

from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility
from tests.intent_parser.offline.reading import FRIDAY, assert_reads

CASES: list[tuple[str, dict[str, Any]]] = [
    # court
    ("court B tomorrow 3pm", {"court": "Court B"}),
    ("Court C tomorrow 3pm", {"court": "Court C"}),
    ("COURT  c tomorrow 3pm", {"court": "Court C"}),
    ("court a tomorrow 3pm", {"court": "Court A"}),
    ("a court a week from today at 3pm", {"court": None, "date": "2026-12-04"}),  # "a" is an article
    ("court 2 tomorrow 3pm", {"court": None, "time": "15:00"}),  # no such court; "2" is not a time
    # a court that is not configured: named, and a booking becomes a check
    ("book court d tomorrow 3pm", {"court": None, "unknown_court": "Court D", "action": "check"}),
    ("court 5 tomorrow 3pm", {"unknown_court": "Court 5"}),
    ("court B tomorrow 3pm", {"unknown_court": None}),
    ("court d, actually court b, tomorrow 3pm", {"court": "Court B", "unknown_court": None}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


def test_court_names_come_from_the_facility() -> None:
    facility = make_facility(courts=("Centre Court", "Court 1", "Court 2"))
    parser = OfflineParser(facility)
    now = instant(FRIDAY)
    assert parser.parse("centre court tomorrow at 3pm", now).court == "Centre Court"
    assert parser.parse("court 2 tomorrow at 3pm", now).court == "Court 2"
    assert parser.parse("ct #1 tomorrow at 3pm", now).court == "Court 1"
    assert parser.parse("court b tomorrow at 3pm", now).court is None
    spelled = OfflineParser(make_facility(courts=("Court One", "Court Two", "Clay Court")))
    assert spelled.parse("court two tomorrow at 3pm", now).court == "Court Two"
    assert spelled.parse("Court 1 tomorrow at 3pm", now).court == "Court One"
    assert spelled.parse("the clay court tomorrow at 3pm", now).court == "Clay Court"
    odd = OfflineParser(make_facility(courts=("🎾", "Court A")))  # a name that normalises to nothing
    assert odd.parse("court a tomorrow at 3pm", now).court == "Court A"
