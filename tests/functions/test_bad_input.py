"""Bad input to every service handler: a clean INVALID_REQUEST, nothing written, no exception."""

from __future__ import annotations

from typing import Any

import pytest

from tests import clock
from tests.conftest import table_items
from tests.functions.conftest import Handler

# Real dates from the tests' one clock: each refusal below is of the event's form, on any day.
TOMORROW = clock.tomorrow().isoformat()
SLOT = clock.slot_id()

HOSTILE: list[Any] = [None, [], "book me", 42, {"unexpected": True}]

CASES: dict[str, list[tuple[Any, str]]] = {
    "IntentParserFunction": [
        ({}, "message: Field required"),
        ({"message": 7}, "message: Input should be a valid string"),
        ({"message": "x" * 2001}, "message: String should have at most 2000 characters"),
        ({"message": "book", "now": "yesterday"}, "now:"),
        ({"message": "book", "now": "2026-11-27T10:00:00"}, "UTC offset"),
    ],
    "AvailabilityFunction": [
        ({"date": "2026-02-30"}, "intent.date"),
        ({"date": TOMORROW, "time": "3pm"}, "intent.time"),
        ({"date": TOMORROW, "window": {"start": "18:00", "end": "12:00"}}, "window end must be later"),
        ({"intent": "tomorrow"}, "intent:"),
        ({"date": TOMORROW, "court": "Court Q"}, "no court called 'Court Q'"),
    ],
    "BookingFunction": [
        ({"slot_id": SLOT}, "user_id: Field required"),
        ({"slot_id": SLOT, "user_id": ""}, "user_id"),
        ({"slot_id": SLOT, "user_id": "a b"}, "user_id"),
        ({"slot_id": SLOT, "user_id": "alice", "duration_minutes": -60}, "duration_minutes"),
        ({"slot_id": SLOT, "user_id": "alice", "duration_minutes": True}, "duration_minutes"),
        ({"slot_id": SLOT, "user_id": "alice", "duration_minutes": "60"}, "duration_minutes"),
        ({"slot_id": "", "user_id": "alice"}, "slot_id"),
        ({"slot_id": SLOT, "user_id": "alice", "userid": "bob"}, "userid: Extra inputs"),
    ],
}


@pytest.mark.parametrize(
    ("function", "event", "words"),
    [(f, e, w) for f, cases in CASES.items() for e, w in cases] + [(f, e, "") for f in CASES for e in HOSTILE],
)
def test_bad_input_is_refused_cleanly(
    function: str, event: Any, words: str, handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    answer = handlers[function](event)
    assert answer["success"] is False
    assert answer["error"]["code"] == "INVALID_REQUEST"
    assert words in answer["error"]["message"]
    assert table_items(dynamodb, table_name) == []
