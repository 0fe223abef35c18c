"""A person's bookings over time: GET /bookings?when=upcoming|past|cancelled, paged, and in chat.

Upcoming (the default) stays what "my bookings" always was: one call to the booking function's
`list`, one strongly consistent read. Past and cancelled are pages of the booking function's
`history`, newest first, followed with `next_cursor`; a cursor is only ever read against the
caller's own bookings. A bad query is a 400 naming the rule, and reaches no service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from courtbooking import config
from courtbooking.booking_service import BookingService
from courtbooking.contracts import BookingRequest, Cursor
from courtbooking.models import Booking
from orchestration import replies
from orchestration.routes.bookings import CURSOR_PATTERN
from tests import clock
from tests.conftest import Clock
from tests.functions.conftest import Handler, wire
from tests.functions.test_admin_api import Recorder, scripted_parser, send, sign_in


def book(api: Handler, user: str, days: int, hour: int = 10, court: str = "Court A") -> dict[str, Any]:
    status, booking = send(api, "POST", "/bookings", {"slot_id": clock.slot_id(court, hour, days)}, user=user)
    assert status == 201, booking
    return booking


def page(api: Handler, user: str, query: str) -> dict[str, Any]:
    status, answer = send(api, "GET", f"/bookings?{query}" if query else "/bookings", user=user)
    assert status == 200, answer
    return answer


def later_day(booking: dict[str, Any]) -> str:
    date = dt.date.fromisoformat(booking["date"])
    return f"{date:%A} {date.day} {date:%B}"


def ids(answer: dict[str, Any]) -> list[str]:
    return [b["booking_id"] for b in answer["bookings"]]


def passing_through(handlers: dict[str, Handler]) -> Recorder:
    """The real booking function, with every event it is sent kept."""
    return Recorder(lambda event: handlers["BookingFunction"](event))


def operations(booking: Recorder) -> list[str]:
    return [e.get("operation", "book") for e in booking.events]


# --- upcoming: one read, as before ---------------------------------------------------------------------------


def test_my_bookings_by_default_are_the_upcoming_ones_in_one_read(handlers: dict[str, Handler]) -> None:
    api = wire(handlers)
    later, sooner = book(api, "alice", 4), book(api, "alice", 2)
    booking = passing_through(handlers)
    api = wire(handlers, booking=booking)
    for query in ("", "when=upcoming"):
        answer = page(api, "alice", query)
        assert (answer["when"], ids(answer), answer["next_cursor"]) == (
            "upcoming",
            [sooner["booking_id"], later["booking_id"]],
            None,
        )
        assert answer["message"].startswith("Your upcoming bookings:")
    assert operations(booking) == ["list", "list"]


def test_upcoming_bookings_are_kept_to_the_days_asked_for(handlers: dict[str, Handler]) -> None:
    api = wire(handlers)
    book(api, "alice", 2)
    later = book(api, "alice", 4)
    answer = page(api, "alice", f"when=upcoming&since={clock.day(3)}&until={clock.day(5)}")
    assert ids(answer) == [later["booking_id"]]
    assert answer["message"] == f"Your upcoming bookings: Court A on {later_day(later)} at 10:00."
    assert page(api, "alice", f"until={clock.day(1)}")["bookings"] == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("when=later", "when"),
        ("when=PAST", "when"),
        ("when=past&since=yesterday", "since"),
        ("when=past&until=2026-02-30", "until"),
        (f"when=past&since={clock.day(-1)}&until={clock.day(-3)}", "must not be after until"),
        (f"since={clock.day(4)}&until={clock.day(2)}", "must not be after until"),
        ("when=cancelled&limit=0", "limit"),
        ("when=cancelled&limit=101", "limit"),
        ("when=past&cursor=not%20a%20cursor", "cursor"),
        ("when=past&cursor=" + "A" * 513, "cursor"),
        ("cursor=abc", "upcoming bookings are always one page"),
        ("when=upcoming&limit=5", "upcoming bookings are always one page"),
    ],
)
def test_a_bad_history_query_is_a_400_naming_the_rule_and_reaches_no_service(
    handlers: dict[str, Handler], query: str, named: str
) -> None:
    booking = Recorder()
    api = wire(handlers, booking=booking)
    status, answer = send(api, "GET", f"/bookings?{query}", user="alice")
    assert (status, answer["error"]["code"]) == (400, "INVALID_REQUEST")
    assert named in answer["error"]["message"]
    assert booking.events == []


def test_the_published_cursor_pattern_is_the_contracts() -> None:
    assert [m.pattern for m in Cursor.__metadata__ if hasattr(m, "pattern")] == [CURSOR_PATTERN]


# --- past and cancelled: the booking function's history, for the caller only ----------------------------------


def a_page(event: dict[str, Any]) -> Any:
    request = BookingRequest.model_validate(event).root
    return {"success": True, "data": {"when": request.when, "bookings": [], "next_cursor": None, "message": "None."}}


@pytest.mark.parametrize("mode", ["none", "jwt"])
def test_past_and_cancelled_ask_the_booking_function_for_the_callers_own_history(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    sign_in(monkeypatch, mode)
    booking = Recorder(a_page)
    api = wire(handlers, booking=booking)
    claims = {"sub": "alice"} if mode == "jwt" else None
    user = "mallory" if mode == "jwt" else "alice"  # with sign-in on, X-User-Id is ignored
    query = f"when=past&since={clock.day(-30)}&until={clock.day(-1)}&cursor=QUJD&limit=5"
    for wanted in (query, "when=cancelled"):
        status, answer = send(api, "GET", f"/bookings?{wanted}", user=user, claims=claims)
        assert status == 200, answer
    sent = [{k: v for k, v in e.items() if k != "correlation_id"} for e in booking.events]
    assert sent == [
        {
            "operation": "history",
            "user_id": "alice",
            "when": "past",
            "since": clock.day(-30).isoformat(),
            "until": clock.day(-1).isoformat(),
            "cursor": "QUJD",
            "limit": 5,
        },
        {"operation": "history", "user_id": "alice", "when": "cancelled", "limit": 20},  # the contract's default
    ]


def played(dynamodb: Any, table_name: str, user: str, days_ago: list[int]) -> list[Booking]:
    """Bookings that have been played: made ten days ago, for days that are now past."""
    then = Clock(clock.now() - dt.timedelta(days=10))
    service = BookingService(dynamodb, table_name, config.Facility.from_env(), clock=then)
    return [service.book(clock.slot_id("Court B", 10, -ago), user) for ago in days_ago]


def test_history_of_the_past_comes_newest_first_in_pages_followed_by_their_cursor(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers)
    made = played(dynamodb, table_name, "alice", [9, 5, 7])
    upcoming = book(api, "alice", 2)
    played(dynamodb, table_name, "bob", [6])

    pages, query = [], "when=past&limit=1"
    while True:
        answer = page(api, "alice", query)
        pages.append(ids(answer))
        if answer["next_cursor"] is None:
            break
        query = f"when=past&limit=1&cursor={answer['next_cursor']}"
        assert len(pages) < 5, pages
    newest_first = [made[1].booking_id, made[2].booking_id, made[0].booking_id]  # 5, 7, 9 days ago
    assert pages == [[newest_first[0]], [newest_first[1]], [newest_first[2]]]
    assert upcoming["booking_id"] not in [b for p in pages for b in p]

    within = page(api, "alice", f"when=past&since={clock.day(-8)}&until={clock.day(-6)}")
    assert ids(within) == [made[2].booking_id]


def test_another_persons_cursor_never_shows_their_bookings(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers)
    alices = {b.booking_id for b in played(dynamodb, table_name, "alice", [9, 8, 7])}
    bobs = {b.booking_id for b in played(dynamodb, table_name, "bob", [3])}
    first = page(api, "alice", "when=past&limit=1")
    assert first["next_cursor"] is not None

    status, answer = send(api, "GET", f"/bookings?when=past&limit=5&cursor={first['next_cursor']}", user="bob")
    if status == 200:  # read against bob's own bookings: his, or none
        assert set(ids(answer)) <= bobs
        assert not alices & set(ids(answer))
    else:
        assert (status, answer["error"]["code"]) == (400, "INVALID_REQUEST"), answer


def test_a_cancelled_booking_is_in_the_cancelled_history_and_its_slot_is_free(handlers: dict[str, Handler]) -> None:
    api = wire(handlers)
    bookings = [book(api, "alice", days) for days in (2, 3, 4)]
    for booking in bookings:
        status, cancelled = send(api, "DELETE", f"/bookings/{booking['booking_id']}", user="alice")
        assert (status, cancelled["status"]) == (200, "cancelled"), cancelled

    pages, query = [], "when=cancelled&limit=1"
    while True:
        answer = page(api, "alice", query)
        pages.append(ids(answer))
        assert all(b["status"] == "cancelled" and b["cancelled_by"] == "holder" for b in answer["bookings"])
        if answer["next_cursor"] is None:
            break
        query = f"when=cancelled&limit=1&cursor={answer['next_cursor']}"
        assert len(pages) < 5, pages
    assert pages == [[bookings[2]["booking_id"]], [bookings[1]["booking_id"]], [bookings[0]["booking_id"]]]
    assert page(api, "alice", "")["bookings"] == []
    status, free = send(api, "GET", f"/availability?date={clock.day(3)}&time=10:00&court=Court%20A")
    assert [s["slot_id"] for s in free["slots"]] == [clock.slot_id("Court A", 10, 3)]


# --- in chat ------------------------------------------------------------------------------------------------


def test_what_did_i_play_last_month_lists_that_months_bookings(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    made = played(dynamodb, table_name, "alice", [8, 6])
    last_week = {"start": clock.day(-9).isoformat(), "end": clock.day(-5).isoformat()}
    api = wire(handlers, intent_parser=scripted_parser(action="history", history="past", period=last_week))
    status, answer = send(api, "POST", "/chat", {"message": "what did I play last week?"}, user="alice")
    assert status == 200, answer
    assert answer["status"] == "history"
    assert [b["booking_id"] for b in answer["bookings"]] == [made[1].booking_id, made[0].booking_id]
    assert answer["response"]


def test_a_history_in_chat_asks_for_the_days_said_and_says_when_there_are_more(handlers: dict[str, Handler]) -> None:
    def more(event: dict[str, Any]) -> Any:
        return {
            "success": True,
            "data": {"when": "past", "bookings": [], "next_cursor": "QUJD", "message": "You played 10 times."},
        }

    booking = Recorder(more)
    period = {"start": clock.day(-40).isoformat(), "end": clock.day(-10).isoformat()}
    api = wire(handlers, intent_parser=scripted_parser(action="history", period=period), booking=booking)
    status, answer = send(api, "POST", "/chat", {"message": "what did I play last month?"}, user="alice")
    assert (status, answer["status"]) == (200, "history")
    assert answer["response"] == f"You played 10 times. {replies.MORE_HISTORY}"
    [sent] = booking.events
    assert (sent["operation"], sent["user_id"], sent["when"], sent["since"], sent["until"], sent["limit"]) == (
        "history",
        "alice",
        "past",
        period["start"],
        period["end"],
        10,
    )


def test_a_history_of_days_to_come_is_the_one_read_of_upcoming_bookings(handlers: dict[str, Handler]) -> None:
    api = wire(handlers)
    book(api, "alice", 2)
    later = book(api, "alice", 4)
    booking = passing_through(handlers)
    period = {"start": clock.day(3).isoformat(), "end": clock.day(6).isoformat()}
    api = wire(handlers, intent_parser=scripted_parser(action="history", period=period), booking=booking)
    status, answer = send(api, "POST", "/chat", {"message": "what have I got next week?"}, user="alice")
    assert (status, answer["status"]) == (200, "history")
    assert [b["booking_id"] for b in answer["bookings"]] == [later["booking_id"]]
    assert answer["response"].startswith(f"From {clock.day(3):%A} {clock.day(3).day} {clock.day(3):%B}")
    assert operations(booking) == ["list"]


def test_show_my_cancelled_bookings_in_chat_lists_them_in_the_booking_functions_words(
    handlers: dict[str, Handler],
) -> None:
    api = wire(handlers)
    kept, dropped = book(api, "alice", 2), book(api, "alice", 3)
    status, _ = send(api, "DELETE", f"/bookings/{dropped['booking_id']}", user="alice")
    assert status == 200
    status, answer = send(api, "POST", "/chat", {"message": "show my cancelled bookings"}, user="alice")
    assert (status, answer["status"]) == (200, "history"), answer
    assert [b["booking_id"] for b in answer["bookings"]] == [dropped["booking_id"]]
    assert answer["response"] == page(api, "alice", "when=cancelled")["message"]
    assert kept["booking_id"] not in answer["response"]
