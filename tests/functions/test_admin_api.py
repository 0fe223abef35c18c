"""The club's staff over HTTP: only a verified token in the admin group reaches the admin routes.

Every admin route (and an admin's chat) is refused to everyone else: a person with sign-in
off, whatever X-User-Id they send; a signed-in person outside the group; a forged groups
header or body field; a group named in another case, in another claim, or almost. A refusal
is 403 FORBIDDEN naming why, and reaches no service: the booking function is never invoked
and the table is unchanged. An admin's requests reach the booking function as its contracts,
with the token's `sub` as `admin_id`, and nothing the client sent about who they are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from courtbooking import config
from courtbooking.contracts import BookingRequest, CloseRequest
from courtbooking.errors import Forbidden
from courtbooking.models import Intent
from orchestration import identity
from orchestration.routes.admin import ClosureBody
from orchestration.workflow import closure_span
from tests import clock
from tests.conftest import table_items
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler, wire

STAFF = {"sub": "desk", "cognito:groups": "[admins staff]"}  # as API Gateway passes a list claim
ROUTE_KEYS = {  # path -> route template, for the path parameters API Gateway fills in
    "/closures/": ("/closures/{closure_id}", "closure_id"),
    "/admin/bookings/": ("/admin/bookings/{booking_id}", "booking_id"),
    "/bookings/": ("/bookings/{booking_id}", "booking_id"),
}
SOME_ID = "00000000-0000-4000-8000-000000000000"


def closure_body(days: int = 3, **fields: Any) -> dict[str, Any]:
    day = clock.day(days).isoformat()
    return {"court": "Court B", "start": f"{day}T14:00", "end": f"{day}T17:00", "reason": "coaching", **fields}


def admin_requests() -> list[tuple[str, str, Any]]:
    """One request to every admin route: (method, path, body)."""
    return [
        ("POST", "/closures", closure_body(cancel_affected=True)),
        ("GET", "/closures", None),
        ("DELETE", f"/closures/{SOME_ID}", None),
        ("GET", f"/admin/day?date={clock.day(3).isoformat()}", None),
        ("GET", f"/admin/bookings/{SOME_ID}", None),
        ("DELETE", f"/admin/bookings/{SOME_ID}?reason=rain", None),
    ]


def send(
    api: Handler,
    method: str,
    path: str,
    body: Any = None,
    *,
    claims: dict[str, Any] | None = None,
    user: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """One request as API Gateway passes it: `claims` as its JWT authorizer verified them, or none."""
    sent = {"content-type": "application/json", **(headers or {})}
    if user is not None:
        sent["x-user-id"] = user
    route, params = urlsplit(path).path, {}
    for prefix, (template, name) in ROUTE_KEYS.items():
        if route.startswith(prefix) and route.count("/") == prefix.count("/"):
            route, params = template, {name: route.removeprefix(prefix)}
    raw = json.dumps(body).encode() if body is not None else b""
    event = api_event(method, path, sent, raw, f"{method} {route}", params, claims=claims)
    answer = api(event)
    return answer["statusCode"], json.loads(answer["body"])


def sign_in(monkeypatch: pytest.MonkeyPatch, mode: str = "jwt") -> None:
    monkeypatch.setenv("AUTH_MODE", mode)
    config.reset()


class Recorder:
    """A booking function that answers as `answer(event)` (or fails the test when None) and keeps every event."""

    def __init__(self, answer: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self._answer = answer

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        if self._answer is None:
            raise AssertionError(f"the booking function was invoked: {event}")
        return self._answer(event)


def snapshot(dynamodb: Any, table_name: str) -> list[str]:
    tables = (table_name, f"conversations-{table_name}", f"idempotency-{table_name}")
    return sorted(json.dumps(item, sort_keys=True) for t in tables for item in table_items(dynamodb, t))


def scripted_parser(**fields: Any) -> Callable[[dict[str, Any], Any], Any]:
    """An intent parser that reads every message as `fields` (until the offline parser reads "close")."""

    def parse(event: dict[str, Any], context: Any) -> Any:
        intent = Intent(raw_message=event["message"], **fields)
        return {"success": True, "data": intent.model_dump(mode="json")}

    return parse


# --- refused to everyone but an admin ---------------------------------------------------------------

NOT_ADMINS = [
    pytest.param("none", None, {"x-user-id": "desk"}, identity.NO_ADMINS_WITHOUT_SIGN_IN, id="sign-in-off"),
    pytest.param(
        "none",
        None,
        {"x-user-id": "desk", "x-groups": "admins", "cognito:groups": "[admins]", "x-cognito-groups": "admins"},
        identity.NO_ADMINS_WITHOUT_SIGN_IN,
        id="sign-in-off-forged-group-headers",
    ),
    pytest.param("jwt", {"sub": "mallory"}, {}, identity.NOT_AN_ADMIN, id="signed-in-no-groups"),
    pytest.param("jwt", {"sub": "mallory", "cognito:groups": "[players]"}, {}, identity.NOT_AN_ADMIN, id="other-group"),
    pytest.param(
        "jwt",
        {"sub": "mallory"},
        {"x-groups": "admins", "cognito:groups": "[admins]", "x-user-id": "desk"},
        identity.NOT_AN_ADMIN,
        id="signed-in-forged-group-headers",
    ),
    pytest.param("jwt", {"sub": "mallory", "cognito:groups": "[Admins]"}, {}, identity.NOT_AN_ADMIN, id="other-case"),
    pytest.param("jwt", {"sub": "mallory", "cognito:groups": "[admin]"}, {}, identity.NOT_AN_ADMIN, id="almost"),
    pytest.param("jwt", {"sub": "mallory", "cognito:groups": "[admins2]"}, {}, identity.NOT_AN_ADMIN, id="prefix"),
    pytest.param("jwt", {"sub": "mallory", "cognito:groups": "admins staff"}, {}, identity.NOT_AN_ADMIN, id="one-name"),
    pytest.param("jwt", {"sub": "mallory", "groups": "[admins]"}, {}, identity.NOT_AN_ADMIN, id="another-claim"),
]


@pytest.mark.parametrize(("mode", "claims", "headers", "why"), NOT_ADMINS)
def test_every_admin_route_is_refused_to_a_non_admin_and_reaches_no_service(
    handlers: dict[str, Handler],
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    claims: dict[str, Any] | None,
    headers: dict[str, str],
    why: str,
    dynamodb: Any,
    table_name: str,
) -> None:
    sign_in(monkeypatch, mode)
    booking = Recorder()
    api = wire(handlers, booking=booking)
    before = snapshot(dynamodb, table_name)
    for method, path, body in admin_requests():
        status, answer = send(api, method, path, body, claims=claims, headers=headers)
        assert (status, answer["error"]["code"], answer["error"]["message"]) == (403, "FORBIDDEN", why), path
    assert booking.events == []
    assert snapshot(dynamodb, table_name) == before


@pytest.mark.parametrize("mode", ["none", "jwt"])
@pytest.mark.parametrize("forged", [{"admin_id": "desk"}, {"cognito:groups": ["admins"]}, {"groups": "admins"}])
def test_a_forged_body_field_is_refused_for_anyone_and_reaches_no_service(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch, mode: str, forged: dict[str, Any]
) -> None:
    sign_in(monkeypatch, mode)
    booking = Recorder()
    api = wire(handlers, booking=booking)
    for claims in ({"sub": "mallory"}, STAFF):
        status, answer = send(api, "POST", "/closures", {**closure_body(), **forged}, claims=claims, user="desk")
        assert (status, answer["error"]["code"]) == (400, "INVALID_REQUEST")
        assert next(iter(forged)) in answer["error"]["message"]  # named: an unknown field, not ignored
    assert booking.events == []


def test_with_sign_in_on_and_no_verified_token_an_admin_route_is_401(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch)
    booking = Recorder()
    api = wire(handlers, booking=booking)
    for method, path, body in admin_requests():
        status, answer = send(api, method, path, body, user="desk", headers={"cognito:groups": "[admins]"})
        assert (status, answer["error"]["code"]) == (401, "UNAUTHORIZED"), path
    assert booking.events == []


# --- only the verified claim counts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        ("[admins staff]", ["admins", "staff"]),  # API Gateway's HTTP API form of a list claim
        ("[admins]", ["admins"]),
        ('["admins", "staff"]', ["admins", "staff"]),  # a JSON list string
        (["staff", "admins"], ["staff", "admins"]),  # a real list (another authorizer)
        ("[7 true]", ["7", "true"]),  # API Gateway's form, though it would read as JSON of other types
        ("admins", ["admins"]),
        ("[]", []),
        (None, []),
        (7, []),
    ],
)
def test_the_groups_claim_is_read_in_each_form_it_comes_in(claim: Any, groups: list[str]) -> None:
    assert identity.groups(claim) == groups


def authorized(claims: dict[str, Any], **headers: str) -> dict[str, Any]:
    return {"headers": headers, "requestContext": {"authorizer": {"jwt": {"claims": claims, "scopes": None}}}}


def test_the_admin_group_and_its_claim_are_configured_and_matched_exactly(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch)
    assert identity.is_admin(authorized(STAFF))
    assert identity.admin_id(authorized(STAFF)) == "desk"
    assert not identity.is_admin(authorized({"sub": "desk", "cognito:groups": "[staff]"}, **{"x-groups": "admins"}))

    monkeypatch.setenv("GROUPS_CLAIM", "custom:roles")
    monkeypatch.setenv("ADMIN_GROUP", "FrontDesk")
    assert not identity.is_admin(authorized(STAFF))  # cognito:groups is no longer the claim read
    assert identity.is_admin(authorized({"sub": "desk", "custom:roles": "[FrontDesk]"}))
    assert not identity.is_admin(authorized({"sub": "desk", "custom:roles": "[frontdesk]"}))

    sign_in(monkeypatch, "none")  # the same verified claims, with sign-in off: still nobody
    assert not identity.is_admin(authorized({"sub": "desk", "custom:roles": "[FrontDesk]"}))
    with pytest.raises(Forbidden, match="no admins without sign-in"):
        identity.admin_id(authorized({"sub": "desk", "custom:roles": "[FrontDesk]"}))


# --- what an admin's requests send -----------------------------------------------------------------------


def fake_club(event: dict[str, Any]) -> Any:
    """The booking function's answers to the admin operations, in its contracts (the real one: further below)."""
    request = BookingRequest.model_validate(event).root  # what was sent is exactly a contract
    now = clock.now().isoformat()
    closure = {
        "closure_id": SOME_ID,
        "court": "Court B",
        "start": closure_body()["start"],
        "end": closure_body()["end"],
        "reason": "coaching",
        "created_by": "desk",
        "created_at": now,
    }
    booking = {
        "booking_id": SOME_ID,
        "court": "Court A",
        "date": clock.day(3).isoformat(),
        "time": "10:00",
        "duration_minutes": 60,
        "user_id": "bob",
    }
    data = {
        "close": {"closure": closure, "message": "Closed."},
        "closures": {"closures": [closure], "message": "One closure."},
        "reopen": closure,
        "day_sheet": {"date": clock.day(3).isoformat(), "hours": "08:00-21:00", "bookings": [booking], "message": "."},
        "admin_get": booking,
        "admin_cancel": {**booking, "status": "cancelled", "cancelled_by": "admin", "cancel_reason": "rain"},
    }[request.operation]
    return {"success": True, "data": data}


