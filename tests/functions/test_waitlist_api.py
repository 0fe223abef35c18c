"""/waitlist over the HTTP API: join a taken start, see it, get the court when it is freed, leave; and the
BOLA matrix for waitlist entries (REST and direct invokes): someone else's entry reads as a missing one."""

from __future__ import annotations

import json
from typing import Any

from tests import clock
from tests.conftest import table_items
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler

MISSING = "00000000-0000-4000-8000-000000000000"


def call(api: Handler, method: str, path: str, user: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json", "x-user-id": user}
    raw = json.dumps(body).encode() if body is not None else b""
    route, params = path, {}
    if path.startswith("/waitlist/"):
        route, params = "/waitlist/{entry_id}", {"entry_id": path.split("/", 2)[2]}
    elif path.startswith("/bookings/"):
        route, params = "/bookings/{booking_id}", {"booking_id": path.split("/", 2)[2]}
    answer = api(api_event(method, path, headers, raw, f"{method} {route}", params))
    return answer["statusCode"], json.loads(answer["body"])


def wait_for(hour: int, court: str | None = "Court A") -> dict[str, Any]:
    body: dict[str, Any] = {"date": clock.tomorrow().isoformat(), "time": f"{hour:02d}:00"}
    return body | ({"court": court} if court else {})


def book(api: Handler, user: str, hour: int, court: str = "Court A") -> dict[str, Any]:
    status, booking = call(api, "POST", "/bookings", user, {"slot_id": clock.slot_id(court, hour, 1)})
    assert status == 201, booking
    return booking


def test_join_see_get_the_freed_court_and_hear_of_it_in_the_next_chat(orchestrator: Handler) -> None:
    booking = book(orchestrator, "alice", 18)
    status, entry = call(orchestrator, "POST", "/waitlist", "bob", wait_for(18))
    assert (status, entry["status"], entry["court"], entry["time"]) == (201, "waiting", "Court A", "18:00")
    status, again = call(orchestrator, "POST", "/waitlist", "bob", wait_for(18))
    assert (status, again["entry_id"], again["already_waiting"]) == (200, entry["entry_id"], True)
    status, mine = call(orchestrator, "GET", "/waitlist", "bob")
    assert (status, [e["entry_id"] for e in mine["entries"]]) == (200, [entry["entry_id"]])

    assert call(orchestrator, "DELETE", f"/bookings/{booking['booking_id']}", "alice")[0] == 200

    _, mine = call(orchestrator, "GET", "/waitlist", "bob")
    [claimed] = mine["entries"]
    assert (claimed["status"], claimed["claimed_court"]) == ("claimed", "Court A")
    _, bookings = call(orchestrator, "GET", "/bookings", "bob")
    assert [(b["court"], b["time"], b["booking_id"]) for b in bookings["bookings"]] == [
        ("Court A", "18:00", claimed["booking_id"])
    ]
    status, chat = call(orchestrator, "POST", "/chat", "bob", {"message": "what have I booked?"})
    assert status == 200
    assert [n["kind"] for n in chat["notices"]] == ["waitlist_claimed"]
    day = f"{clock.tomorrow():%A}"
    assert chat["response"].startswith(f"Good news: your waitlist for {day} 18:00 came through: Court A is yours")
    spoken = f"{day} {clock.tomorrow().day} {clock.tomorrow():%B}"
    assert chat["response"].endswith(
        f"Your upcoming bookings: Court A on {spoken} at 18:00. "
        f"Your waitlists: Court A on {spoken} at 18:00 (came through: Court A is yours)."
    )


def test_refusals_name_the_rule_and_write_nothing(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    status, free = call(orchestrator, "POST", "/waitlist", "bob", wait_for(18))
    assert (status, free["error"]["code"]) == (409, "SLOT_FREE")
    assert "Court A is free at 18:00" in free["error"]["message"]
    for body, words in (
        (wait_for(18) | {"time": "25:00"}, "time"),
        (wait_for(18, court="Court Z"), "Court Z"),
        (wait_for(18) | {"until": "2026-01-01T10:00:00"}, "UTC offset"),
        (wait_for(18) | {"extra": 1}, "extra"),
    ):
        status, refused = call(orchestrator, "POST", "/waitlist", "bob", body)
        assert (status, refused["error"]["code"]) == (400, "INVALID_REQUEST"), refused
        assert words in refused["error"]["message"]
    assert table_items(dynamodb, table_name) == []


def test_bola_someone_elses_entry_reads_as_a_missing_one(orchestrator: Handler, handlers: dict[str, Handler]) -> None:
    book(orchestrator, "alice", 18)
    _, bobs = call(orchestrator, "POST", "/waitlist", "bob", wait_for(18))
    theirs = call(orchestrator, "DELETE", f"/waitlist/{bobs['entry_id']}", "carol")
    missing = call(orchestrator, "DELETE", f"/waitlist/{MISSING}", "carol")
    assert theirs[0] == missing[0] == 404
    assert theirs[1]["error"]["message"].replace(bobs["entry_id"], "X") == missing[1]["error"]["message"].replace(
        MISSING, "X"
    )
    assert call(orchestrator, "GET", "/waitlist", "carol")[1]["entries"] == []
    direct = handlers["BookingFunction"](
        {"operation": "waitlist_leave", "user_id": "carol", "entry_id": bobs["entry_id"]}
    )
    assert (direct["success"], direct["error"]["code"]) == (False, "NOT_FOUND")
    for near_miss in ("bob ", "Bob", "bob\n"):  # ids are exact: never read as bob's
        answer = handlers["BookingFunction"]({"operation": "waitlist_list", "user_id": near_miss})
        assert answer["success"] is False or answer["data"]["entries"] == []
    _, still = call(orchestrator, "GET", "/waitlist", "bob")
    assert [e["entry_id"] for e in still["entries"]] == [bobs["entry_id"]]
