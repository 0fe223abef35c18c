"""Every event file in events/ through its function's handler, as `sam local invoke -e` sends it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from local import events
from tests import clock
from tests.conftest import table_items
from tests.functions.conftest import Handler


def tomorrow() -> str:
    return clock.tomorrow().isoformat()


def tomorrow_of(name: str) -> str:
    """The day after the event's own `now`, in the facility's zone (the file says what 'now' is)."""
    now = dt.datetime.fromisoformat(events.load(name)["now"].replace("Z", "+00:00"))
    return (now.astimezone(clock.zone()).date() + dt.timedelta(days=1)).isoformat()


def ok(check: Callable[[dict[str, Any]], bool] = lambda data: True) -> Callable[[Any], bool]:
    return lambda answer: answer["success"] is True and check(answer["data"])


def refused(code: str, words: str) -> Callable[[Any], bool]:
    return lambda answer: (
        answer == {"success": False, "error": {"code": code, "message": answer["error"]["message"]}}
        and (words in answer["error"]["message"])
    )


def http(status: int, check: Callable[[dict[str, Any]], bool] = lambda body: True) -> Callable[[Any], bool]:
    return lambda answer: answer["statusCode"] == status and check(json.loads(answer["body"]))


# file -> (function, what its answer must be)
EXPECTED: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "intent_parser_book.json": (
        "IntentParserFunction",
        ok(
            lambda d: (
                (d["action"], d["date"], d["time"], d["parser"])
                == ("book", tomorrow_of("intent_parser_book.json"), "15:00", "offline")
            )
        ),
    ),
    "intent_parser_check.json": (
        "IntentParserFunction",
        ok(lambda d: d["action"] == "check" and d["window"] is not None and d["date"] is not None),
    ),
    "intent_parser_empty_message.json": ("IntentParserFunction", refused("INVALID_REQUEST", "message")),
    # "ok 4pm then" after three offers: the day under discussion (whatever "today" is in the zone), offer 1
    "intent_parser_follow_up.json": (
        "IntentParserFunction",
        ok(
            lambda d: (
                (d["action"], d["date"], d["time"], d["offer"])
                == ("book", events.load("intent_parser_follow_up.json")["context"]["date"], "16:00", 1)
            )
        ),
    ),
    "availability_intent.json": (
        "AvailabilityFunction",
        ok(lambda d: {s["court"] for s in d["slots"]} == {"Court A", "Court B", "Court C"}),
    ),
    "availability_window.json": (
        "AvailabilityFunction",
        ok(lambda d: len(d["slots"]) == 6 and {s["court"] for s in d["slots"]} == {"Court B"}),
    ),
    "availability_bad_time.json": ("AvailabilityFunction", refused("INVALID_REQUEST", "intent.time")),
    "booking_slot.json": (
        "BookingFunction",
        ok(lambda d: (d["court"], d["date"], d["time"], d["user_id"]) == ("Court A", tomorrow(), "15:00", "alice")),
    ),
    # A chat's booking in one call: the first free of the slots it names.
    "booking_book_first.json": (
        "BookingFunction",
        ok(
            lambda d: (
                (d["outcome"], d["booking"]["court"], d["booking"]["date"], d["booking"]["time"])
                == ("booked", "Court A", tomorrow(), "15:00")
            )
        ),
    ),
    "booking_two_hours.json": ("BookingFunction", ok(lambda d: d["duration_minutes"] == 120)),
    "booking_missing_user.json": ("BookingFunction", refused("INVALID_REQUEST", "user_id")),
    # As written it names no real booking (ids are made when booking; put one from booking_slot.json in):
    # it is refused, naming the id;
    # test_the_move_event_moves_the_booking_it_is_given below fills in a real one.
    "booking_move.json": ("BookingFunction", refused("NOT_FOUND", "00000000-0000-4000-8000-000000000000")),
    "booking_history.json": (
        "BookingFunction",
        ok(lambda d: (d["when"], d["bookings"], d["next_cursor"]) == ("past", [], None) and "played" in d["message"]),
    ),
    # The admin events as written name no real booking or closure (the tests below fill real ones in).
    "booking_admin_get.json": ("BookingFunction", refused("NOT_FOUND", "There is no booking with id 00000000-")),
    "booking_admin_cancel.json": ("BookingFunction", refused("NOT_FOUND", "There is no booking with id 00000000-")),
    "booking_reopen.json": ("BookingFunction", refused("NOT_FOUND", "00000000-0000-4000-8000-000000000000")),
    "booking_close.json": (
        "BookingFunction",
        ok(
            lambda d: (
                (d["closure"]["court"], d["closure"]["reason"], d["closure"]["complete"])
                == ("Court B", "coaching", True)
                and d["closure"]["start"] == events.load("booking_close.json")["start"]
            )
        ),
    ),
    "booking_closures.json": ("BookingFunction", ok(lambda d: d["closures"] == [] and d["message"] == "No closures.")),
    # On an empty table Court A is free tomorrow at 15:00: a waitlist is refused, saying so (the test below
    # books it first); bob is on no waitlists; the leave event names no entry of his.
    "booking_waitlist_join.json": ("BookingFunction", refused("SLOT_FREE", "Court A is free at 15:00")),
    "booking_waitlist_list.json": (
        "BookingFunction",
        ok(lambda d: d == {"entries": [], "message": "You are on no waitlists."}),
    ),
    "booking_waitlist_leave.json": (
        "BookingFunction",
        refused("NOT_FOUND", "You have no waitlist entry with id 00000000-0000-4000-8000-000000000000"),
    ),
    # The series events as written: two dates free on an empty table; alice has no series; no such series.
    "booking_series_preview.json": (
        "BookingFunction",
        ok(lambda d: [o["status"] for o in d["occurrences"]] == ["free", "free"] and d["series_id"] is None),
    ),
    "booking_series_book.json": (
        "BookingFunction",
        ok(lambda d: [o["status"] for o in d["occurrences"]] == ["booked", "booked"] and d["series_id"]),
    ),
    "booking_series_list.json": (
        "BookingFunction",
        ok(lambda d: d == {"series": [], "message": "You have no series."}),
    ),
    "booking_series_get.json": (
        "BookingFunction",
        refused("NOT_FOUND", "No series 00000000-0000-4000-8000-000000000000 of yours."),
    ),
    "booking_series_cancel.json": (
        "BookingFunction",
        refused("NOT_FOUND", "No series 00000000-0000-4000-8000-000000000000 of yours."),
    ),
    "booking_day_sheet.json": (
        "BookingFunction",
        ok(lambda d: d["date"] == tomorrow() and d["bookings"] == [] and d["hours"] is not None),
    ),
    "orchestrator_chat_book.json": (
        "OrchestratorFunction",
        http(200, lambda b: b["status"] == "booked" and b["booking"]["user_id"] == "alice"),
    ),
    "orchestrator_chat_check.json": ("OrchestratorFunction", http(200, lambda b: b["status"] == "available")),
    "orchestrator_chat_malformed.json": ("OrchestratorFunction", http(400, lambda b: "JSON" in b["error"]["message"])),
    "orchestrator_health.json": ("OrchestratorFunction", http(200, lambda b: b == {"status": "ok", "dynamodb": "ok"})),
}


def test_every_event_file_is_covered() -> None:
    assert set(events.names()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_event_file(name: str, handlers: dict[str, Handler], request: pytest.FixtureRequest) -> None:
    function, expectation = EXPECTED[name]
    if function == "OrchestratorFunction":
        request.getfixturevalue("orchestrator")  # wired to the real services in this process
    answer = handlers[function](events.load(name))
    json.dumps(answer)  # what Lambda would have to serialise
    assert expectation(answer), answer


def test_the_move_event_moves_the_booking_it_is_given(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    booked = handlers["BookingFunction"](events.load("booking_slot.json"))["data"]
    event = {**events.load("booking_move.json"), "booking_id": booked["booking_id"]}
    moved = handlers["BookingFunction"](event)["data"]
    assert (moved["booking_id"], moved["court"], moved["time"]) == (booked["booking_id"], "Court B", "17:00")
    slots = [
        (i["court"]["S"], i["time"]["S"])
        for i in table_items(dynamodb, table_name)
        if "court" in i and "sk" in i and i["sk"]["S"].startswith("SLOT#")
    ]
    assert slots == [("Court B", "17:00")]


def test_the_waitlist_events_join_list_and_leave_and_a_cancel_hands_the_court_over(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    booking = handlers["BookingFunction"]
    booked = booking(events.load("booking_slot.json"))["data"]
    joined = booking(events.load("booking_waitlist_join.json"))["data"]
    assert (joined["status"], joined["court"], joined["time"], joined["date"]) == (
        "waiting",
        "Court A",
        "15:00",
        tomorrow(),
    )
    assert "first in line" in joined["message"]
    listed = booking(events.load("booking_waitlist_list.json"))["data"]["entries"]
    assert [e["entry_id"] for e in listed] == [joined["entry_id"]]

    cancel = {"operation": "cancel", "user_id": "alice", "booking_id": booked["booking_id"]}
    assert booking(cancel)["data"]["status"] == "cancelled"
    claimed = booking(events.load("booking_waitlist_list.json"))["data"]["entries"][0]
    assert (claimed["status"], claimed["claimed_court"]) == ("claimed", "Court A")
    held = booking({"operation": "get", "user_id": "bob", "booking_id": claimed["booking_id"]})["data"]
    assert (held["court"], held["date"], held["time"], held["status"]) == ("Court A", tomorrow(), "15:00", "confirmed")

    left = booking({**events.load("booking_waitlist_leave.json"), "entry_id": joined["entry_id"]})["data"]
    assert "had already come through" in left["message"]
    assert booking(events.load("booking_waitlist_list.json"))["data"]["entries"] == []


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The `audit` lines the functions logged (each record's structured `audit` field)."""
    return [record.__dict__["audit"] for record in caplog.records if record.getMessage() == "audit"]