def test_an_admins_requests_reach_the_booking_function_as_its_contracts_with_the_tokens_sub(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch)
    booking = Recorder(fake_club)
    api = wire(handlers, booking=booking)
    statuses: list[int] = []
    for method, path, body in admin_requests():
        statuses.append(send(api, method, path, body, claims=STAFF, user="someone-else")[0])
    assert statuses == [201, 200, 200, 200, 200, 200]
    sent = [{k: v for k, v in e.items() if k != "correlation_id"} for e in booking.events]
    assert sent == [
        {"operation": "close", "admin_id": "desk", "cancel_affected": True, **closure_body()},
        {"operation": "closures", "admin_id": "desk"},
        {"operation": "reopen", "admin_id": "desk", "closure_id": SOME_ID},
        {"operation": "day_sheet", "admin_id": "desk", "date": clock.day(3).isoformat()},
        {"operation": "admin_get", "admin_id": "desk", "booking_id": SOME_ID},
        {"operation": "admin_cancel", "admin_id": "desk", "booking_id": SOME_ID, "reason": "rain"},
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "named"),
    [
        ("POST", "/closures", closure_body(start="2026-12-14T08:00Z"), "start"),
        ("POST", "/closures", closure_body(end="2026-02-30T10:00"), "end"),
        ("POST", "/closures", closure_body(reason="   "), "reason"),
        ("POST", "/closures", closure_body(cancel_affected="yes"), "cancel_affected"),
        ("GET", "/admin/day", None, "date"),
        ("GET", "/admin/day?date=tomorrow", None, "date"),
        ("DELETE", f"/admin/bookings/{SOME_ID}?reason=" + "x" * 201, None, "reason"),
        ("GET", "/admin/bookings/not_an_id", None, "booking_id"),
        ("DELETE", "/closures/not_an_id", None, "closure_id"),
    ],
)
def test_an_admins_bad_request_is_a_400_naming_the_field_and_reaches_no_service(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch, method: str, path: str, body: Any, named: str
) -> None:
    sign_in(monkeypatch)
    booking = Recorder()
    api = wire(handlers, booking=booking)
    status, answer = send(api, method, path, body, claims=STAFF)
    assert (status, answer["error"]["code"]) == (400, "INVALID_REQUEST")
    assert named in answer["error"]["message"]
    assert booking.events == []


