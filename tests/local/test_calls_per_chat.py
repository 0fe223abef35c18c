"""How many calls a chat makes on the local stack, counted at the endpoints (issue 15's targets).

    book court A tomorrow at 15:00       -> 3 invokes (parser, availability, booking);
                                            on the bookings table 1 Query + 1 GetItem + 1 TransactWriteItems
    is anything free tomorrow at 4pm?    -> 2 invokes (parser, availability); on the bookings table 1 Query
    POST /bookings {slot_id}             -> 1 invoke (booking); on the bookings table 1 GetItem + 1 TransactWriteItems

The counts are the endpoints' own (`LocalStack.requests()`: what the local Lambda endpoint
was sent and what moto answered), so nothing in the functions is counted or changed. Each
chat is warm: the stack has answered a chat before the counted one. Counts only, no times.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.stack import LOCAL_TABLE_NAME, LocalStack
from tests import clock
from tests.local.conftest import LogCapture, chat, request, running_stack

pytestmark = pytest.mark.slow

PARSER, AVAILABILITY, BOOKING = "IntentParserFunction", "AvailabilityFunction", "BookingFunction"


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """The stack `make run` starts, on free ports, with the offline parser (a key in the shell cannot turn
    OpenAI on), warmed by one chat, its counts zeroed."""
    parser = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    options: dict[str, Any] = {"parameters": {"AuthMode": "none"}, "environment": {PARSER: parser}}
    with running_stack(**options, log=LogCapture()) as local:
        status, _ = chat(local.api_url, "is anything free tomorrow at 10am?", user="warm-up")
        assert status == 200
        local.requests()
        yield local


def on_bookings_table(counts: dict[str, Any]) -> dict[str, int]:
    return {operation: n for (operation, table), n in counts["dynamodb"].items() if table == LOCAL_TABLE_NAME}


def test_a_booking_chat_makes_three_invokes_and_one_query_get_and_transaction(stack: LocalStack) -> None:
    status, body = chat(stack.api_url, "book court A tomorrow at 15:00", user="counted-booker")
    counts = stack.requests()

    assert status == 200, body
    assert body["status"] == "booked", body
    assert (body["booking"]["court"], body["booking"]["date"]) == ("Court A", clock.tomorrow().isoformat())
    assert counts["invokes"] == {PARSER: 1, AVAILABILITY: 1, BOOKING: 1}, counts
    assert on_bookings_table(counts) == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}, counts


def test_a_check_chat_makes_two_invokes_and_one_query(stack: LocalStack) -> None:
    status, body = chat(stack.api_url, "is anything free tomorrow at 4pm?", user="counted-checker")
    counts = stack.requests()

    assert status == 200, body
    assert body["status"] in ("available", "alternatives", "unavailable"), body
    assert counts["invokes"] == {PARSER: 1, AVAILABILITY: 1}, counts
    assert on_bookings_table(counts) == {"Query": 1}, counts


def test_a_rest_booking_makes_one_invoke_and_one_get_and_transaction(stack: LocalStack) -> None:
    slot_id = clock.slot_id("Court B", hour=16, days=2)
    headers = {"content-type": "application/json", "x-user-id": "counted-rest"}
    status, body = request("POST", f"{stack.api_url}/bookings", {"slot_id": slot_id}, headers)
    counts = stack.requests()

    assert status == 201, body
    assert counts["invokes"] == {BOOKING: 1}, counts
    assert on_bookings_table(counts) == {"GetItem": 1, "TransactWriteItems": 1}, counts
