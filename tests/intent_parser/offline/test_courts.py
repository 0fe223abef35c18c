"""Courts: the configured courts in any spelling, and what is not a court."""

from __future__ import annotations

from typing import Any

import pytest

from courtbooking.models import ConversationContext
from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility
from tests.intent_parser.offline.reading import FRIDAY, assert_reads, day

WEDNESDAY = day(5)

NO_COURT = {"court": None, "unknown_court": None}
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
    # the plural "courts" is never a court's name ("Court S"); "2 courts" is no court, and no count either
    ("any courts free tmrw at 3?", {"action": "check", "date": "2026-11-28", "time": "15:00", **NO_COURT}),
    ("are there courts free tomorrow", {"action": "check", "date": "2026-11-28", **NO_COURT}),
    ("courts tmrw?", {"action": "check", "date": "2026-11-28", "time": None, **NO_COURT}),
    (
        "book 2 courts tomorrow at 12",
        {"action": "book", "date": "2026-11-28", "time": "12:00", "duration_minutes": None, **NO_COURT},
    ),
    ("courts b and c tomorrow at 3pm", {"court": "Court B", "unknown_court": None}),  # a name after it still is one
    ("court#b tomorrow at 3pm", {"court": "Court B"}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


IN_CONTEXT: list[tuple[str, dict[str, Any]]] = [
    ("courts tmrw?", {"action": "check", "date": "2026-11-28", **NO_COURT}),
    ("any courts free at 3?", {"action": "check", "date": WEDNESDAY.isoformat(), "time": "15:00", **NO_COURT}),
    ("book 2 courts at 12", {"action": "book", "date": WEDNESDAY.isoformat(), "time": "12:00", **NO_COURT}),
]


@pytest.mark.parametrize(("message", "expected"), IN_CONTEXT, ids=[c[0] for c in IN_CONTEXT])
def test_plural_courts_in_a_conversation(message: str, expected: dict[str, Any]) -> None:
    """A check on Wednesday of Court B at 15:00: "courts" neither names a court nor keeps the one in focus."""
    context = ConversationContext(action="check", date=WEDNESDAY, time="15:00", court="Court B")
    assert_reads(message, expected, context)


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
