"""Nobody can act as somebody else by a near-miss user id.

A user id comes from a token's `sub` (AUTH_MODE=jwt), from the X-User-Id header
(AUTH_MODE=none) or from a direct booking invoke's `user_id`. It is taken exactly
as given or refused: a token gets 401 UNAUTHORIZED, a header 400 INVALID_REQUEST,
an invoke `success: false` with INVALID_REQUEST. It is never trimmed, folded or
normalised into another user's id ("alice\\n" once listed, cancelled and booked as
alice), and the id checked at the edge is the id every service stores and compares.

Each near miss below goes through every route that acts for a user (REST, chat,
direct invokes) after alice has booked; it is refused on each, and the tables are
byte-for-byte what they were. Ids that differ only in case or punctuation are valid
and are other people: they see and touch nothing of alice's.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from courtbooking import config
from courtbooking.contracts import BookingByIdRequest, BookRequest, ListBookingsRequest
from courtbooking.errors import InvalidRequest, Unauthorized
from courtbooking.models import USER_ID_PATTERN
from orchestration.identity import caller_id
from tests import clock
from tests.conftest import booked_slots, table_items
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler

ALICE = "alice"
ALICES_SLOT = clock.slot_id("Court A", hour=15)  # tomorrow 15:00, booked by alice in every test
FREE_SLOT = clock.slot_id("Court A", hour=16)  # tomorrow 16:00, free when the near miss asks for it
ALICES_KEY = "alice-key-1"

NEAR_MISSES = [
    # whitespace around: re.match(...$) once took "alice\n"; a type that strips took the rest
    pytest.param("alice\n", id="trailing-LF"),
    pytest.param("alice\r", id="trailing-CR"),
    pytest.param("alice\r\n", id="trailing-CRLF"),
    pytest.param("alice\n\n", id="trailing-LF-LF"),
    pytest.param("alice\t", id="trailing-tab"),
    pytest.param("alice ", id="trailing-space"),
    pytest.param("alice\x0b", id="trailing-VT"),
    pytest.param("alice\x0c", id="trailing-FF"),
    pytest.param(" alice", id="leading-space"),
    pytest.param("\nalice", id="leading-LF"),
    pytest.param("\ralice", id="leading-CR"),
    pytest.param("\talice", id="leading-tab"),
    pytest.param(" alice ", id="space-both-sides"),
    pytest.param("al ice", id="inner-space"),
    # control characters
    pytest.param("alice\x00", id="trailing-NUL"),
    pytest.param("\x00alice", id="leading-NUL"),
    pytest.param("al\x00ice", id="inner-NUL"),
    pytest.param("alice\x7f", id="trailing-DEL"),
    pytest.param("alice\x1b", id="trailing-ESC"),
    pytest.param("alice\x85", id="trailing-NEL"),
    # Unicode spaces and invisible characters, around and inside
    pytest.param("alice\u00a0", id="trailing-NBSP"),
    pytest.param("\u00a0alice", id="leading-NBSP"),
    pytest.param("al\u2003ice", id="inner-em-space"),
    pytest.param("alice\u2003", id="trailing-em-space"),
    pytest.param("alice\u3000", id="trailing-ideographic-space"),
    pytest.param("alice\u2028", id="trailing-line-separator"),
    pytest.param("alice\u200b", id="trailing-zero-width-space"),
    pytest.param("\u200balice", id="leading-zero-width-space"),
    pytest.param("al\u200bice", id="inner-zero-width-space"),
    pytest.param("alice\u200d", id="trailing-zero-width-joiner"),
    pytest.param("alice\u2060", id="trailing-word-joiner"),
    pytest.param("\ufeffalice", id="leading-BOM"),
    # look-alikes
    pytest.param("\u0430lice", id="cyrillic-a"),
    pytest.param("ali\u0441e", id="cyrillic-es"),
    pytest.param("\uff41\uff4c\uff49\uff43\uff45", id="fullwidth"),
    pytest.param("alice\u0301", id="combining-acute"),
    pytest.param("al\u0131ce", id="dotless-i"),
    pytest.param("\U0001d68alice", id="math-monospace-a"),
    # encodings of the above, and what API Gateway makes of two X-User-Id headers
    pytest.param("alice%0A", id="percent-encoded-LF"),
    pytest.param("alice\\n", id="backslash-n"),
    pytest.param("alice,alice", id="two-headers-joined"),
]
OTHER_USERS = [  # valid ids that are simply not alice's
    pytest.param("Alice", id="Alice"),
    pytest.param("ALICE", id="ALICE"),
    pytest.param("aLiCe", id="aLiCe"),
    pytest.param("alice.", id="alice-dot"),
    pytest.param("alice_", id="alice-underscore"),
    pytest.param("alice|", id="alice-pipe"),
    pytest.param("alic", id="alic"),
    pytest.param("alicealice", id="alicealice"),
]
CHANNELS = ["header", "jwt"]
REFUSED = {"header": (400, "INVALID_REQUEST", "X-User-Id"), "jwt": (401, "UNAUTHORIZED", "subject")}


# --- calling the API as someone ------------------------------------------------------


def call(
    api: Handler,
    channel: str,
    user: Any,
    method: str,
    path: str,
    body: Any = None,
    idempotency_key: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """One API request as `user`: in its X-User-Id header, or as its token's `sub`.

    With a token the header says "alice", to show it is ignored rather than fallen back on.
    """
    headers = {"content-type": "application/json", "x-user-id": ALICE if channel == "jwt" else user}
    if idempotency_key:
        headers["idempotency-key"] = idempotency_key
    route, params = path, {}
    if path.startswith("/bookings/"):
        route, params = "/bookings/{booking_id}", {"booking_id": path.split("/", 2)[2]}
    raw = json.dumps(body).encode() if body is not None else b""
    event = api_event(method, path, headers, raw, f"{method} {route}", params)
    event["headers"]["x-user-id"] = headers["x-user-id"]  # exactly as given, whatever it contains
    if channel == "jwt":
        event["requestContext"]["authorizer"] = {"jwt": {"claims": {"sub": user}, "scopes": None}}
    answer = api(event)
    return answer["statusCode"], json.loads(answer["body"])


def use_channel(channel: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "jwt" if channel == "jwt" else "none")
    config.reset()


def snapshot(dynamodb: Any, table_name: str) -> dict[str, list[str]]:
    """Both tables, item by item, in a stable order: equal snapshots mean nothing was written."""
    return {
        table: sorted(json.dumps(item, sort_keys=True) for item in table_items(dynamodb, table))
        for table in (table_name, f"idempotency-{table_name}")
    }


def stored_users(dynamodb: Any, table_name: str) -> set[str]:
    """Every user the bookings table knows: its USER#<id> items and every item's user_id."""
    items = table_items(dynamodb, table_name)
    keyed = {i["pk"]["S"].removeprefix("USER#") for i in items if i["pk"]["S"].startswith("USER#")}
    return keyed | {i["user_id"]["S"] for i in items if "user_id" in i}


