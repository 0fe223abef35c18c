"""Self-corrections: the value after "no wait", "sorry", "actually", "make it" or "not X but Y" wins."""

from __future__ import annotations

from typing import Any

import pytest

from tests.intent_parser.offline.reading import assert_reads

CASES: list[tuple[str, dict[str, Any]]] = [
    # a bare number after a correction is the kind of value it corrects
    ("at 5, no wait, 6", {"time": "18:00"}),
    ("tomorrow at 7pm, I mean 8", {"time": "20:00"}),  # the reading nearest the corrected time
    ("tomorrow at 9am, sorry, 10", {"time": "10:00"}),
    ("make it 6", {"time": "18:00"}),  # nothing before it: a time
    ("1 hour, no make it 2", {"duration_minutes": 120}),
    ("tomorrow at 3 for 45 minutes, actually 30", {"time": "15:00", "duration_minutes": 30}),
    # values written in full: the last one
    ("3pm sorry 4pm", {"time": "16:00"}),
    ("court a, actually court b", {"court": "Court B"}),
    ("tomorrow at 6pm for 2 hours, no wait, 1 hour", {"duration_minutes": 60}),
    # "not": read, not offered
    ("not at 3 but at 4", {"time": "16:00"}),
    ("tomorrow, not 3pm, 5pm", {"time": "17:00"}),
    ("not court A, court C tomorrow at noon", {"court": "Court C", "time": "12:00"}),
    # no correction: the first, as before
    ("court a or court b tomorrow at 3pm", {"court": "Court A"}),
    ("tomorrow at 3pm, actually 2 of us", {"time": "15:00", "duration_minutes": None}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)
