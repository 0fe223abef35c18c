"""Bookings belong to people, through every route: REST, chat and direct booking invokes.

The BOLA matrix (OWASP API1): user A can neither read, list, move nor cancel user
B's booking, nor carry on B's conversation, whatever ids or names A supplies, and
a refusal reads the same as a missing booking. Idempotency: ten retries with one key make one booking.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests import clock
from tests.conftest import booked_slots
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler, wire

MISSING = "00000000-0000-4000-8000-000000000000"


def call(
    api: Handler, method: str, path: str, user: str | None = None, body: Any = None, **headers: str
) -> tuple[int, dict[str, Any], dict[str, str]]:
    hdrs = {"content-type": "application/json", **{k.replace("_", "-"): v for k, v in headers.items()}}
    if user:
        hdrs["x-user-id"] = user
    raw = json.dumps(body).encode() if body is not None else b""
    route = path
    params: dict[str, str] = {}
    if path.startswith("/bookings/"):
        route, params = "/bookings/{booking_id}", {"booking_id": path.split("/", 2)[2]}
    answer = api(api_event(method, path, hdrs, raw, f"{method} {route.split('?')[0]}", params))
    return answer["statusCode"], json.loads(answer["body"]), answer.get("headers") or {}


def slot(hour: int, court: str = "Court A") -> str:
    return f"{clock.tomorrow().isoformat()}T{hour:02d}:00|{court}"


def test_rest_availability_then_book_then_list_then_cancel(orchestrator: Handler) -> None:
    status, free, _ = call(orchestrator, "GET", f"/availability?date={clock.tomorrow()}&time=10:00")
    assert status == 200
    assert [s["court"] for s in free["slots"]] == ["Court A", "Court B", "Court C"]

    status, booking, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": free["slots"][1]["slot_id"]})
    assert status == 201
    assert (booking["court"], booking["user_id"]) == ("Court B", "alice")

    status, mine, _ = call(orchestrator, "GET", "/bookings", "alice")
    assert (status, [b["booking_id"] for b in mine["bookings"]]) == (200, [booking["booking_id"]])

    status, one, _ = call(orchestrator, "GET", f"/bookings/{booking['booking_id']}", "alice")
    assert (status, one["time"]) == (200, "10:00")

    status, cancelled, _ = call(orchestrator, "DELETE", f"/bookings/{booking['booking_id']}", "alice")
    assert (status, cancelled["status"]) == (200, "cancelled")
    _, free_again, _ = call(orchestrator, "GET", f"/availability?date={clock.tomorrow()}&time=10:00&court=Court B")
    assert [s["slot_id"] for s in free_again["slots"]] == [booking_id_slot(booking)]


def booking_id_slot(booking: dict[str, Any]) -> str:
    return f"{booking['date']}T{booking['time']}|{booking['court']}"


@pytest.mark.parametrize(
    ("query", "words"),
    [("date=tomorrow", "date"), ("time=3pm", "time"), ("duration_minutes=0", "duration_minutes")],
)
def test_rest_availability_rejects_bad_queries(orchestrator: Handler, query: str, words: str) -> None:
    status, body, _ = call(orchestrator, "GET", f"/availability?{query}")
    assert status == 400
    assert words in body["error"]["message"]


def test_rest_booking_errors_have_clear_codes(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    assert call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(10)})[0] == 201
    status, body, _ = call(orchestrator, "POST", "/bookings", "bob", {"slot_id": slot(10)})
    assert (status, body["error"]["code"]) == (409, "SLOT_TAKEN")
    status, body, _ = call(orchestrator, "POST", "/bookings", "bob", {"slot_id": slot(6)})
    assert (status, body["error"]["code"]) == (422, "SLOT_INVALID")
    status, body, _ = call(orchestrator, "POST", "/bookings", "bob", {"slot": slot(11)})
    assert (status, body["error"]["code"]) == (400, "INVALID_REQUEST")
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_bola_matrix(orchestrator: Handler, handlers: dict[str, Handler], dynamodb: Any, table_name: str) -> None:
    _, bobs, _ = call(orchestrator, "POST", "/bookings", "bob", {"slot_id": slot(15)})
    bob_id = bobs["booking_id"]

    # REST: reading, moving or cancelling Bob's booking looks exactly like a booking that does not exist.
    for method in ("GET", "PATCH", "DELETE"):
        body = {"slot_id": slot(17)} if method == "PATCH" else None
        theirs = call(orchestrator, method, f"/bookings/{bob_id}", "alice", body)
        missing = call(orchestrator, method, f"/bookings/{MISSING}", "alice", body)
        assert theirs[0] == missing[0] == 404
        assert theirs[1]["error"]["message"].replace(bob_id, "X") == missing[1]["error"]["message"].replace(
            MISSING, "X"
        )
    assert call(orchestrator, "GET", "/bookings", "alice")[1]["bookings"] == []

    # Chat: naming Bob, his court and his time cancels nothing of his.
    for message in (
        "cancel my booking tomorrow at 3pm on court A",
        f"cancel booking {bob_id}",
        "cancel bob's booking tomorrow at 3pm",
        "show bob's bookings",
    ):
        status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": message})
        assert status == 200
        assert body["status"] != "cancelled"
        assert all(b["user_id"] == "alice" for b in body["bookings"])

    # Bob's conversation: Alice sending its id starts a conversation of her own, under a new id; "yes"
    # takes nothing Bob was offered, "move it" and "cancel it" reach nothing of his, and nothing of it shows.
    _, offered, _ = call(orchestrator, "POST", "/chat", "bob", {"message": "is 4pm free tomorrow?"})
    bobs_conversation = offered["conversation_id"]
    for message in ("yes", "the second one", "move it to 6pm", "cancel it"):
        status, body, _ = call(
            orchestrator, "POST", "/chat", "alice", {"message": message, "conversation_id": bobs_conversation}
        )
        assert status == 200
        assert body["conversation_id"] != bobs_conversation
        assert body["status"] not in ("booked", "moved", "cancelled")
        assert bob_id not in json.dumps(body)
    _, still_bobs, _ = call(
        orchestrator, "POST", "/chat", "bob", {"message": "no thanks", "conversation_id": bobs_conversation}
    )
    assert (still_bobs["conversation_id"], still_bobs["status"]) == (bobs_conversation, "declined")

    # Direct invokes act only for the user_id they carry; Alice's id cannot reach Bob's booking.
    for operation in ("get", "cancel"):
        answer = handlers["BookingFunction"]({"operation": operation, "user_id": "alice", "booking_id": bob_id})
        assert answer["error"]["code"] == "NOT_FOUND"
    listed = handlers["BookingFunction"]({"operation": "list", "user_id": "alice"})
    assert listed["data"]["bookings"] == []

    # A spoofed X-User-Id is ignored once a token identifies the caller.
    event = api_event(
        "DELETE",
        f"/bookings/{bob_id}",
        {"x-user-id": "bob"},
        b"",
        "DELETE /bookings/{booking_id}",
        {"booking_id": bob_id},
    )
    event["requestContext"]["authorizer"] = {"jwt": {"claims": {"sub": "alice"}, "scopes": None}}
    assert orchestrator(event)["statusCode"] == 404

    assert [i["user_id"]["S"] for i in booked_slots(dynamodb, table_name)] == ["bob"]
    assert call(orchestrator, "GET", f"/bookings/{bob_id}", "bob")[0] == 200


def test_chat_lists_and_cancels_my_booking(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    call(orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 3pm"})
    call(orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 5pm"})

    status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "what have I booked?"})
    assert (status, body["status"], len(body["bookings"])) == (200, "bookings", 2)

    status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "cancel my booking tomorrow"})
    assert (status, body["status"]) == (200, "needs_input")  # two match: none is cancelled
    assert len(booked_slots(dynamodb, table_name)) == 2

    status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "cancel my booking tomorrow at 3pm"})
    assert (status, body["status"], body["booking"]["time"]) == (200, "cancelled", "15:00")
    assert [i["booked_time"]["S"] for i in booked_slots(dynamodb, table_name)] == ["17:00"]


def test_ten_retries_with_one_key_make_one_booking(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    answers = [
        call(orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 3pm"}, idempotency_key="k-1")
        for _ in range(10)
    ]
    assert {status for status, _, _ in answers} == {200}
    assert len({body["booking"]["booking_id"] for _, body, _ in answers}) == 1
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_concurrent_retries_with_one_key_make_one_booking(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    def attempt(_: int) -> tuple[int, dict[str, Any], dict[str, str]]:
        return call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(12)}, idempotency_key="same")

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(attempt, range(10)))
    done = [body["booking_id"] for status, body, _ in answers if status == 201]
    in_progress = [h for status, body, h in answers if status == 409 and body["error"]["code"] == "REQUEST_IN_PROGRESS"]
    assert len(set(done)) == 1
    assert len(done) + len(in_progress) == 10
    assert all(h["Retry-After"] == "1" for h in in_progress)
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_the_same_key_for_a_different_request_is_refused(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    assert call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(9)}, idempotency_key="k")[0] == 201
    status, body, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(10)}, idempotency_key="k")
    assert (status, body["error"]["code"]) == (422, "IDEMPOTENCY_CONFLICT")
    status, body, _ = call(
        orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 10am"}, idempotency_key="c"
    )
    status, body, _ = call(
        orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 4pm"}, idempotency_key="c"
    )
    assert (status, body["error"]["code"]) == (422, "IDEMPOTENCY_CONFLICT")
    assert len(booked_slots(dynamodb, table_name)) == 2


def test_one_users_key_never_replays_another_users_answer(orchestrator: Handler) -> None:
    _, first, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(9)}, idempotency_key="shared")
    status, second, _ = call(
        orchestrator, "POST", "/bookings", "bob", {"slot_id": slot(9, "Court B")}, idempotency_key="shared"
    )
    assert status == 201
    assert second["user_id"] == "bob"
    assert second["booking_id"] != first["booking_id"]


def test_the_limit_holds_for_twenty_concurrent_chats_from_one_user(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    def attempt(n: int) -> tuple[int, dict[str, Any], dict[str, str]]:
        # twenty different times (the same one twice would be the same booking, not a second)
        day, hour = ("tomorrow", "the day after tomorrow")[n // 13], 8 + n % 13
        message = f"book {day} at {hour}:00 court {'ABC'[n % 3]}"
        return call(orchestrator, "POST", "/chat", "alice", {"message": message})

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(attempt, range(20)))
    assert sum(1 for status, body, _ in answers if status == 200 and body["status"] == "booked") == 3
    refused = [body["error"]["code"] for status, body, _ in answers if status != 200]
    assert set(refused) <= {"LIMIT_REACHED", "SERVICE_UNAVAILABLE"}
    assert len(booked_slots(dynamodb, table_name)) == 3


def test_with_sign_in_on_a_request_without_a_validated_token_is_401(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    from courtbooking import config

    monkeypatch.setenv("AUTH_MODE", "jwt")
    config.reset()
    status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 3pm"})
    assert (status, body["error"]["code"]) == (401, "UNAUTHORIZED")
    assert call(orchestrator, "GET", "/bookings", "alice")[0] == 401
    assert call(orchestrator, "GET", "/health")[0] == 200
    assert booked_slots(dynamodb, table_name) == []


def test_the_openapi_description_lists_every_route(orchestrator: Handler) -> None:
    status, spec, _ = call(orchestrator, "GET", "/swagger?format=json")
    assert status == 200
    assert set(spec["paths"]) >= {"/chat", "/availability", "/bookings", "/bookings/{booking_id}", "/health"}
    assert "bearer" in spec["components"]["securitySchemes"]


def test_a_vague_cancel_cancels_nothing(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    call(orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 10am"})
    for message in ("cancel my booking", "cancel my booking in the evening", "cancel booking 123"):
        status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": message})
        assert (status, body["status"]) == (200, "needs_input"), message
    assert len(booked_slots(dynamodb, table_name)) == 1


@pytest.mark.parametrize(
    "message",
    ["don't book tomorrow at 3pm", "what about tomorrow at 3pm?", "move my 10am booking to tomorrow at 3pm"],
)
def test_messages_that_do_not_ask_to_book_book_nothing(
    orchestrator: Handler, message: str, dynamodb: Any, table_name: str
) -> None:
    status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": message})
    assert status == 200
    assert body["status"] != "booked"
    assert booked_slots(dynamodb, table_name) == []


def test_asking_twice_gives_the_same_booking_not_a_second_court(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    _, first, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "book tomorrow at 3pm"})
    _, again, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "Book a court tomorrow at 15:00"})
    assert again["status"] == "booked"
    assert again["booking"]["booking_id"] == first["booking"]["booking_id"]
    assert "nothing new was booked" in again["response"]
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_a_retry_after_a_lost_answer_at_the_last_free_court_finds_the_booking(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers)
    for user in ("ann", "ben"):
        call(api, "POST", "/chat", user, {"message": "book tomorrow at 3pm"})

    def booking_then_lost_answer(event: Any, context: Any) -> Any:
        answer = handlers["BookingFunction"](event)
        if event.get("operation") != "book_first":  # the chat books in one call
            return answer
        raise TimeoutError("the booking was written, but its answer never reaches the orchestrator")

    api = wire(handlers, booking=booking_then_lost_answer)
    status, body, _ = call(api, "POST", "/chat", "cat", {"message": "book tomorrow at 3pm"}, idempotency_key="k1")
    assert status == 502
    held = [i for i in booked_slots(dynamodb, table_name) if i["user_id"]["S"] == "cat"]
    assert len(held) == 1

    api = wire(handlers)
    status, body, _ = call(api, "POST", "/chat", "cat", {"message": "book tomorrow at 3pm"}, idempotency_key="k1")
    assert (status, body["status"]) == (200, "booked")
    assert body["booking"]["booking_id"] == held[0]["booking_id"]["S"]
    assert len(booked_slots(dynamodb, table_name)) == 3


@pytest.mark.parametrize("body", [b"\xff\xfe{not utf-8", "!!not base64!!"])
def test_undecodable_bodies_are_400(orchestrator: Handler, body: bytes | str) -> None:
    event = api_event("POST", "/chat", {"content-type": "application/json"}, b"", "POST /chat", {})
    if isinstance(body, bytes):
        import base64

        event |= {"body": base64.b64encode(body).decode(), "isBase64Encoded": True}
    else:
        event |= {"body": body, "isBase64Encoded": True}
    answer = orchestrator(event)
    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["error"]["code"] == "INVALID_REQUEST"


def test_chat_never_reaches_someone_elses_booking_even_when_mine_match_too(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    _, bobs, _ = call(orchestrator, "POST", "/bookings", "bob", {"slot_id": slot(15)})
    _, mine, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(15, "Court B")})
    status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "cancel my booking tomorrow at 3pm"})
    assert (status, body["status"], body["booking"]["booking_id"]) == (200, "cancelled", mine["booking_id"])
    assert [i["booking_id"]["S"] for i in booked_slots(dynamodb, table_name)] == [bobs["booking_id"]]


@pytest.mark.parametrize("round_", range(6))
def test_the_same_request_twice_at_once_answers_the_same_booking(
    round_: int, orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    """Both answers say the person holds it; never 'nothing is free' for their own slot, never a second court."""
    import threading

    start = threading.Barrier(2)
    user = f"twice-{round_}"

    def chat_now(_: int) -> tuple[int, dict[str, Any], dict[str, str]]:
        start.wait(timeout=10)
        return call(orchestrator, "POST", "/chat", user, {"message": f"book tomorrow at {9 + round_}:00"})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(chat_now, range(2)))
    assert [(status, body["status"]) for status, body, _ in answers] == [(200, "booked")] * 2, answers
    assert answers[0][1]["booking"]["booking_id"] == answers[1][1]["booking"]["booking_id"]
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_the_same_slot_twice_at_once_over_rest_is_one_booking(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    import threading

    start = threading.Barrier(2)

    def book_now(_: int) -> tuple[int, dict[str, Any], dict[str, str]]:
        start.wait(timeout=10)
        return call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(11)})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(book_now, range(2)))
    assert sorted(status for status, _, _ in answers) == [200, 201]
    assert answers[0][1]["booking_id"] == answers[1][1]["booking_id"]
    assert sorted(body["already_held"] for _, body, _ in answers) == [False, True]
    assert len(booked_slots(dynamodb, table_name)) == 1


def test_another_court_at_a_time_the_person_holds_is_refused(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    _, held, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(11)})
    status, body, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": slot(11, "Court B")})
    assert (status, body["error"]["code"]) == (409, "ALREADY_BOOKED")
    assert "Court A" in body["error"]["message"]
    assert "one court at a time" in body["error"]["message"]
    status, body, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "book court C tomorrow at 11am"})
    assert body["status"] != "booked" or body["booking"]["booking_id"] == held["booking_id"]
    assert [i["booking_id"]["S"] for i in booked_slots(dynamodb, table_name)] == [held["booking_id"]]


def test_a_direct_invoke_moves_a_booking_only_for_its_owner(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    booking = handlers["BookingFunction"]({"slot_id": slot(15), "user_id": "alice"})["data"]
    move = {"operation": "move", "booking_id": booking["booking_id"], "slot_id": slot(17, "Court B")}
    refused = handlers["BookingFunction"]({**move, "user_id": "mallory"})
    assert refused["error"]["code"] == "NOT_FOUND"
    moved = handlers["BookingFunction"]({**move, "user_id": "alice"})
    assert moved["success"] is True
    assert (moved["data"]["booking_id"], moved["data"]["court"], moved["data"]["time"]) == (
        booking["booking_id"],
        "Court B",
        "17:00",
    )
    assert moved["data"]["message"].startswith("Moved to Court B")
    assert [(i["sk"]["S"], i["booking_id"]["S"]) for i in booked_slots(dynamodb, table_name)] == [
        ("SLOT#17:00#Court B", booking["booking_id"])
    ]
