"""/series over the HTTP API: preview every date, book the free ones or all or none, see the series, skip a date,
cancel the rest; and the BOLA matrix for series (REST and direct invokes): someone else's reads as a missing one.

Dates come from the tests' clock: the series falls on the weekday of the day after tomorrow, for two weeks, so
both dates are inside the default 14-day horizon whatever day it runs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from local import events
from tests import clock
from tests.conftest import table_items
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler

MISSING = "00000000-0000-4000-8000-000000000000"
FIRST, SECOND = clock.day(2), clock.day(9)


def route_of(path: str) -> tuple[str, dict[str, str]]:
    parts = path.strip("/").split("/")
    if parts[0] == "series" and len(parts) == 2 and parts[1] != "preview":
        return "/series/{series_id}", {"series_id": parts[1]}
    if parts[0] == "series" and len(parts) == 4:
        return "/series/{series_id}/dates/{date}", {"series_id": parts[1], "date": parts[3]}
    if parts[0] == "bookings" and len(parts) == 2:
        return "/bookings/{booking_id}", {"booking_id": parts[1]}
    return path, {}


def call(api: Handler, method: str, path: str, user: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json", "x-user-id": user}
    raw = json.dumps(body).encode() if body is not None else b""
    route, params = route_of(path)
    answer = api(api_event(method, path, headers, raw, f"{method} {route}", params))
    return answer["statusCode"], json.loads(answer["body"])


def tuesdays(**extra: Any) -> dict[str, Any]:
    """Every <the weekday of FIRST> at 19:00 on Court A, from tomorrow, for two weeks: FIRST and SECOND."""
    spec = {"weekdays": [FIRST.isoweekday()], "time": "19:00", "court": "Court A", "weeks": 2}
    return spec | {"first": clock.tomorrow().isoformat()} | extra


def take_second(api: Handler) -> None:
    status, _ = call(api, "POST", "/bookings", "bob", {"slot_id": f"{SECOND}T19:00|Court A"})
    assert status == 201


def test_preview_book_see_skip_and_cancel_a_series(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    take_second(orchestrator)
    before = table_items(dynamodb, table_name)
    status, preview = call(orchestrator, "POST", "/series/preview", "alice", tuesdays())
    assert status == 200, preview
    assert [(o["date"], o["status"]) for o in preview["occurrences"]] == [
        (FIRST.isoformat(), "free"),
        (SECOND.isoformat(), "taken"),
    ]
    assert preview["series_id"] is None
    assert table_items(dynamodb, table_name) == before  # nothing written

    status, report = call(orchestrator, "POST", "/series", "alice", tuesdays())
    assert status == 201, report
    assert [(o["date"], o["status"]) for o in report["occurrences"]] == [
        (FIRST.isoformat(), "booked"),
        (SECOND.isoformat(), "taken"),
    ]
    assert report["message"].startswith("Booked 1 of 2 dates every ")
    series_id = report["series_id"]
    _, bookings = call(orchestrator, "GET", "/bookings", "alice")
    assert [(b["date"], b["time"]) for b in bookings["bookings"]] == [(FIRST.isoformat(), "19:00")]

    status, listed = call(orchestrator, "GET", "/series", "alice")
    assert (status, [s["series_id"] for s in listed["series"]]) == (200, [series_id])
    status, shown = call(orchestrator, "GET", f"/series/{series_id}", "alice")
    assert (status, [o["status"] for o in shown["occurrences"]]) == (200, ["booked", "taken"])

    status, skipped = call(orchestrator, "DELETE", f"/series/{series_id}/dates/{FIRST}", "alice")
    assert (status, [o["status"] for o in skipped["occurrences"]]) == (200, ["cancelled", "taken"])
    _, bookings = call(orchestrator, "GET", "/bookings", "alice")
    assert bookings["bookings"] == []
    status, gone = call(orchestrator, "DELETE", f"/series/{series_id}/dates/{FIRST}", "alice")
    assert (status, gone["error"]["code"]) == (404, "NOT_FOUND")
    status, cancelled = call(orchestrator, "DELETE", f"/series/{series_id}", "alice")
    assert (status, cancelled["cancelled_at"] is not None) == (200, True)


def test_all_or_none_with_a_date_taken_is_409_and_writes_nothing(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    take_second(orchestrator)
    before = table_items(dynamodb, table_name)
    status, refused = call(orchestrator, "POST", "/series", "alice", tuesdays(all_or_none=True))
    assert (status, refused["error"]["code"]) == (409, "SLOT_TAKEN")
    assert refused["error"]["message"].startswith("All or none: nothing was booked, because not every date")
    assert SECOND.strftime("%A") in refused["error"]["message"]
    assert table_items(dynamodb, table_name) == before
    status, report = call(orchestrator, "POST", "/series", "alice", tuesdays(all_or_none=True, court="Court B"))
    assert (status, [o["status"] for o in report["occurrences"]], report["all_or_none"]) == (
        201,
        ["booked", "booked"],
        True,
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"weekdays": [2], "time": "19:00"}, "exactly one"),
        ({"weekdays": [2], "time": "19:00", "weeks": 2, "until": "2030-01-01"}, "exactly one"),
        ({"weekdays": [8], "time": "19:00", "weeks": 2}, "weekdays"),
        ({"weekdays": [2], "time": "19:00", "weeks": 27}, "weeks"),
        ({"weekdays": [2], "time": "19:00", "weeks": 2, "court": "Court Z"}, "Court Z"),
        ({"weekdays": [2], "time": "19:00", "weeks": 2, "first": "2020-01-07"}, "begins today"),
    ],
)
def test_a_bad_series_is_400_naming_the_rule_and_writes_nothing(
    orchestrator: Handler, dynamodb: Any, table_name: str, body: dict[str, Any], said: str
) -> None:
    for path in ("/series/preview", "/series"):
        status, refused = call(orchestrator, "POST", path, "alice", body)
        assert (status, refused["error"]["code"]) == (400, "INVALID_REQUEST"), refused
        assert said in refused["error"]["message"]
    assert table_items(dynamodb, table_name) == []


def test_someone_elses_series_is_404_over_rest_and_not_found_on_direct_invoke(
    orchestrator: Handler, handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    _, report = call(orchestrator, "POST", "/series", "alice", tuesdays())
    series_id = report["series_id"]
    before = table_items(dynamodb, table_name)
    for method, path in (
        ("GET", f"/series/{series_id}"),
        ("DELETE", f"/series/{series_id}"),
        ("DELETE", f"/series/{series_id}/dates/{FIRST}"),
    ):
        status, hidden = call(orchestrator, method, path, "mallory")
        _, missing = call(orchestrator, method, path.replace(series_id, MISSING), "mallory")
        assert (status, hidden["error"]["code"]) == (404, "NOT_FOUND"), (method, path)
        assert hidden["error"]["message"] == missing["error"]["message"].replace(MISSING, series_id)
    assert call(orchestrator, "GET", "/series", "mallory")[1]["series"] == []
    booking = handlers["BookingFunction"]
    for operation in ("series_get", "series_cancel"):
        answer = booking({"operation": operation, "user_id": "mallory", "series_id": series_id})
        assert (answer["success"], answer["error"]["code"]) == (False, "NOT_FOUND")
    assert table_items(dynamodb, table_name) == before
    _, mine = call(orchestrator, "GET", f"/series/{series_id}", "alice")
    assert [o["status"] for o in mine["occurrences"]] == ["booked", "booked"]


def test_the_series_event_files_preview_book_list_and_cancel(handlers: dict[str, Handler]) -> None:
    booking = handlers["BookingFunction"]
    preview = booking(events.load("booking_series_preview.json"))
    assert [o["status"] for o in preview["data"]["occurrences"]] == ["free", "free"], preview
    booked = booking(events.load("booking_series_book.json"))["data"]
    assert [o["status"] for o in booked["occurrences"]] == ["booked", "booked"]
    again = booking(events.load("booking_series_book.json"))["data"]  # the same idempotency key: the same answer
    assert again["series_id"] == booked["series_id"]
    listed = booking(events.load("booking_series_list.json"))["data"]["series"]
    assert [s["series_id"] for s in listed] == [booked["series_id"]]
    cancelled = booking({**events.load("booking_series_cancel.json"), "series_id": booked["series_id"]})["data"]
    assert [o["status"] for o in cancelled["occurrences"]] == ["cancelled", "cancelled"]
