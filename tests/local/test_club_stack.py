"""The club's rules and staff over HTTP, on the local stack signed in as a person or as staff (issue 14).

One stack in sign-in mode with a club's settings: two bookings a week, a two-day
cut-off (so "tomorrow" is inside it on any day this runs), and weekday and weekend
hours. Staff sign in with the token `make token ADMIN=1` gives; no other token,
header or body field makes anyone an admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from local import dynamodb
from local.jwt_auth import admin_claims, mint
from local.stack import LocalStack, local_tables
from tests import clock
from tests.conftest import table_items
from tests.local.conftest import LogCapture, empty_tables, request, running_stack

pytestmark = pytest.mark.slow

HOURS = "Mon-Fri 07:00-22:00; Sat-Sun 08:00-20:00"
SETTINGS = {"AuthMode": "jwt", "MaxBookingsPerWeek": "2", "CancelCutoffMinutes": "2880", "OpeningHours": HOURS}


@pytest.fixture(scope="module")
def key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("club") / ".local-data" / "jwt-signing-key.pem"


@pytest.fixture(scope="module")
def stack(key_path: Path) -> Iterator[LocalStack]:
    with running_stack(parameters=SETTINGS, jwt_key=key_path, log=LogCapture()) as local:
        yield local


@pytest.fixture
def club(stack: LocalStack, key_path: Path) -> Club:
    empty_tables(stack)
    return Club(stack, key_path)


class Club:
    """Requests to the stack as a named person (`as_player`) or one of the staff (`as_staff`)."""

    def __init__(self, stack: LocalStack, key_path: Path) -> None:
        self.stack, self.key_path = stack, key_path

    def headers(self, user: str, staff: bool = False, **extra: str) -> dict[str, str]:
        token = mint(user, key_path=self.key_path, claims=admin_claims() if staff else None)
        return {"authorization": f"Bearer {token}", "content-type": "application/json", **extra}

    def call(self, method: str, path: str, user: str, body: Any = None, staff: bool = False, **headers: str) -> Any:
        return request(method, f"{self.stack.api_url}{path}", body, self.headers(user, staff, **headers))

    def book(self, user: str, slot_id: str) -> dict[str, Any]:
        status, booking = self.call("POST", "/bookings", user, {"slot_id": slot_id})
        assert status == 201, booking
        return dict(booking)

    def chat(self, user: str, message: str, staff: bool = False) -> dict[str, Any]:
        status, answer = self.call("POST", "/chat", user, {"message": message}, staff=staff)
        assert status == 200, answer
        return dict(answer)

    def items(self, prefix: str) -> list[dict[str, Any]]:
        assert self.stack.dynamodb_endpoint is not None
        client = dynamodb.client(self.stack.dynamodb_endpoint)
        return [i for i in table_items(client, local_tables()["BookingsTable"]) if i["pk"]["S"].startswith(prefix)]


def wall(days: int, hour: int) -> str:
    return f"{clock.day(days).isoformat()}T{hour:02d}:00"


def next_weekday(iso_weekday: int, at_least: int = 3) -> int:
    """Days from today to the next given weekday (1 Monday .. 7 Sunday) at least `at_least` days ahead."""
    offset = at_least
    while clock.day(offset).isoweekday() != iso_weekday:
        offset += 1
    return offset


def free_starts(club: Club, user: str, days: int, court: str) -> list[str]:
    query = urlencode({"date": clock.day(days).isoformat(), "court": court})
    status, answer = club.call("GET", f"/availability?{query}", user)
    assert status == 200, answer
    return [s["time"] for s in answer["slots"]]


# --- closures ----------------------------------------------------------------------------------
def test_staff_close_a_court_players_cannot_book_it_and_reopening_frees_it(club: Club) -> None:
    days = 3
    closure = {"court": "Court B", "start": wall(days, 14), "end": wall(days, 17), "reason": "coaching"}
    status, made = club.call("POST", "/closures", "desk", closure, staff=True)
    assert status == 201, made
    assert made["closure"]["reason"] == "coaching"
    assert made["affected"] == made["cancelled"] == []

    starts = free_starts(club, "alice", days, "Court B")
    assert not {"14:00", "15:00", "16:00"} & set(starts)
    assert {"13:00", "17:00"} <= set(starts)
    status, refused = club.call("POST", "/bookings", "alice", {"slot_id": clock.slot_id("Court B", 15, days)})
    assert (status, refused["error"]["code"]) == (409, "CLOSED"), refused
    assert "coaching" in refused["error"]["message"]
    assert "17:00" in refused["error"]["message"]
    assert club.items("BOOKING#") == []

    status, listed = club.call("GET", "/closures", "desk", staff=True)
    assert status == 200
    assert [c["closure_id"] for c in listed["closures"]] == [made["closure"]["closure_id"]]
    status, _ = club.call("DELETE", f"/closures/{made['closure']['closure_id']}", "desk", staff=True)
    assert status == 200
    assert {"14:00", "15:00", "16:00"} <= set(free_starts(club, "alice", days, "Court B"))
    club.book("alice", clock.slot_id("Court B", 15, days))


@pytest.mark.parametrize(
    "as_whom",
    [
        {},  # a signed-in player
        {"x-user-id": "desk", "x-groups": "admins", "cognito-groups": "admins"},  # forged headers
    ],
)
def test_no_one_but_staff_reaches_the_staff_routes_and_nothing_is_written(club: Club, as_whom: dict[str, str]) -> None:
    closure = {"start": wall(3, 9), "end": wall(3, 12), "reason": "tournament", "cancel_affected": True}
    for method, path, body in (
        ("POST", "/closures", closure),
        ("POST", "/closures", {**closure, "admin_id": "desk", "groups": ["admins"]}),  # forged body fields
        ("GET", "/closures", None),
        ("DELETE", "/closures/abc", None),
        ("GET", f"/admin/day?date={clock.day(3).isoformat()}", None),
        ("GET", "/admin/bookings/00000000-0000-4000-8000-000000000000", None),
        ("DELETE", "/admin/bookings/00000000-0000-4000-8000-000000000000", None),
    ):
        status, answer = club.call(method, path, "mallory", body, **as_whom)
        assert status in (403, 400), (method, path, answer)  # 400 only for the forged body's unknown fields
        if status == 403:
            assert answer["error"]["code"] == "FORBIDDEN"
            assert "admin" in answer["error"]["message"]
    assert club.items("CLOSURES") == []
    assert club.items("DAY#") == []


def test_a_closure_that_cancels_tells_each_holder_once_and_keeps_it_in_their_history(club: Club) -> None:
    days = 4
    held = club.book("bob", clock.slot_id("Court C", 10, days))
    status, made = club.call(
        "POST",
        "/closures",
        "desk",
        {
            "court": "Court C",
            "start": wall(days, 8),
            "end": wall(days, 12),
            "reason": "resurfacing",
            "cancel_affected": True,
        },
        staff=True,
    )
    assert status == 201, made
    assert [b["booking_id"] for b in made["cancelled"]] == [held["booking_id"]]

    first = club.chat("bob", "what have I booked?")
    assert [n["booking"]["booking_id"] for n in first["notices"]] == [held["booking_id"]]
    assert "resurfacing" in first["response"]
    assert club.chat("bob", "what have I booked?")["notices"] == []  # told once

    status, history = club.call("GET", "/bookings?when=cancelled", "bob")
    assert status == 200, history
    [record] = history["bookings"]
    assert (record["booking_id"], record["cancelled_by"], record["cancel_reason"]) == (
        held["booking_id"],
        "closure",
        "resurfacing",
    )
    status, seen = club.call("GET", f"/admin/bookings/{held['booking_id']}", "desk", staff=True)
    assert (status, seen["user_id"], seen["cancelled_by"], seen["status"]) == (200, "bob", "closure", "cancelled")
    starts = free_starts(club, "bob", days, "Court C")  # the freed slot stays closed; 12:00 on is free
    assert [s for s in starts if "08:00" <= s < "12:00"] == [], starts
    assert "12:00" in starts, starts


def test_the_day_sheet_lists_every_booking_with_its_holder(club: Club) -> None:
    days = 5
    for user, court, hour in (("ann", "Court A", 18), ("ben", "Court B", 9)):
        club.book(user, clock.slot_id(court, hour, days))
    status, sheet = club.call("GET", f"/admin/day?date={clock.day(days).isoformat()}", "desk", staff=True)
    assert status == 200, sheet
    assert [(b["time"], b["court"], b["user_id"]) for b in sheet["bookings"]] == [
        ("09:00", "Court B", "ben"),
        ("18:00", "Court A", "ann"),
    ]


# --- rules -------------------------------------------------------------------------------------
def test_the_cut_off_refuses_a_cancel_inside_it_and_allows_one_outside(club: Club) -> None:
    soon = club.book("carol", clock.slot_id("Court A", 12, 1))  # inside the two days, on any day
    status, refused = club.call("DELETE", f"/bookings/{soon['booking_id']}", "carol")
    assert (status, refused["error"]["code"]) == (409, "TOO_LATE"), refused
    assert "before they start" in refused["error"]["message"]
    status, still = club.call("GET", f"/bookings/{soon['booking_id']}", "carol")
    assert still["status"] == "confirmed"

    later = club.book("carol", clock.slot_id("Court A", 12, 6))
    status, cancelled = club.call("DELETE", f"/bookings/{later['booking_id']}", "carol")
    assert (status, cancelled["status"]) == (200, "cancelled"), cancelled
    # Staff are not bound by the cut-off; the holder is told.
    status, by_staff = club.call("DELETE", f"/admin/bookings/{soon['booking_id']}?reason=rain", "desk", staff=True)
    assert (status, by_staff["cancelled_by"]) == (200, "admin"), by_staff
    assert "rain" in club.chat("carol", "hello")["notices"][0]["message"]


def test_two_bookings_a_week_and_the_third_is_refused_naming_the_rule(club: Club) -> None:
    monday = next_weekday(1)
    for offset in (0, 1):
        club.book("dan", clock.slot_id("Court A", 10, monday + offset))
    status, refused = club.call("POST", "/bookings", "dan", {"slot_id": clock.slot_id("Court A", 10, monday + 2)})
    assert (status, refused["error"]["code"]) == (409, "LIMIT_REACHED"), refused
    assert "week" in refused["error"]["message"]
    assert len(club.items("BOOKING#")) == 2


def test_weekend_and_weekday_hours_are_each_days_own(club: Club) -> None:
    saturday, monday = next_weekday(6, 1), next_weekday(1, 1)
    weekend = free_starts(club, "eve", saturday, "Court A")
    weekday = free_starts(club, "eve", monday, "Court A")
    assert (weekend[0], weekend[-1]) == ("08:00", "19:00")
    assert (weekday[0], weekday[-1]) == ("07:00", "21:00")
    status, refused = club.call("POST", "/bookings", "eve", {"slot_id": clock.slot_id("Court A", 7, saturday)})
    assert status == 422, refused
    assert "08:00-20:00" in refused["error"]["message"], refused


def test_staff_close_a_court_by_chat_and_a_player_is_told_why_not(club: Club) -> None:
    player = club.chat("frank", "close court A tomorrow 2pm to 5pm for coaching")
    assert player["status"] == "refused", player
    assert "staff" in player["response"], player
    assert club.items("CLOSURES") == []
    staff = club.chat("desk", "close court A tomorrow 2pm to 5pm for coaching", staff=True)
    assert staff["status"] == "closed", staff
    tomorrow = clock.day(1)
    [closure] = club.items("CLOSURES")
    assert (closure["start"]["S"], closure["end"]["S"]) == (f"{tomorrow}T14:00", f"{tomorrow}T17:00")
    assert dt.date.fromisoformat(closure["start"]["S"][:10]) == tomorrow