def alice_books(api: Handler, channel: str) -> dict[str, Any]:
    status, booking = call(api, channel, ALICE, "POST", "/bookings", {"slot_id": ALICES_SLOT})
    assert status == 201, booking
    assert booking["user_id"] == ALICE
    return booking


def assert_alice_is_intact(api: Handler, channel: str, booking: dict[str, Any], dynamodb: Any, table_name: str) -> None:
    status, mine = call(api, channel, ALICE, "GET", "/bookings")
    assert status == 200
    assert [(b["booking_id"], b["status"], b["user_id"]) for b in mine["bookings"]] == [
        (booking["booking_id"], "confirmed", ALICE)
    ]
    held = [i for i in booked_slots(dynamodb, table_name) if i["booking_id"]["S"] == booking["booking_id"]]
    assert [(i["user_id"]["S"], i["booked_time"]["S"]) for i in held] == [(ALICE, "15:00")]


# --- near misses are refused on every route ----------------------------------------------

HTTP_ATTEMPTS = [  # (method, path, body); {alices} is alice's booking id
    ("GET", "/bookings", None),
    ("GET", "/bookings/{alices}", None),
    ("DELETE", "/bookings/{alices}", None),
    ("POST", "/bookings", {"slot_id": ALICES_SLOT}),
    ("POST", "/bookings", {"slot_id": FREE_SLOT}),
    ("POST", "/chat", {"message": "what have I booked?"}),
    ("POST", "/chat", {"message": "cancel my booking tomorrow at 3pm"}),
    ("POST", "/chat", {"message": "book tomorrow at 3pm"}),
]


