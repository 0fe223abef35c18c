"""The conversation of the issue over real HTTP on the local stack, with each parser.

    book a court tomorrow at 3pm   (all three courts taken at 15:00)  -> alternatives, 14:00 offered first
    ok 4pm then                                                       -> booked 16:00 that day
    actually court B                                                  -> moved to Court B, 16:00
    move it to 5pm                                                    -> moved to 17:00, still one booking
    cancel it                                                         -> cancelled, no booking left

The stack is what `make run` starts (local.stack.LocalStack: every function in its
own worker processes, the orchestrator reaching the services through the local
Lambda endpoint), one per parser: the offline parser (OPENAI_API_KEY empty, so a key
in the developer's shell cannot turn OpenAI on), and OpenAI, the intent parser
pointed at `FakeOpenAI` (a scripted Chat Completions server on loopback) through
OPENAI_API_KEY and OPENAI_BASE_URL, answering each turn in the structured-output
shape of `intent.prompt.IntentAnswer`. The courts are filled over POST /bookings,
so the fake answers only the person's five messages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from courtbooking import words
from local.stack import LocalStack
from tests import clock
from tests.intent_parser.fakes import TEST_KEY, FakeOpenAI, Reply, answer
from tests.local.conftest import LogCapture, request, wait_for_health

pytestmark = pytest.mark.slow

PERSON = "alice"
MESSAGES = ("book a court tomorrow at 3pm", "ok 4pm then", "actually court B", "move it to 5pm", "cancel it")


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


@pytest.fixture(scope="module", params=["offline", "openai"])
def parser_stack(request: pytest.FixtureRequest, fake_openai: FakeOpenAI) -> Iterator[tuple[str, LocalStack]]:
    """(parser, a local stack whose intent parser uses it); one stack per parser, one at a time."""
    parser = request.param
    if parser == "openai":
        variables = {"OPENAI_API_KEY": TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_TIMEOUT_SECONDS": "5"}
    else:
        variables = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    stack = LocalStack(
        api_port=0,
        invoke_port=0,
        dynamodb_port=0,
        environment={"IntentParserFunction": variables},
        log=LogCapture(),
    )
    stack.start()
    try:
        wait_for_health(stack.api_url)
        yield parser, stack
    finally:
        stack.stop()


def script(day: dt.date) -> list[Reply]:
    """What OpenAI answers to each of MESSAGES, given the conversation the parser sends with it."""
    tomorrow = day.isoformat()
    return [
        answer(action="book", date=tomorrow, time="15:00"),
        answer(action="book", date=tomorrow, time="16:00"),  # a follow-up: the day under discussion, at 16:00
        answer(action="move", court="Court B"),  # a booking in focus: "actually court B" moves it
        answer(action="move", time="17:00"),
        answer(action="cancel"),
    ]


def say(url: str, message: str, conversation_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    status, answered = request("POST", f"{url}/chat", body, headers(PERSON))
    assert status == 200, answered
    return answered


def headers(user: str) -> dict[str, str]:
    return {"content-type": "application/json", "x-user-id": user}


def where(answered: dict[str, Any]) -> tuple[str, str, str, str]:
    booking = answered["booking"]
    return answered["status"], booking["date"], booking["time"], booking["court"]


def my_bookings(url: str) -> list[tuple[str, str, str]]:
    """(date, time, court) of every upcoming booking the person holds, as GET /bookings lists them."""
    status, body = request("GET", f"{url}/bookings", headers=headers(PERSON))
    assert status == 200, body
    return [(b["date"], b["time"], b["court"]) for b in body["bookings"]]


def test_the_conversation_of_the_issue(parser_stack: tuple[str, LocalStack], fake_openai: FakeOpenAI) -> None:
    parser, stack = parser_stack
    url, day = stack.api_url, clock.tomorrow()
    tomorrow = day.isoformat()
    for user, court in (("ann", "Court A"), ("ben", "Court B"), ("cat", "Court C")):
        status, body = request("POST", f"{url}/bookings", {"slot_id": clock.slot_id(court, 15, 1)}, headers(user))
        assert status == 201, body
    if parser == "openai":
        fake_openai.requests.clear()
        fake_openai.replies.clear()
        fake_openai.script(*script(day))

    offered = say(url, MESSAGES[0])
    assert offered["status"] == "alternatives", offered
    assert offered["response"].startswith(f"All three courts are taken at 15:00 on {words.day(day)}.")
    assert "The nearest is 14:00 on Court A - shall I book it?" in offered["response"]
    assert offered["booking"] is None
    assert my_bookings(url) == []
    conversation = offered["conversation_id"]

    booked = say(url, MESSAGES[1], conversation)
    assert where(booked) == ("booked", tomorrow, "16:00", "Court A"), booked
    assert my_bookings(url) == [(tomorrow, "16:00", "Court A")]

    switched = say(url, MESSAGES[2], conversation)
    assert where(switched) == ("moved", tomorrow, "16:00", "Court B"), switched
    assert switched["booking"]["booking_id"] == booked["booking"]["booking_id"]
    assert my_bookings(url) == [(tomorrow, "16:00", "Court B")]

    later = say(url, MESSAGES[3], conversation)
    assert where(later) == ("moved", tomorrow, "17:00", "Court B"), later
    assert my_bookings(url) == [(tomorrow, "17:00", "Court B")]  # exactly one booking, not a second court

    gone = say(url, MESSAGES[4], conversation)
    assert where(gone) == ("cancelled", tomorrow, "17:00", "Court B"), gone
    assert my_bookings(url) == []

    answers = (offered, booked, switched, later, gone)
    assert {a["conversation_id"] for a in answers} == {conversation}
    assert [a["intent"]["parser"] for a in answers] == [parser] * len(MESSAGES)  # no silent fallback
    if parser == "openai":
        sent = [json.loads(r["json"]["messages"][-1]["content"]) for r in fake_openai.requests]
        assert [s["message"] for s in sent] == list(MESSAGES)  # one request a turn, in order
        assert "conversation" not in sent[0]
        assert all("conversation" in s for s in sent[1:])  # each follow-up went with what it follows
        assert not fake_openai.replies
