"""Waitlists and series over real HTTP on the local stack, signed in (issue 13): every route and chat turn a
person would use, through API Gateway's stand-in, the Lambda endpoint and DynamoDB's (moto in server mode).

The series falls on the weekday two days from today for two weeks, so both its dates are inside the
default 14-day horizon whatever day this runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.jwt_auth import mint
from local.stack import LocalStack
from tests import clock
from tests.local.conftest import LogCapture, empty_tables, request, running_stack

pytestmark = pytest.mark.slow

FIRST, SECOND = clock.day(2), clock.day(9)


@pytest.fixture(scope="module")
def key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("series") / ".local-data" / "jwt-signing-key.pem"


@pytest.fixture(scope="module")
def stack(key_path: Path) -> Iterator[LocalStack]:
    with running_stack(parameters={"AuthMode": "jwt"}, jwt_key=key_path, log=LogCapture()) as local:
        yield local


@pytest.fixture
def api(stack: LocalStack, key_path: Path) -> Any:
    empty_tables(stack)

    def call(method: str, path: str, user: str, body: Any = None) -> tuple[int, Any]:
        headers = {"authorization": f"Bearer {mint(user, key_path=key_path)}", "content-type": "application/json"}
        return request(method, f"{stack.api_url}{path}", body, headers)

    return call


def test_a_waitlist_gets_the_freed_court_and_the_next_chat_says_so(api: Any) -> None:
    status, booking = api("POST", "/bookings", "alice", {"slot_id": clock.slot_id("Court A", 18, 1)})
    assert status == 201, booking
    wait = {"date": clock.tomorrow().isoformat(), "time": "18:00", "court": "Court A"}
    status, entry = api("POST", "/waitlist", "bob", wait)
    assert (status, entry["status"]) == (201, "waiting"), entry
    assert api("DELETE", f"/waitlist/{entry['entry_id']}", "mallory")[0] == 404
    assert api("DELETE", f"/bookings/{booking['booking_id']}", "alice")[0] == 200
    _, mine = api("GET", "/waitlist", "bob")
    assert [(e["status"], e["claimed_court"]) for e in mine["entries"]] == [("claimed", "Court A")]
    status, chat = api("POST", "/chat", "bob", {"message": "what have I booked?"})
    assert status == 200
    assert chat["response"].startswith("Good news: your waitlist for ")
    assert [(b["court"], b["time"]) for b in chat["bookings"]] == [("Court A", "18:00")]


def test_a_series_previewed_booked_shown_skipped_and_cancelled_and_nobody_else_reaches_it(api: Any) -> None:
    assert api("POST", "/bookings", "ann", {"slot_id": f"{SECOND}T19:00|Court A"})[0] == 201
    spec = {"weekdays": [FIRST.isoweekday()], "time": "19:00", "court": "Court A", "weeks": 2}
    status, preview = api("POST", "/series/preview", "bob", spec)
    assert (status, [o["status"] for o in preview["occurrences"]]) == (200, ["free", "taken"]), preview
    status, refused = api("POST", "/series", "bob", spec | {"all_or_none": True})
    assert (status, refused["error"]["code"]) == (409, "SLOT_TAKEN")
    status, report = api("POST", "/series", "bob", spec)
    assert (status, [o["status"] for o in report["occurrences"]]) == (201, ["booked", "taken"]), report
    series_id = report["series_id"]
    for method, path in (("GET", f"/series/{series_id}"), ("DELETE", f"/series/{series_id}")):
        assert api(method, path, "mallory")[0] == 404
    assert api("GET", "/series", "mallory")[1]["series"] == []
    status, skipped = api("DELETE", f"/series/{series_id}/dates/{FIRST}", "bob")
    assert (status, [o["status"] for o in skipped["occurrences"]]) == (200, ["cancelled", "taken"])
    status, cancelled = api("DELETE", f"/series/{series_id}", "bob")
    assert (status, cancelled["cancelled_at"] is not None) == (200, True)
    _, listed = api("GET", "/series", "bob")
    assert [s["series_id"] for s in listed["series"]] == [series_id]


def test_a_series_in_chat_is_shown_then_booked(api: Any) -> None:
    weekday = f"{FIRST:%A}"
    status, shown = api("POST", "/chat", "cy", {"message": f"every {weekday} at 6pm for 2 weeks"})
    assert (status, shown["status"]) == (200, "series_preview"), shown
    assert api("GET", "/bookings", "cy")[1]["bookings"] == []  # shown, not booked
    follow = {"message": "book them", "conversation_id": shown["conversation_id"]}
    status, booked = api("POST", "/chat", "cy", follow)
    assert (status, booked["status"]) == (200, "series_booked"), booked
    _, mine = api("GET", "/bookings", "cy")
    assert [(b["date"], b["time"]) for b in mine["bookings"]] == [
        (FIRST.isoformat(), "18:00"),
        (SECOND.isoformat(), "18:00"),
    ]