def invoke_attempts(near_miss: str, alices: str) -> list[dict[str, Any]]:
    return [
        {"operation": "list", "user_id": near_miss},
        {"operation": "get", "user_id": near_miss, "booking_id": alices},
        {"operation": "cancel", "user_id": near_miss, "booking_id": alices},
        {"slot_id": ALICES_SLOT, "user_id": near_miss},
        {"operation": "book", "slot_id": FREE_SLOT, "user_id": near_miss},
    ]


@pytest.mark.parametrize("near_miss", NEAR_MISSES)
def test_a_near_miss_id_is_refused_on_every_route_and_writes_nothing(
    orchestrator: Handler,
    handlers: dict[str, Handler],
    near_miss: str,
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    table_name: str,
) -> None:
    booking = alice_books(orchestrator, "header")
    alices = booking["booking_id"]
    before = snapshot(dynamodb, table_name)

    for channel in CHANNELS:  # X-User-Id with sign-in off; a token's sub (X-User-Id: alice alongside) with it on
        use_channel(channel, monkeypatch)
        want_status, want_code, named = REFUSED[channel]
        for method, path, body in HTTP_ATTEMPTS:
            path = path.format(alices=alices)
            status, answer = call(orchestrator, channel, near_miss, method, path, body)
            assert (status, answer["error"]["code"]) == (want_status, want_code), (channel, method, path, answer)
            assert named in answer["error"]["message"]
            assert alices not in json.dumps(answer)

    for event in invoke_attempts(near_miss, alices):
        answer = handlers["BookingFunction"](event)
        assert answer["success"] is False, (event, answer)
        assert answer["error"]["code"] == "INVALID_REQUEST"
        assert "user_id" in answer["error"]["message"]

    assert snapshot(dynamodb, table_name) == before
    assert stored_users(dynamodb, table_name) == {ALICE}
    for channel in CHANNELS:  # alice herself, by either route, still has exactly her booking
        use_channel(channel, monkeypatch)
        assert_alice_is_intact(orchestrator, channel, booking, dynamodb, table_name)


