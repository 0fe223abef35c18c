"""Hostile direct-invoke events: always an envelope with a stable code, never an unhandled exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtbooking.models import ErrorCode
from tests import clock
from tests.functions.conftest import Handler

# Real dates from the tests' one clock: each refusal below is of the event's form, on any day.
TOMORROW = clock.tomorrow().isoformat()
SLOT = clock.slot_id()

CODES = {code.value for code in ErrorCode}
FIELDS = {
    "IntentParserFunction": ["message", "now", "correlation_id"],
    "AvailabilityFunction": ["intent", "date", "time", "window", "court", "duration_minutes", "action"],
    "BookingFunction": [
        "operation",
        "slot_id",
        "user_id",
        "booking_id",
        "duration_minutes",
        "idempotency_key",
        "request_fingerprint",
    ],
}

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.text(alphabet=st.characters(codec="utf-8"), min_size=2000, max_size=5000)
    | st.sampled_from([TOMORROW, "15:00", SLOT, "book", "list", "cancel", "Court B"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=30,
)
deeply_nested = st.integers(min_value=50, max_value=400).map(lambda depth: json.loads("[" * depth + "]" * depth))


def events_for(function: str) -> st.SearchStrategy[Any]:
    shaped = st.dictionaries(st.sampled_from(FIELDS[function]), json_values, max_size=len(FIELDS[function]))
    return shaped | json_values | deeply_nested


@pytest.mark.parametrize("function", sorted(FIELDS))
def test_any_event_gets_an_envelope(function: str, handlers: dict[str, Handler]) -> None:
    handler = handlers[function]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(event=events_for(function))
    def check(event: Any) -> None:
        answer = handler(event)
        json.dumps(answer)  # serialisable, as Lambda needs
        if answer["success"] is False:
            assert answer["error"]["code"] in CODES
            assert isinstance(answer["error"]["message"], str)
            assert answer["error"]["message"]
        else:
            assert isinstance(answer["data"], dict)

    check()