def test_the_closure_body_is_the_closure_contract_without_who_asks() -> None:
    assert set(ClosureBody.model_fields) == set(CloseRequest.model_fields) - {"operation", "admin_id", "correlation_id"}


def test_the_openapi_description_lists_every_admin_route_and_its_403(orchestrator: Handler) -> None:
    status, spec = send(orchestrator, "GET", "/swagger?format=json")
    assert status == 200
    admin_routes = {
        ("post", "/closures"),
        ("get", "/closures"),
        ("delete", "/closures/{closure_id}"),
        ("get", "/admin/day"),
        ("get", "/admin/bookings/{booking_id}"),
        ("delete", "/admin/bookings/{booking_id}"),
    }
    published = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert admin_routes <= published
    for method, path in admin_routes:
        assert "FORBIDDEN" in spec["paths"][path][method]["responses"]["403"]["description"]


# --- the real booking function, for an admin ----------------------------------------------------------------


def test_an_admin_closes_a_court_lists_the_closures_and_reopens_it(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    sign_in(monkeypatch)
    status, made = send(orchestrator, "POST", "/closures", closure_body(), claims=STAFF)
    assert status == 201, made
    closure = made["closure"]
    assert (closure["court"], closure["reason"], closure["created_by"]) == ("Court B", "coaching", "desk")

    status, listed = send(orchestrator, "GET", "/closures", claims=STAFF)
    assert (status, [c["closure_id"] for c in listed["closures"]]) == (200, [closure["closure_id"]])
    status, reopened = send(orchestrator, "DELETE", f"/closures/{closure['closure_id']}", claims=STAFF)
    assert (status, reopened["closure_id"]) == (200, closure["closure_id"])
    status, listed = send(orchestrator, "GET", "/closures", claims=STAFF)
    assert (status, listed["closures"]) == (200, [])
    assert [i for i in table_items(dynamodb, table_name) if i["pk"]["S"] == "CLOSURES"] == []


def test_an_admin_sees_and_cancels_anyones_booking_and_the_day_sheet_names_the_holders(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch)
    bob = {"sub": "bob"}
    status, held = send(orchestrator, "POST", "/bookings", {"slot_id": clock.slot_id("Court A", 10, 3)}, claims=bob)
    assert status == 201, held

    status, sheet = send(orchestrator, "GET", f"/admin/day?date={clock.day(3).isoformat()}", claims=STAFF)
    assert status == 200, sheet
    assert [(b["time"], b["court"], b["user_id"]) for b in sheet["bookings"]] == [("10:00", "Court A", "bob")]

    status, seen = send(orchestrator, "GET", f"/admin/bookings/{held['booking_id']}", claims=STAFF)
    assert (status, seen["user_id"], seen["status"]) == (200, "bob", "confirmed")
    status, cancelled = send(orchestrator, "DELETE", f"/admin/bookings/{held['booking_id']}?reason=rain", claims=STAFF)
    assert (status, cancelled["status"], cancelled["cancelled_by"]) == (200, "cancelled", "admin"), cancelled

    status, seen = send(orchestrator, "GET", f"/admin/bookings/{held['booking_id']}", claims=STAFF)
    assert (seen["cancelled_by"], seen["cancelled_by_id"], seen["cancel_reason"]) == ("admin", "desk", "rain")
    status, own = send(orchestrator, "GET", f"/bookings/{held['booking_id']}", claims=bob)
    assert (status, own["status"], own["cancelled_by"], own["cancelled_by_id"]) == (200, "cancelled", "admin", None)


# --- closing by chat ----------------------------------------------------------------------------------------

CLOSE_B = {
    "action": "close",
    "date": clock.tomorrow().isoformat(),
    "window": {"start": "14:00", "end": "17:00"},
    "court": "Court B",
    "reason": "coaching",
}


def chat(api: Handler, message: str, claims: dict[str, Any] | None = None, **body: Any) -> dict[str, Any]:
    status, answer = send(api, "POST", "/chat", {"message": message, **body}, claims=claims, user="desk")
    assert status == 200, answer
    return answer


@pytest.mark.parametrize(
    ("mode", "claims", "why"),
    [
        ("none", None, identity.NO_ADMINS_WITHOUT_SIGN_IN),
        ("jwt", {"sub": "frank"}, identity.NOT_AN_ADMIN),
        ("jwt", {"sub": "frank", "cognito:groups": "[players]"}, identity.NOT_AN_ADMIN),
    ],
)
def test_close_by_chat_from_anyone_but_an_admin_is_refused_saying_why_and_writes_nothing(
    handlers: dict[str, Handler],
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    claims: dict[str, Any] | None,
    why: str,
    dynamodb: Any,
    table_name: str,
) -> None:
    sign_in(monkeypatch, mode)
    booking = Recorder()
    api = wire(handlers, intent_parser=scripted_parser(**CLOSE_B), booking=booking)
    before = snapshot(dynamodb, table_name)
    answer = chat(api, "close court B tomorrow 2pm to 5pm for coaching", claims)
    assert answer["status"] == "refused"
    assert answer["response"] == f"{why} Nothing was closed."
    assert booking.events == []
    after = [i for i in set(snapshot(dynamodb, table_name)) - set(before) if '"INBOX#' not in i]
    assert all('"context"' in i for i in after)  # only the conversation's own state was written


def test_close_by_chat_from_an_admin_closes_it_and_lists_what_is_inside(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    sign_in(monkeypatch)
    api = wire(handlers)
    status, held = send(api, "POST", "/bookings", {"slot_id": clock.slot_id("Court B", 15, 1)}, claims={"sub": "bob"})
    assert status == 201, held
    api = wire(handlers, intent_parser=scripted_parser(**CLOSE_B))

    answer = chat(api, "close court B tomorrow 2pm to 5pm for coaching", STAFF)
    assert answer["status"] == "closed", answer
    assert [b["booking_id"] for b in answer["bookings"]] == [held["booking_id"]]
    assert "coaching" in answer["response"]
    [closure] = [i for i in table_items(dynamodb, table_name) if i["pk"]["S"] == "CLOSURES"]
    day = clock.tomorrow().isoformat()
    assert (closure["start"]["S"], closure["end"]["S"], closure["reason"]["S"]) == (
        f"{day}T14:00",
        f"{day}T17:00",
        "coaching",
    )
    status, still = send(api, "GET", f"/bookings/{held['booking_id']}", claims={"sub": "bob"})
    assert still["status"] == "confirmed"  # listed, not cancelled: chat never cancels anyone's booking


def test_a_closure_without_a_reason_asks_for_it_and_the_reason_alone_then_closes(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch)
    booking = Recorder(fake_club)
    without = {k: v for k, v in CLOSE_B.items() if k != "reason"}
    api = wire(handlers, intent_parser=scripted_parser(**without), booking=booking)
    asked = chat(api, "close court B tomorrow 2pm to 5pm", STAFF)
    assert asked["status"] == "needs_input"
    assert asked["response"].startswith(f"Why is Court B to be closed on {day_words(clock.tomorrow())} 14:00-17:00?")
    assert booking.events == []

    api = wire(handlers, intent_parser=scripted_parser(reason="coaching"), booking=booking)
    closed = chat(api, "for coaching", STAFF, conversation_id=asked["conversation_id"])
    assert closed["status"] == "closed"
    [sent] = booking.events
    day = clock.tomorrow().isoformat()
    assert (sent["court"], sent["start"], sent["end"], sent["reason"]) == (
        "Court B",
        f"{day}T14:00",
        f"{day}T17:00",
        "coaching",
    )
    assert sent["cancel_affected"] is False


def test_a_closure_the_booking_function_refuses_is_said_in_words_and_nothing_is_closed(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch)
    why = "The closure ends before it starts."
    booking = Recorder(lambda event: {"success": False, "error": {"code": "INVALID_REQUEST", "message": why}})
    api = wire(handlers, intent_parser=scripted_parser(**CLOSE_B), booking=booking)
    answer = chat(api, "close court B tomorrow 2pm to 5pm for coaching", STAFF)
    assert (answer["status"], answer["response"]) == ("unavailable", f"{why} Nothing was closed.")


def day_words(date: dt.date) -> str:
    return f"{date:%A} {date.day} {date:%B}"


# --- which wall times a closure asked for covers ---------------------------------------------------------------

MONDAY = dt.date(2026, 11, 30)  # a week of the clock fixture's: Saturday 5 December, Sunday 6 December


def a_facility(monkeypatch: pytest.MonkeyPatch, hours: str) -> config.Facility:
    monkeypatch.setenv("OPENING_HOURS", hours)
    return config.Facility.from_env()


@pytest.mark.parametrize(
    ("intent", "span"),
    [
        ({"date": MONDAY, "window": {"start": "14:00", "end": "17:00"}}, ("2026-11-30T14:00", "2026-11-30T17:00")),
        ({"date": MONDAY, "time": "09:00"}, ("2026-11-30T09:00", "2026-11-30T10:00")),  # a time alone: one slot
        ({"date": MONDAY}, ("2026-11-30T07:00", "2026-11-30T22:00")),  # a whole weekday: its hours
        ({"date": MONDAY + dt.timedelta(days=5)}, ("2026-12-05T08:00", "2026-12-05T20:00")),  # a Saturday: its own
        (  # days: from the first day's opening to the last one's closing
            {"period": {"start": MONDAY + dt.timedelta(days=3), "end": MONDAY + dt.timedelta(days=5)}},
            ("2026-12-03T07:00", "2026-12-05T20:00"),
        ),
        (  # closed days at either end are not what is closed
            {"period": {"start": MONDAY - dt.timedelta(days=1), "end": MONDAY + dt.timedelta(days=6)}},
            ("2026-11-30T07:00", "2026-12-05T20:00"),
        ),
    ],
)
def test_a_closure_covers_the_days_said_within_each_days_own_hours(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, intent: dict[str, Any], span: tuple[str, str]
) -> None:
    facility = a_facility(monkeypatch, "Mon-Fri 07:00-22:00; Sat 08:00-20:00; Sun closed")
    start, end = closure_span(facility, Intent(action="close", **intent))  # type: ignore[misc]
    assert (start.isoformat(timespec="minutes"), end.isoformat(timespec="minutes")) == span


def test_a_closure_of_days_the_club_is_closed_anyway_or_of_no_day_asks(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    facility = a_facility(monkeypatch, "Mon-Fri 07:00-22:00; Sat 08:00-20:00; Sun closed")
    sunday = MONDAY - dt.timedelta(days=1)
    assert "not open on Sunday 29 November" in str(closure_span(facility, Intent(action="close", date=sunday)))
    assert "Which day" in str(closure_span(facility, Intent(action="close", court="Court B")))


def test_asking_for_a_closed_court_in_chat_says_why_and_until_when_not_that_it_is_taken(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    sign_in(monkeypatch)
    status, made = send(orchestrator, "POST", "/closures", closure_body(days=1), claims=STAFF)
    assert status == 201, made
    status, answer = send(
        orchestrator, "POST", "/chat", {"message": "book court B tomorrow at 3pm"}, claims={"sub": "bob"}
    )
    assert status == 200, answer
    assert answer["status"] == "alternatives", answer
    assert "coaching" in answer["response"].split(" The nearest")[0]
    assert "17:00" in answer["response"].split(" The nearest")[0]
    assert "taken" not in answer["response"]
    assert [i for i in table_items(dynamodb, table_name) if i["pk"]["S"].startswith("BOOKING#")] == []


def test_the_issues_close_message_closes_from_an_admins_chat_and_is_refused_from_anyone_elses(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    sign_in(monkeypatch)
    message = "close court B tomorrow 2pm to 5pm for coaching"
    player = chat(orchestrator, message, {"sub": "frank"})
    assert (player["status"], player["response"]) == ("refused", f"{identity.NOT_AN_ADMIN} Nothing was closed.")
    assert [i for i in table_items(dynamodb, table_name) if i["pk"]["S"] == "CLOSURES"] == []

    staff = chat(orchestrator, message, STAFF)
    assert staff["status"] == "closed", staff
    [closure] = [i for i in table_items(dynamodb, table_name) if i["pk"]["S"] == "CLOSURES"]
    day = clock.tomorrow().isoformat()
    assert (closure["court"]["S"], closure["start"]["S"], closure["end"]["S"]) == (
        "Court B",
        f"{day}T14:00",
        f"{day}T17:00",
    )
    assert closure["created_by"]["S"] == "desk"


def test_an_admin_asked_why_answers_with_the_reason_alone(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    sign_in(monkeypatch)
    asked = chat(orchestrator, "close court B tomorrow 2pm to 5pm", STAFF)
    assert asked["status"] == "needs_input", asked
    assert [i for i in table_items(dynamodb, table_name) if i["pk"]["S"] == "CLOSURES"] == []
    closed = chat(orchestrator, "for coaching", STAFF, conversation_id=asked["conversation_id"])
    assert closed["status"] == "closed", closed
    [closure] = [i for i in table_items(dynamodb, table_name) if i["pk"]["S"] == "CLOSURES"]
    assert (closure["reason"]["S"], closure["start"]["S"]) == ("coaching", f"{clock.tomorrow().isoformat()}T14:00")