def test_a_near_miss_sending_alices_idempotency_key_never_gets_her_answer_replayed(
    orchestrator: Handler,
    handlers: dict[str, Handler],
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    table_name: str,
) -> None:
    """Retry records are kept per user and key: alice's key under a near miss of her id is refused, not replayed."""
    booked = {"slot_id": ALICES_SLOT}
    status, booking = call(orchestrator, "header", ALICE, "POST", "/bookings", booked, ALICES_KEY)
    assert status == 201
    chat = {"message": "book tomorrow at 4pm"}
    status, chatted = call(orchestrator, "header", ALICE, "POST", "/chat", chat, "alice-key-2")
    assert (status, chatted["status"]) == (200, "booked")
    direct = {"slot_id": clock.slot_id("Court A", hour=17), "user_id": ALICE, "idempotency_key": "alice-key-3"}
    assert handlers["BookingFunction"](direct)["success"] is True
    before = snapshot(dynamodb, table_name)

    for near_miss in (p.values[0] for p in NEAR_MISSES):
        for channel in CHANNELS:
            use_channel(channel, monkeypatch)
            want = REFUSED[channel][:2]
            for path, body, key in (("/bookings", booked, ALICES_KEY), ("/chat", chat, "alice-key-2")):
                status, answer = call(orchestrator, channel, near_miss, "POST", path, body, key)
                assert (status, answer["error"]["code"]) == want, (near_miss, channel, path, answer)
        answer = handlers["BookingFunction"]({**direct, "user_id": near_miss})
        assert (answer["success"], answer["error"]["code"]) == (False, "INVALID_REQUEST"), near_miss

    assert snapshot(dynamodb, table_name) == before

    # valid ids that are not alice's have keys of their own: alice's key replays nothing of hers to them
    alices = {booking["booking_id"], chatted["booking"]["booking_id"]}
    for other in (p.values[0] for p in OTHER_USERS):
        for channel in CHANNELS:
            use_channel(channel, monkeypatch)
            status, answer = call(orchestrator, channel, other, "POST", "/bookings", booked, ALICES_KEY)
            assert (status, answer["error"]["code"]) == (409, "SLOT_TAKEN"), (other, channel)
            status, answer = call(orchestrator, channel, other, "POST", "/chat", chat, "alice-key-2")
            got = answer["booking"] or {}  # booked for them, or alternatives: never alice's booking replayed
            assert status == 200
            assert got.get("booking_id") not in alices, (other, answer)
            assert got.get("user_id", other) == other, (other, answer)
        answer = handlers["BookingFunction"]({**direct, "user_id": other})
        assert answer["error"]["code"] == "SLOT_TAKEN", other
    assert {i["user_id"]["S"] for i in booked_slots(dynamodb, table_name) if i["booking_id"]["S"] in alices} == {ALICE}


