"""Normalising: one spelling per word, and noise (emoji, full-width characters, punctuation) ignored."""

from __future__ import annotations

from typing import Any

import pytest

from intent.offline import normalise
from tests.intent_parser.offline.reading import assert_reads

CASES: list[tuple[str, dict[str, Any]]] = [
    # noise
    ("🎾🎾 TOMORROW @ 3PM!!! 🎾🎾", {"action": "book", "date": "2026-11-28", "time": "15:00"}),
    ("   tomorrow,,,   at   3   pm   ", {"date": "2026-11-28", "time": "15:00"}),
    ("ＴＯＭＯＲＲＯＷ ３ＰＭ", {"date": "2026-11-28", "time": "15:00"}),  # full-width characters
    ("“Tomorrow” – 3pm…", {"date": "2026-11-28", "time": "15:00"}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


def test_normalise_spells_one_way() -> None:
    assert normalise("TMRW @ 3 P.M. – Court-B!!! 🎾") == "tomorrow at 3 pm court b"
    assert normalise("wensday, the twenty-first, half past two") == "wednesday, the 21st, half past 2"