def test_the_admin_events_cancel_the_booking_they_are_given_and_tell_its_holder(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    booked = handlers["BookingFunction"](events.load("booking_slot.json"))["data"]
    seen = handlers["BookingFunction"]({**events.load("booking_admin_get.json"), "booking_id": booked["booking_id"]})
    assert (seen["data"]["user_id"], seen["data"]["status"]) == ("alice", "confirmed")
    caplog.clear()
    event = {**events.load("booking_admin_cancel.json"), "booking_id": booked["booking_id"]}
    cancelled = handlers["BookingFunction"](event)["data"]
    assert (cancelled["status"], cancelled["cancelled_by"], cancelled["cancelled_by_id"]) == (
        "cancelled",
        "admin",
        "staff",
    )
    assert cancelled["cancel_reason"] == "the court is being repaired"
    (audit,) = audit_lines(caplog)
    assert (audit["admin"], audit["action"], audit["bookings"], audit["outcome"]) == (
        "staff",
        "cancel_booking",
        [booked["booking_id"]],
        "done",
    )
    assert dt.datetime.fromisoformat(audit["at"]).tzinfo is not None
    inbox = dynamodb.get_item(
        TableName=f"conversations-{table_name}", Key={"id": {"S": "INBOX#alice"}}, ConsistentRead=True
    )["Item"]
    (notice,) = [json.loads(n["S"]) for n in inbox["notices"]["L"]]
    assert (notice["kind"], notice["booking"]["booking_id"]) == ("cancelled_by_admin", booked["booking_id"])
    assert notice["message"].endswith("was cancelled by the club: the court is being repaired.")
    mine = handlers["BookingFunction"]({"operation": "get", "user_id": "alice", "booking_id": booked["booking_id"]})
    assert (mine["data"]["cancelled_by"], mine["data"]["cancelled_by_id"]) == ("admin", None)
    history = handlers["BookingFunction"]({"operation": "history", "user_id": "alice", "when": "cancelled"})["data"]
    assert [b["booking_id"] for b in history["bookings"]] == [booked["booking_id"]]


def test_the_close_event_lists_its_closure_and_the_reopen_event_removes_the_one_it_is_given(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    made = handlers["BookingFunction"](events.load("booking_close.json"))["data"]
    closure_id = made["closure"]["closure_id"]
    listed = handlers["BookingFunction"](events.load("booking_closures.json"))["data"]
    assert [c["closure_id"] for c in listed["closures"]] == [closure_id]
    day = events.load("booking_close.json")["start"][:10]
    sheet = handlers["BookingFunction"]({**events.load("booking_day_sheet.json"), "date": day})["data"]
    assert [c["closure_id"] for c in sheet["closures"]] == [closure_id]
    refused = handlers["BookingFunction"]({"slot_id": f"{day}T15:00|Court B", "user_id": "alice"})
    assert refused["error"]["code"] == "CLOSED"
    reopened = handlers["BookingFunction"]({**events.load("booking_reopen.json"), "closure_id": closure_id})["data"]
    assert reopened["closure_id"] == closure_id
    assert handlers["BookingFunction"](events.load("booking_closures.json"))["data"]["closures"] == []
    assert handlers["BookingFunction"]({"slot_id": f"{day}T15:00|Court B", "user_id": "alice"})["success"] is True
    audits = audit_lines(caplog)
    assert [(a["action"], a["closure_id"], a["outcome"]) for a in audits] == [
        ("close", closure_id, "done"),
        ("reopen", closure_id, "done"),
    ]
    assert (audits[0]["court"], audits[0]["reason"], audits[0]["bookings"]) == ("Court B", "coaching", [])


def test_a_refused_admin_change_is_audited_with_its_refusal(
    handlers: dict[str, Handler], caplog: pytest.LogCaptureFixture
) -> None:
    handlers["BookingFunction"](events.load("booking_reopen.json"))
    (audit,) = audit_lines(caplog)
    assert (audit["admin"], audit["action"], audit["outcome"], audit["bookings"]) == (
        "staff",
        "reopen",
        "NOT_FOUND",
        [],
    )


@pytest.mark.parametrize(
    "name",
    [
        "intent_parser_empty_message.json",
        "booking_missing_user.json",
        "booking_move.json",
        "booking_admin_get.json",
        "booking_admin_cancel.json",
        "booking_reopen.json",
        "booking_waitlist_join.json",
        "booking_waitlist_leave.json",
        "booking_series_preview.json",
        "booking_series_cancel.json",
        "booking_series_get.json",
    ],
)
def test_refused_events_write_nothing(name: str, handlers: dict[str, Handler], dynamodb: Any, table_name: str) -> None:
    function, _ = EXPECTED[name]
    handlers[function](events.load(name))
    assert table_items(dynamodb, table_name) == []


def test_tomorrow_is_the_facilitys_tomorrow_near_midnight(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch
) -> None:
    """23:30 UTC on Friday is already Saturday 10:30 in Sydney: 'tomorrow' is Sunday there."""
    from tests.conftest import reset_caches

    monkeypatch.setenv("FACILITY_TIMEZONE", "Australia/Sydney")
    reset_caches()
    answer = handlers["IntentParserFunction"](
        {"message": "Book a court for tomorrow at 3pm", "now": "2026-11-27T23:30:00Z"}
    )
    assert (answer["data"]["date"], answer["data"]["time"]) == ("2026-11-29", "15:00")
    monkeypatch.setenv("FACILITY_TIMEZONE", "America/New_York")
    reset_caches()
    answer = handlers["IntentParserFunction"]({"message": "book today at 3pm", "now": "2026-11-28T03:30:00Z"})
    assert answer["data"]["date"] == "2026-11-27"  # still Friday evening in New York