@pytest.mark.parametrize("subject", [None, 42, ["alice"], {"id": "alice"}, "", True])
def test_a_token_subject_that_is_not_a_string_id_is_401_not_the_header(
    orchestrator: Handler, subject: Any, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    use_channel("jwt", monkeypatch)
    booking = alice_books(orchestrator, "jwt")
    before = snapshot(dynamodb, table_name)
    for method, path in (("GET", "/bookings"), ("DELETE", f"/bookings/{booking['booking_id']}")):
        status, answer = call(orchestrator, "jwt", subject, method, path)
        assert (status, answer["error"]["code"]) == (401, "UNAUTHORIZED")
    assert snapshot(dynamodb, table_name) == before
    assert_alice_is_intact(orchestrator, "jwt", booking, dynamodb, table_name)


# --- ids that differ in case or punctuation are other people ---------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("other", OTHER_USERS)
def test_an_id_differing_in_case_or_punctuation_is_another_user_who_sees_nothing_of_alices(
    orchestrator: Handler,
    channel: str,
    other: str,
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    table_name: str,
) -> None:
    use_channel(channel, monkeypatch)
    booking = alice_books(orchestrator, channel)
    alices = booking["booking_id"]
    before = snapshot(dynamodb, table_name)

    status, listed = call(orchestrator, channel, other, "GET", "/bookings")
    assert (status, listed["bookings"]) == (200, [])
    for method in ("GET", "DELETE"):
        status, answer = call(orchestrator, channel, other, method, f"/bookings/{alices}")
        assert (status, answer["error"]["code"]) == (404, "NOT_FOUND")
    # alice's slot is someone else's to them (alice herself would get 200 already_held)
    status, answer = call(orchestrator, channel, other, "POST", "/bookings", {"slot_id": ALICES_SLOT})
    assert (status, answer["error"]["code"]) == (409, "SLOT_TAKEN")
    status, theirs = call(orchestrator, channel, other, "POST", "/bookings", {"slot_id": FREE_SLOT})
    assert (status, theirs["user_id"]) == (201, other)

    status, chat = call(orchestrator, channel, other, "POST", "/chat", {"message": "what have I booked?"})
    assert (status, chat["status"]) == (200, "bookings")
    assert [(b["booking_id"], b["user_id"]) for b in chat["bookings"]] == [(theirs["booking_id"], other)]
    status, chat = call(orchestrator, channel, other, "POST", "/chat", {"message": "cancel my booking tomorrow at 3pm"})
    assert (status, chat["status"]) == (200, "needs_input")
    assert alices not in json.dumps(chat)
    status, chat = call(orchestrator, channel, other, "POST", "/chat", {"message": "book tomorrow at 3pm"})
    assert (status, chat["status"]) == (200, "booked")
    assert (chat["booking"]["user_id"], chat["booking"]["already_held"]) == (other, False)
    assert chat["booking"]["court"] != "Court A"

    # alice's items are untouched; everything new is the other user's, stored under their exact id
    after = snapshot(dynamodb, table_name)
    assert set(before[table_name]) <= set(after[table_name])
    new = [json.loads(i) for i in set(after[table_name]) - set(before[table_name])]
    assert new
    assert all(i.get("user_id", {}).get("S") == other or i["pk"]["S"] == f"USER#{other}" for i in new)
    assert stored_users(dynamodb, table_name) == {ALICE, other}
    assert_alice_is_intact(orchestrator, channel, booking, dynamodb, table_name)


@pytest.mark.parametrize("other", OTHER_USERS)
def test_a_direct_invoke_for_another_valid_id_sees_nothing_of_alices(
    handlers: dict[str, Handler], other: str, dynamodb: Any, table_name: str
) -> None:
    booking_function = handlers["BookingFunction"]
    alices = booking_function({"slot_id": ALICES_SLOT, "user_id": ALICE})["data"]["booking_id"]

    assert booking_function({"operation": "list", "user_id": other})["data"]["bookings"] == []
    for operation in ("get", "cancel"):
        answer = booking_function({"operation": operation, "user_id": other, "booking_id": alices})
        assert answer["error"]["code"] == "NOT_FOUND"
    assert booking_function({"slot_id": ALICES_SLOT, "user_id": other})["error"]["code"] == "SLOT_TAKEN"
    theirs = booking_function({"slot_id": FREE_SLOT, "user_id": other})
    assert theirs["data"]["user_id"] == other

    stored = {(i["booked_time"]["S"], i["user_id"]["S"]) for i in booked_slots(dynamodb, table_name)}
    assert stored == {("15:00", ALICE), ("16:00", other)}
    listed = booking_function({"operation": "list", "user_id": ALICE})["data"]["bookings"]
    assert [(b["booking_id"], b["status"]) for b in listed] == [(alices, "confirmed")]


# --- the id is stored exactly as given -------------------------------------------------------

UNUSUAL_BUT_VALID = [
    pytest.param("a.b_c@d:e+f-g|h", id="every-punctuation-allowed"),
    pytest.param("u" * 128, id="128-characters"),
    pytest.param("0", id="one-digit"),
    pytest.param("user@example.com", id="email"),
    pytest.param("us-east-1:7f1c0a2e-1234-4abc-9def-0123456789ab", id="cognito-identity"),
]


@pytest.mark.parametrize("channel", [*CHANNELS, "invoke"])
@pytest.mark.parametrize("user", UNUSUAL_BUT_VALID)
def test_a_valid_id_is_stored_and_compared_exactly_as_given(
    orchestrator: Handler,
    handlers: dict[str, Handler],
    channel: str,
    user: str,
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    table_name: str,
) -> None:
    if channel == "invoke":
        booking = handlers["BookingFunction"]({"slot_id": FREE_SLOT, "user_id": user})["data"]
    else:
        use_channel(channel, monkeypatch)
        status, booking = call(orchestrator, channel, user, "POST", "/bookings", {"slot_id": FREE_SLOT})
        assert status == 201
        status, got = call(orchestrator, channel, user, "GET", f"/bookings/{booking['booking_id']}")
        assert (status, got["user_id"]) == (200, user)
    assert booking["user_id"] == user
    assert [i["user_id"]["S"] for i in booked_slots(dynamodb, table_name)] == [user]
    users = {i["pk"]["S"] for i in table_items(dynamodb, table_name) if i["pk"]["S"].startswith("USER#")}
    assert users == {f"USER#{user}"}


@pytest.mark.parametrize("channel", [*CHANNELS, "invoke"])
def test_an_id_one_character_too_long_is_refused_not_truncated(
    orchestrator: Handler,
    handlers: dict[str, Handler],
    channel: str,
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    table_name: str,
) -> None:
    holder, too_long = "u" * 128, "u" * 129
    assert handlers["BookingFunction"]({"slot_id": ALICES_SLOT, "user_id": holder})["success"] is True
    before = snapshot(dynamodb, table_name)
    if channel == "invoke":
        answer = handlers["BookingFunction"]({"operation": "list", "user_id": too_long})
        assert answer["error"]["code"] == "INVALID_REQUEST"
        answer = handlers["BookingFunction"]({"slot_id": FREE_SLOT, "user_id": too_long})
        assert answer["error"]["code"] == "INVALID_REQUEST"
    else:
        use_channel(channel, monkeypatch)
        want_status, want_code, _ = REFUSED[channel]
        for method, path, body in (("GET", "/bookings", None), ("POST", "/bookings", {"slot_id": FREE_SLOT})):
            status, answer = call(orchestrator, channel, too_long, method, path, body)
            assert (status, answer["error"]["code"]) == (want_status, want_code)
    assert snapshot(dynamodb, table_name) == before


# --- the edge and the services agree on every string ---------------------------------------

_EXACT = re.compile(USER_ID_PATTERN)
TRICKY = (  # whitespace, controls, Unicode spaces and invisibles, look-alikes, and punctuation ids may not hold
    "\n\r\t \x00\x0b\x0c\x1b\x7f\x85\u00a0\u2003\u3000\u2028\u200b\u200d\u2060\ufeff"
    "\u0430\u0441\u0131\u0301\uff41\U0001d68a,%\\#/"
)
valid_ids = st.from_regex(_EXACT, fullmatch=True)
near_miss_ids = st.builds(
    lambda valid, extra, where: valid[:where] + extra + valid[where:],
    valid_ids,
    st.text(alphabet=TRICKY, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=128),
)
any_text = st.text(max_size=140) | st.text(alphabet=st.characters(codec="utf-8"), max_size=140)


def edge_accepts(user: str, channel: str) -> str | None:
    event = {"headers": {"X-User-Id": user}, "requestContext": {}}
    if channel == "jwt":
        event = {"headers": {"x-user-id": ALICE}, "requestContext": {"authorizer": {"jwt": {"claims": {"sub": user}}}}}
    try:
        return caller_id(event, require_token=channel == "jwt")
    except (InvalidRequest, Unauthorized):
        return None


def services_accept(user: str) -> str | None:
    ids = set()
    for model, extra in (
        (ListBookingsRequest, {"operation": "list"}),
        (BookingByIdRequest, {"operation": "cancel", "booking_id": "b-1"}),
        (BookRequest, {"slot_id": ALICES_SLOT}),
    ):
        try:
            ids.add(model.model_validate({**extra, "user_id": user}).user_id)
        except ValidationError:
            ids.add(None)
    assert len(ids) == 1, f"the booking operations disagree on {user!r}: {ids}"
    return ids.pop()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(user=valid_ids | near_miss_ids | any_text)
def test_the_edge_and_every_booking_operation_accept_exactly_the_same_ids_unchanged(user: str) -> None:
    accepted = services_accept(user)
    exact = user if _EXACT.fullmatch(user) else None
    assert accepted == exact
    assert edge_accepts(user, "jwt") == exact
    if user != "":  # an empty header is no header: the caller is the guest, as documented
        assert edge_accepts(user, "header") == exact
