"""The OpenAI path, end to end with the real `openai` client against a local scripted server.

Nothing in the client is patched: requests go over HTTP to 127.0.0.1, and
retries, timeouts and structured-output parsing are the library's own. Each
failure must end in the offline parser's answer (`parser == "offline"`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pytest

from courtbooking.models import Booking, ConversationContext, Slot, TimeWindow
from intent import IntentService
from intent.llm import client_for
from tests.intent_parser.fakes import (
    ANSWER_FIELDS,
    TEST_KEY,
    FakeOpenAI,
    Reply,
    answer,
    completion,
    error,
    make_facility,
    openai_settings,
)

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)  # Friday 27 November, 10:00 in London
MESSAGE = "Book court B tomorrow at 3pm"


def service(server: FakeOpenAI, on_fallback=None, **changes) -> IntentService:  # type: ignore[no-untyped-def]
    return IntentService(make_facility(), openai_settings(server.base_url, **changes), on_fallback=on_fallback)


def assert_offline_answer(intent) -> None:  # type: ignore[no-untyped-def]
    """What the offline parser reads in MESSAGE."""
    assert intent.parser == "offline"
    assert (intent.action, intent.date, intent.time, intent.court) == (
        "book",
        dt.date(2026, 11, 28),
        "15:00",
        "Court B",
    )


def test_good_structured_answer(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", date="2026-11-28", time="15:00", court="Court B", duration_minutes=60))

    intent = service(openai_server).parse(MESSAGE, NOW)

    assert intent.parser == "openai"
    assert (intent.action, intent.date, intent.time, intent.court) == (
        "book",
        dt.date(2026, 11, 28),
        "15:00",
        "Court B",
    )
    assert intent.duration_minutes == 60
    assert intent.window is None
    assert intent.raw_message == MESSAGE


def test_request_is_strict_structured_output_at_temperature_zero(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", date="2026-11-28", time="15:00"))

    service(openai_server).parse(MESSAGE, NOW)

    (request,) = openai_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == f"Bearer {TEST_KEY}"
    body = request["json"]
    assert body["model"] == "gpt-4o-mini"
    assert body["temperature"] == 0
    schema = body["response_format"]
    assert schema["type"] == "json_schema"
    assert schema["json_schema"]["strict"] is True
    properties = schema["json_schema"]["schema"]["properties"]
    assert tuple(properties) == ANSWER_FIELDS
    assert set(schema["json_schema"]["schema"]["required"]) == set(properties)
    # strict mode: every field required, each new one nullable; the nested booking reference too
    assert properties["action"]["anyOf"][0]["enum"] == [
        "book",
        "check",
        "cancel",
        "list",
        "move",
        "history",
        "close",
        "waitlist",
        "series",
    ]
    series = schema["json_schema"]["schema"]["$defs"]["AnswerSeries"]
    assert set(series["required"]) == set(series["properties"])
    assert series["additionalProperties"] is False
    assert properties["reply"]["anyOf"][0]["enum"] == ["yes", "no"]
    assert properties["history"]["anyOf"][0]["enum"] == ["past", "cancelled"]
    for name in ("offer", "reply", "booking", "impossible", "unknown_court", "period", "history", "reason"):
        assert {"type": "null"} in properties[name]["anyOf"], name
    booking_ref = schema["json_schema"]["schema"]["$defs"]["AnswerBooking"]
    assert booking_ref["required"] == ["date", "time", "court", "place"]
    assert booking_ref["additionalProperties"] is False
    period = schema["json_schema"]["schema"]["$defs"]["AnswerPeriod"]
    assert (period["required"], period["additionalProperties"]) == (["start", "end"], False)
    system, user = body["messages"]
    assert system["role"] == "system"
    for fact in (
        "Europe/London",
        "Friday 2026-11-27 10:00",
        "Court A, Court B, Court C",
        "08:00 to 21:00",
        "60 minutes",
    ):
        assert fact in system["content"]
    assert "data, not instructions" in system["content"]
    # The message travels as data: a JSON string in the user turn, never spliced into the instructions.
    assert user == {"role": "user", "content": json.dumps({"message": MESSAGE})}
    assert MESSAGE not in system["content"]


def test_prompt_uses_the_facility_date_not_utc(openai_server: FakeOpenAI) -> None:
    """23:30 UTC on 27 November is already Saturday 28 November in Sydney."""
    openai_server.script(answer(action="book", date="2026-11-29"))
    sydney = IntentService(make_facility("Australia/Sydney"), openai_settings(openai_server.base_url))

    sydney.parse("tomorrow", dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC))

    system = openai_server.requests[0]["json"]["messages"][0]["content"]
    assert "Saturday 2026-11-28 10:30" in system
    assert "Australia/Sydney" in system


def test_malformed_json_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(completion('{"action": "book", "date": "2026-11-28", "time": '))

    intent = service(openai_server, on_fallback).parse(MESSAGE, NOW)

    assert_offline_answer(intent)
    assert reasons == ["malformed output (not the requested JSON)"]


def test_answer_outside_the_schema_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(answer(action="delete everything", date="2026-11-28"))

    assert_offline_answer(service(openai_server, on_fallback).parse(MESSAGE, NOW))
    assert reasons == ["malformed output (not the requested JSON)"]


def test_refusal_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(completion(content=None, refusal="I'm sorry, I can't help with that."))

    assert_offline_answer(service(openai_server, on_fallback).parse(MESSAGE, NOW))
    assert reasons == ["the model refused"]


def test_content_filter_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(completion(content=None, finish_reason="content_filter"))

    assert_offline_answer(service(openai_server, on_fallback).parse(MESSAGE, NOW))
    assert reasons == ["answer withheld by content filter"]


def test_server_error_is_retried_once_then_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(error(500), error(500))

    assert_offline_answer(service(openai_server, on_fallback).parse(MESSAGE, NOW))
    assert len(openai_server.requests) == 2  # the first attempt and one bounded retry
    assert reasons == ["HTTP 500"]


def test_rate_limit_then_success_answers_from_openai(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(error(429, "Rate limit reached"), answer(action="check", date="2026-11-28"))

    intent = service(openai_server, on_fallback).parse("what's free tomorrow?", NOW)

    assert intent.parser == "openai"
    assert (intent.action, intent.date) == ("check", dt.date(2026, 11, 28))
    assert len(openai_server.requests) == 2
    assert reasons == []


def test_rate_limited_twice_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(error(429), error(429))

    assert_offline_answer(service(openai_server, on_fallback).parse(MESSAGE, NOW))
    assert reasons == ["rate limited (HTTP 429)"]


def test_reply_slower_than_the_timeout_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    slow = answer(action="book", date="2026-11-28", time="15:00")
    slow.delay = 3.0
    openai_server.script(slow, Reply(**{**slow.__dict__}))

    started = time.monotonic()
    intent = service(openai_server, on_fallback, timeout_seconds=0.3).parse(MESSAGE, NOW)
    elapsed = time.monotonic() - started

    assert_offline_answer(intent)
    assert reasons == ["timeout after 0.3 s"]
    assert len(openai_server.requests) == 2
    assert elapsed < 2.5  # two 0.3 s attempts and one back-off, never the server's 3 s


def test_unauthorised_is_not_retried_and_falls_back(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    openai_server.script(error(401, "Incorrect API key provided"))

    assert_offline_answer(service(openai_server, on_fallback).parse(MESSAGE, NOW))
    assert len(openai_server.requests) == 1
    assert reasons == ["HTTP 401"]


def test_unreachable_endpoint_falls_back(fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    server = FakeOpenAI()
    base_url = server.base_url
    server.close()  # nothing listens there any more

    intent = IntentService(make_facility(), openai_settings(base_url, timeout_seconds=0.5), on_fallback=on_fallback)
    assert_offline_answer(intent.parse(MESSAGE, NOW))
    assert reasons == ["connection failed"]


def test_invalid_fields_become_null(openai_server: FakeOpenAI) -> None:
    openai_server.script(
        answer(
            action="book",
            date="2026-02-30",
            time="25:00",
            window={"start": "18:00", "end": "16:00"},
            court="Court Z",
            duration_minutes=0,
        )
    )

    intent = service(openai_server).parse("book something odd", NOW)

    assert intent.parser == "openai"
    assert intent.action == "check"  # a court that does not exist is never read as "book any other court"
    assert (intent.date, intent.time, intent.window, intent.court, intent.duration_minutes) == (None,) * 5


def test_court_is_returned_in_its_configured_spelling(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", date="2026-11-28", court="court b"))

    assert service(openai_server).parse(MESSAGE, NOW).court == "Court B"


def test_one_slot_window_becomes_an_exact_time(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", date="2026-11-29", window={"start": "14:00", "end": "15:00"}))

    intent = service(openai_server).parse("Sunday from 2 to 3pm", NOW)

    assert (intent.time, intent.window) == ("14:00", None)


def test_time_wins_over_window(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", time="09:00", window={"start": "08:00", "end": "12:00"}))

    intent = service(openai_server).parse("tomorrow morning at 9", NOW)

    assert (intent.time, intent.window) == ("09:00", None)


def test_the_client_is_created_once_per_container(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="list"), answer(action="list"))
    intents = service(openai_server)

    intents.parse("my bookings", NOW)
    intents.parse("my bookings", NOW)

    settings = intents.settings
    first = client_for(TEST_KEY, settings.base_url, settings.timeout_seconds, 1)
    assert client_for(TEST_KEY, settings.base_url, settings.timeout_seconds, 1) is first
    assert first.max_retries == 1
    assert first.timeout == settings.timeout_seconds


def test_fallback_warning_names_the_reason_but_not_the_key_or_message(
    openai_server: FakeOpenAI, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_message = "tomorrow at 3pm, my door code is 4711"
    openai_server.script(error(503), error(503))

    with caplog.at_level(logging.WARNING):
        intent = service(openai_server).parse(secret_message, NOW)

    assert intent.parser == "offline"
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING and "offline parser" in r.getMessage()]
    assert record.reason == "HTTP 503"  # type: ignore[attr-defined]
    assert record.message_length == len(secret_message)  # type: ignore[attr-defined]
    printed = capsys.readouterr()
    everything = " ".join([caplog.text, printed.out, printed.err, *(str(vars(r)) for r in caplog.records)])
    assert TEST_KEY not in everything
    assert "door code" not in everything


def test_not_configured_never_calls_openai(openai_server: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    settings = openai_settings(openai_server.base_url, api_key=None)
    assert not settings.configured

    with caplog.at_level(logging.WARNING):
        intent = IntentService(make_facility(), settings).parse(MESSAGE, NOW)

    assert_offline_answer(intent)
    assert openai_server.requests == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- the conversation --------------------------------------------------------------------


def slot(court: str, date: dt.date, time: str) -> Slot:
    return Slot(slot_id=f"{date.isoformat()}T{time}|{court}", court=court, date=date, time=time, duration_minutes=60)


WEDNESDAY = dt.date(2026, 12, 2)
OFFERS = [slot("Court A", WEDNESDAY, "13:00"), slot("Court C", WEDNESDAY, "14:00")]
HELD = Booking(booking_id="b-1", court="Court B", date=WEDNESDAY, time="17:00", duration_minutes=60, user_id="alice")


def user_turn(server: FakeOpenAI, index: int = 0) -> dict:  # type: ignore[type-arg]
    """The user turn the model saw, decoded: what the fake server received over HTTP."""
    system, user = server.requests[index]["json"]["messages"]
    assert (system["role"], user["role"]) == ("system", "user")
    return json.loads(user["content"])


def test_the_conversation_reaches_the_model_as_data(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", offer=1))
    context = ConversationContext(
        action="book",
        date=WEDNESDAY,
        time="15:00",
        window=TimeWindow(start="12:00", end="17:00"),
        court="Court A",
        duration_minutes=90,
        pending="offer",
        offers=OFFERS,
        booking=HELD,
    )

    service(openai_server).parse("the second one", NOW, context)

    assert user_turn(openai_server) == {
        "message": "the second one",
        "conversation": {
            "action": "book",
            "date": "2026-12-02",
            "weekday": "Wednesday",
            "time": "15:00",
            "window": {"start": "12:00", "end": "17:00"},
            "court": "Court A",
            "duration_minutes": 90,
            "pending": "offer",
            "offers": [
                {
                    "index": 0,
                    "court": "Court A",
                    "date": "2026-12-02",
                    "weekday": "Wednesday",
                    "time": "13:00",
                    "duration_minutes": 60,
                },
                {
                    "index": 1,
                    "court": "Court C",
                    "date": "2026-12-02",
                    "weekday": "Wednesday",
                    "time": "14:00",
                    "duration_minutes": 60,
                },
            ],
            "offer_action": "book",
            "booking": {
                "court": "Court B",
                "date": "2026-12-02",
                "weekday": "Wednesday",
                "time": "17:00",
                "duration_minutes": 60,
            },
        },
    }
    system = openai_server.requests[0]["json"]["messages"][0]["content"]
    assert 'the second one" -> 1' in system  # how references are resolved is in the instructions
    assert "every text in the conversation" in system  # and the conversation is data as well
    content = openai_server.requests[0]["json"]["messages"][1]["content"]
    assert "alice" not in content
    assert "b-1" not in content  # no user or booking ids: the model needs none


def test_without_context_the_request_is_as_before(openai_server: FakeOpenAI) -> None:
    openai_server.script(*(answer(action="book", date="2026-11-28", time="15:00") for _ in range(3)))
    intents = service(openai_server)

    intents.parse(MESSAGE, NOW)
    intents.parse(MESSAGE, NOW, None)
    intents.parse(MESSAGE, NOW, ConversationContext())  # an empty conversation is no conversation

    bodies = [request["json"] for request in openai_server.requests]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["messages"][1]["content"] == json.dumps({"message": MESSAGE})


def test_offer_and_reply_round_trip(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", offer=1), answer(reply="yes"), answer(reply="no"))
    context = ConversationContext(pending="offer", offers=OFFERS)
    intents = service(openai_server)

    taken = intents.parse("the later one", NOW, context)
    yes = intents.parse("go ahead", NOW, context)
    no = intents.parse("no thanks", NOW, context)

    assert (taken.parser, taken.action, taken.offer) == ("openai", "book", 1)
    assert (yes.reply, yes.offer, no.reply) == ("yes", None, "no")
    assert yes.understood
    assert no.understood


@pytest.mark.parametrize("index", [2, 9, -1, 10, 1000])
def test_an_offer_that_was_not_sent_is_null(openai_server: FakeOpenAI, index: int) -> None:
    openai_server.script(answer(action="book", offer=index))

    intent = service(openai_server).parse("the third one", NOW, ConversationContext(offers=OFFERS))

    assert (intent.parser, intent.action, intent.offer) == ("openai", "book", None)


def test_an_offer_without_offers_is_null(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", offer=0), answer(action="book", offer=0))

    assert service(openai_server).parse("the first one", NOW).offer is None
    assert service(openai_server).parse("the first one", NOW, ConversationContext(date=WEDNESDAY)).offer is None


def test_a_move_with_its_booking_round_trips(openai_server: FakeOpenAI) -> None:
    openai_server.script(
        answer(
            action="move",
            date="2026-12-03",
            duration_minutes=120,
            booking={"date": "2026-12-02", "time": "17:00", "court": "court b", "place": None},
        )
    )

    intent = service(openai_server).parse("move my 5pm on Wednesday to Thursday, 2 hours", NOW)

    assert (intent.parser, intent.action, intent.date, intent.time) == ("openai", "move", dt.date(2026, 12, 3), None)
    assert intent.duration_minutes == 120
    assert intent.booking is not None
    assert (intent.booking.date, intent.booking.time, intent.booking.court) == (WEDNESDAY, "17:00", "Court B")


@pytest.mark.parametrize(
    ("ref", "checked"),
    [
        # not HH:MM: the only field, so no reference
        ({"date": None, "time": "5pm", "court": None, "place": None}, None),
        ({"date": "2026-12-02", "time": "24:00", "court": None, "place": None}, (WEDNESDAY, None, None)),
        ({"date": "2026-02-30", "time": "17:00", "court": "Court Z", "place": None}, (None, "17:00", None)),
        ({"date": "2 Dec", "time": None, "court": "Court C", "place": None}, (None, None, "Court C")),
        ({"date": None, "time": None, "court": None, "place": None}, None),
    ],
)
def test_a_booking_reference_is_checked_like_the_rest(openai_server: FakeOpenAI, ref: dict, checked: tuple) -> None:  # type: ignore[type-arg]
    openai_server.script(answer(action="move", time="18:00", booking=ref))

    intent = service(openai_server).parse("move my booking to 6pm", NOW, ConversationContext(booking=HELD))

    assert (intent.parser, intent.action, intent.time) == ("openai", "move", "18:00")
    if checked is None:
        assert intent.booking is None
    else:
        assert intent.booking is not None
        assert (intent.booking.date, intent.booking.time, intent.booking.court) == checked


def test_impossible_and_unknown_court_round_trip(openai_server: FakeOpenAI) -> None:
    openai_server.script(
        answer(action="book", impossible="30 February", time="15:00"),
        answer(action="book", date="2026-11-28", unknown_court="court Z"),
    )
    intents = service(openai_server)

    impossible = intents.parse("book 30 February at 3pm", NOW)
    unknown = intents.parse("book court Z tomorrow", NOW)

    assert (impossible.impossible, impossible.date, impossible.time) == ("30 February", None, "15:00")
    assert (unknown.unknown_court, unknown.court) == ("court Z", None)
    assert unknown.action == "check"  # as for any court that does not exist: show what is free


def test_a_court_not_configured_is_null_and_named_as_unknown(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="move", court="Court Q"), answer(action="book", unknown_court="court a"))
    intents = service(openai_server)

    moved = intents.parse("actually court Q", NOW, ConversationContext(booking=HELD))
    named = intents.parse("court a please", NOW)

    assert (moved.action, moved.court, moved.unknown_court) == ("move", None, "Court Q")
    assert (named.court, named.unknown_court) == ("Court A", None)  # "unknown" but configured: it is a court


def test_notes_from_the_model_are_one_short_line(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(impossible="31 " + "x" * 200, unknown_court="  court\n\tZ\x00  "))

    intent = service(openai_server).parse("31 xxxx", NOW)

    assert intent.impossible == "31 " + "x" * 77
    assert len(intent.impossible) == 80
    assert intent.unknown_court == "court Z"


def test_the_prompt_names_the_new_readings(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="book", date="2026-11-28", time="15:30"))

    intent = service(openai_server).parse("demain 15h30", NOW)

    assert intent.time == "15:30"
    system = openai_server.requests[0]["json"]["messages"][0]["content"]
    for rule in ('"15h30" = 15:30', "move my 5pm to Thursday", '"30 February"', "unknown_court", "reply yes"):
        assert rule in system, rule


@pytest.mark.parametrize(("place", "checked"), [(1, 1), (2, 2), (-1, None), (100, None)])
def test_a_booking_named_by_its_place_round_trips(openai_server: FakeOpenAI, place: int, checked: int | None) -> None:
    openai_server.script(answer(action="cancel", booking={"date": None, "time": None, "court": None, "place": place}))
    listed = ConversationContext(bookings=[HELD, HELD.model_copy(update={"booking_id": "b-2", "time": "18:00"})])

    intent = service(openai_server).parse("cancel the second one", NOW, listed)

    assert (intent.parser, intent.action) == ("openai", "cancel")
    assert (intent.booking.place if intent.booking else None) == checked
    content = json.loads(openai_server.requests[0]["json"]["messages"][1]["content"])
    assert [b["index"] for b in content["conversation"]["bookings"]] == [0, 1]  # listed, numbered, no ids
    assert "b-2" not in openai_server.requests[0]["json"]["messages"][1]["content"]


# --- history and closures ----------------------------------------------------------------


def period(start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end}


def test_the_prompt_names_history_and_closures(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="history", history="past", period=period("2026-10-01", "2026-10-31")))

    service(openai_server).parse("what did I play last month?", NOW)

    system = openai_server.requests[0]["json"]["messages"][0]["content"]
    for rule in (
        '"what did I play last month?"',
        "the whole previous calendar month",
        "the previous Monday to Sunday",
        '"my bookings" and "what have I booked?" are list',
        'history "cancelled"',
        '"close court B tomorrow 2pm to 5pm for coaching"',
        "null for all courts or the club",
        "Who may close is checked later",
        '"a court close to 5pm" is not',
        'only the reason ("for coaching")',
    ):
        assert rule in system, rule


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # as answered
        (
            {"action": "history", "history": "past", "period": period("2026-10-01", "2026-10-31")},
            ("history", "past", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ),
        ({"action": "history", "history": "cancelled"}, ("history", "cancelled", None, None)),
        # a history without which bookings is of those played
        (
            {"action": "history", "period": period("2026-11-16", "2026-11-22")},
            ("history", "past", dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        ),
        # a list of bookings gone by is a history
        ({"action": "list", "history": "cancelled"}, ("history", "cancelled", None, None)),
        # a day alone is a period of that day, and a history has no day or time of its own
        (
            {"action": "history", "history": "past", "date": "2026-11-24", "time": "15:00"},
            ("history", "past", dt.date(2026, 11, 24), dt.date(2026, 11, 24)),
        ),
        # a period that is not one becomes null
        (
            {"action": "history", "history": "past", "period": period("2026-10-31", "2026-10-01")},
            ("history", "past", None, None),
        ),
        (
            {"action": "history", "history": "past", "period": period("2026-02-30", "2026-03-02")},
            ("history", "past", None, None),
        ),
        (
            {"action": "history", "history": "past", "period": period("last month", "now")},
            ("history", "past", None, None),
        ),
        # a list is a list: no period, no history of its own
        ({"action": "list", "period": period("2026-10-01", "2026-10-31")}, ("list", None, None, None)),
    ],
)
def test_a_history_is_checked_like_the_rest(openai_server: FakeOpenAI, said: dict, expected: tuple) -> None:  # type: ignore[type-arg]
    openai_server.script(answer(**said))

    intent = service(openai_server).parse("what did I play?", NOW)

    assert intent.parser == "openai"
    start = intent.period.start if intent.period else None
    end = intent.period.end if intent.period else None
    assert (intent.action, intent.history, start, end) == expected
    assert (intent.date, intent.time, intent.window) == (None, None, None)


def test_a_closure_round_trips(openai_server: FakeOpenAI) -> None:
    openai_server.script(
        answer(
            action="close",
            court="court b",
            date="2026-11-28",
            window={"start": "14:00", "end": "17:00"},
            reason="coaching",
        )
    )

    intent = service(openai_server).parse("close court B tomorrow 2pm to 5pm for coaching", NOW)

    assert (intent.parser, intent.action, intent.court, intent.date) == (
        "openai",
        "close",
        "Court B",
        dt.date(2026, 11, 28),
    )
    assert (intent.window, intent.time, intent.period) == (TimeWindow(start="14:00", end="17:00"), None, None)
    assert intent.reason == "coaching"
    assert intent.uncertain is None  # the offline parser reads the same closure


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # an exact time alone is one slot; a length runs from its start; a one-slot window is one slot too
        ({"time": "15:00"}, {"window": ("15:00", "16:00")}),
        ({"time": "10:00", "duration_minutes": 120}, {"window": ("10:00", "12:00")}),
        ({"window": {"start": "15:00", "end": "16:00"}}, {"window": ("15:00", "16:00")}),
        ({"window": {"start": "20:00", "end": "23:59"}, "duration_minutes": 600}, {"window": ("20:00", "23:59")}),
        # one day is a date, several a period
        ({"period": period("2026-12-14", "2026-12-14")}, {"date": dt.date(2026, 12, 14), "period": None}),
        (
            {"date": "2026-12-14", "period": period("2026-12-14", "2026-12-18")},
            {"date": None, "period": (dt.date(2026, 12, 14), dt.date(2026, 12, 18))},
        ),
        ({"period": period("2026-12-18", "2026-12-14")}, {"period": None}),
        # a court that is not one is named, never read as every court
        ({"court": "Court Q"}, {"court": None, "unknown_court": "Court Q"}),
        ({"court": None}, {"court": None, "unknown_court": None}),
        # the reason: one line, at most 200 characters; none when empty
        ({"reason": "  line\npainting\x00 "}, {"reason": "line painting"}),
        ({"reason": "resurfacing " * 30}, {"reason": ("resurfacing " * 16).strip()}),
        ({"reason": "   "}, {"reason": None}),
    ],
)
def test_a_closure_is_checked_like_the_rest(openai_server: FakeOpenAI, said: dict, expected: dict) -> None:  # type: ignore[type-arg]
    openai_server.script(answer(**{"action": "close", "date": "2026-11-28", **said}))

    intent = service(openai_server).parse("shut it", NOW)  # the offline parser reads no closure: no doubt

    assert (intent.parser, intent.action, intent.time, intent.uncertain) == ("openai", "close", None, None)
    for name, value in expected.items():
        got = getattr(intent, name)
        if name == "window" and got is not None:
            got = (got.start, got.end)
        if name == "period" and got is not None:
            got = (got.start, got.end)
        assert got == value, name
    if intent.reason is not None:
        assert len(intent.reason) <= 200


def test_reason_and_period_belong_to_their_actions(openai_server: FakeOpenAI) -> None:
    openai_server.script(
        answer(
            action="book",
            date="2026-11-28",
            time="15:00",
            reason="coaching",
            period=period("2026-11-28", "2026-11-29"),
            history="past",
        )
    )

    intent = service(openai_server).parse("book tomorrow at 3pm for coaching", NOW)

    assert (intent.action, intent.date, intent.time) == ("book", dt.date(2026, 11, 28), "15:00")
    assert (intent.reason, intent.period, intent.history) == (None, None, None)


def test_the_reason_asked_for_round_trips_with_the_conversation(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="close", reason="coaching"))
    asked_why = ConversationContext(action="close", date=dt.date(2026, 11, 28), court="Court B")

    intent = service(openai_server).parse("for coaching", NOW, asked_why)

    assert (intent.parser, intent.action, intent.reason) == ("openai", "close", "coaching")
    assert (intent.date, intent.court, intent.window) == (None, None, None)  # the rest is as asked before
    assert user_turn(openai_server)["conversation"] == {
        "action": "close",
        "date": "2026-11-28",
        "weekday": "Saturday",
        "court": "Court B",
    }
