"""GET /bookings/{id}/calendar: a booking as an iCalendar invite, read back with icalendar's own parser.

Through the orchestrator's real handler and the real services: the owner gets the file, anyone else a 404
exactly like a missing booking's; a move and the cancel keep the UID and raise SEQUENCE, the cancel gives
METHOD:CANCEL. Then `orchestration.calendar` alone, on the days the clocks change in London.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from courtbooking.config import Facility
from courtbooking.models import Booking
from local.template import ROOT
from orchestration import calendar
from tests import clock
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler

MISSING = "00000000-0000-4000-8000-000000000000"


def call(api: Handler, method: str, path: str, user: str, body: Any = None) -> dict[str, Any]:
    headers = {"content-type": "application/json", "x-user-id": user}
    raw = json.dumps(body).encode() if body is not None else b""
    route, params = path, {}
    if path.startswith("/bookings/"):
        booking_id, _, rest = path.removeprefix("/bookings/").partition("/")
        route, params = "/bookings/{booking_id}" + (f"/{rest}" if rest else ""), {"booking_id": booking_id}
    return api(api_event(method, path, headers, raw, f"{method} {route}", params))  # type: ignore[no-any-return]


def book(api: Handler, user: str, slot_id: str) -> dict[str, Any]:
    answer = call(api, "POST", "/bookings", user, {"slot_id": slot_id})
    assert answer["statusCode"] == 201, answer
    return json.loads(answer["body"])  # type: ignore[no-any-return]


def invite(api: Handler, booking_id: str, user: str) -> icalendar.Calendar:
    """The booking's calendar file, its headers checked, parsed by icalendar."""
    answer = call(api, "GET", f"/bookings/{booking_id}/calendar", user)
    assert answer["statusCode"] == 200, answer
    headers = {k.lower(): v for k, v in answer["headers"].items()}
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["content-disposition"] == f'attachment; filename="court-booking-{booking_id}.ics"'
    assert headers["x-content-type-options"] == "nosniff"
    assert not answer.get("isBase64Encoded")
    assert answer["body"].startswith("BEGIN:VCALENDAR\r\n")
    return icalendar.Calendar.from_ical(answer["body"])


def the_event(cal: icalendar.Calendar) -> icalendar.Event:
    assert (str(cal["VERSION"]), str(cal["CALSCALE"])) == ("2.0", "GREGORIAN")
    assert "PRODID" in cal
    [event] = cal.walk("VEVENT")
    return event


def wall(days: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(clock.day(days), dt.time(hour), tzinfo=clock.zone())


def assert_in_the_facilitys_zone(cal: icalendar.Calendar, event: icalendar.Event) -> None:
    """Wall times with TZID = the facility's zone and its VTIMEZONE; in UTC, UTC times and the UTC VTIMEZONE."""
    start = event["DTSTART"]
    if clock.zone_name() == "UTC":
        assert start.to_ical().endswith(b"Z")
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["UTC"]
        return
    assert start.params["TZID"] == event["DTEND"].params["TZID"] == clock.zone_name()
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == [clock.zone_name()]


def test_the_owner_gets_the_booking_as_an_invite(orchestrator: Handler) -> None:
    booking = book(orchestrator, "alice", clock.slot_id("Court B", 15, 1))
    cal = invite(orchestrator, booking["booking_id"], "alice")
    event = the_event(cal)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == booking["booking_id"]
    assert event.decoded("SEQUENCE") == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("Tennis: Court B", "Court B")
    assert booking["booking_id"] in str(event["DESCRIPTION"])
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (wall(1, 15), wall(1, 16))
    assert_in_the_facilitys_zone(cal, event)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["ORGANIZER"]) == "mailto:no-reply@court-booking.invalid"  # RFC 5546 wants one
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -dt.timedelta(hours=1)
    assert str(alarm["DESCRIPTION"])


def test_anyone_elses_or_a_missing_booking_is_404_exactly_like_get(orchestrator: Handler) -> None:
    booking = book(orchestrator, "alice", clock.slot_id("Court A", 11, 1))
    answers = {
        (path, who): call(orchestrator, "GET", path.format(booking_id), who)
        for path in ("/bookings/{}", "/bookings/{}/calendar")
        for booking_id, who in ((booking["booking_id"], "mallory"), (MISSING, "alice"))
    }
    bodies = set()
    for answer in answers.values():
        assert answer["statusCode"] == 404, answer
        error = json.loads(answer["body"])["error"]
        assert error["code"] == "NOT_FOUND"
        bodies.add(error["message"].replace(booking["booking_id"], "ID").replace(MISSING, "ID"))
    assert len(bodies) == 1


def test_a_booking_id_that_cannot_be_one_is_400(orchestrator: Handler) -> None:
    answer = call(orchestrator, "GET", "/bookings/not_an_id!/calendar", "alice")
    assert answer["statusCode"] == 400, answer
    assert json.loads(answer["body"])["error"]["code"] == "INVALID_REQUEST"


def test_a_move_raises_the_sequence_and_the_invite_has_the_new_time(orchestrator: Handler) -> None:
    booking = book(orchestrator, "alice", clock.slot_id("Court A", 15, 1))
    moved = call(
        orchestrator,
        "PATCH",
        f"/bookings/{booking['booking_id']}",
        "alice",
        {"slot_id": clock.slot_id("Court C", 18, 2)},
    )
    assert moved["statusCode"] == 200, moved
    cal = invite(orchestrator, booking["booking_id"], "alice")
    event = the_event(cal)
    assert (str(cal["METHOD"]), str(event["UID"]), event.decoded("SEQUENCE")) == ("PUBLISH", booking["booking_id"], 1)
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (wall(2, 18), wall(2, 19))
    assert str(event["LOCATION"]) == "Court C"


def test_a_cancelled_booking_is_method_cancel_with_the_same_uid_and_a_higher_sequence(orchestrator: Handler) -> None:
    booking = book(orchestrator, "alice", clock.slot_id("Court A", 16, 1))
    first = the_event(invite(orchestrator, booking["booking_id"], "alice"))
    cancelled = call(orchestrator, "DELETE", f"/bookings/{booking['booking_id']}", "alice")
    assert (cancelled["statusCode"], json.loads(cancelled["body"])["status"]) == (200, "cancelled")

    cal = invite(orchestrator, booking["booking_id"], "alice")
    event = the_event(cal)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(first["UID"]) == booking["booking_id"]
    assert event.decoded("SEQUENCE") > first.decoded("SEQUENCE")
    assert event.decoded("DTSTART") == first.decoded("DTSTART") == wall(1, 16)

    again = call(orchestrator, "DELETE", f"/bookings/{booking['booking_id']}", "alice")  # nothing more to do
    assert (again["statusCode"], json.loads(again["body"])["status"]) == (200, "cancelled")
    assert "already cancelled" in json.loads(again["body"])["message"]
    assert the_event(invite(orchestrator, booking["booking_id"], "alice")).decoded("SEQUENCE") == event.decoded(
        "SEQUENCE"
    )
    assert call(orchestrator, "GET", f"/bookings/{booking['booking_id']}/calendar", "mallory")["statusCode"] == 404


def test_a_cancelled_booking_cannot_be_moved_over_http_or_direct(
    orchestrator: Handler, handlers: dict[str, Handler]
) -> None:
    booking = book(orchestrator, "alice", clock.slot_id("Court A", 12, 1))
    call(orchestrator, "DELETE", f"/bookings/{booking['booking_id']}", "alice")
    patch = {"slot_id": clock.slot_id("Court B", 13, 1)}
    answer = call(orchestrator, "PATCH", f"/bookings/{booking['booking_id']}", "alice", patch)
    assert answer["statusCode"] == 409, answer
    error = json.loads(answer["body"])["error"]
    assert error["code"] == "CANCELLED"
    assert error["message"].startswith(f"Booking {booking['booking_id']} was cancelled on ")
    assert error["message"].endswith("; book a new slot instead.")

    direct = handlers["BookingFunction"](
        {"operation": "move", "user_id": "alice", "booking_id": booking["booking_id"], **patch}
    )
    assert direct == {"success": False, "error": error}


def test_the_booking_functions_get_and_cancel_answer_the_record(handlers: dict[str, Handler]) -> None:
    booked = handlers["BookingFunction"]({"slot_id": clock.slot_id("Court C", 10, 1), "user_id": "alice"})["data"]
    assert (booked["status"], booked["sequence"], booked["cancelled_at"]) == ("confirmed", 0, None)
    by_id = {"user_id": "alice", "booking_id": booked["booking_id"]}
    cancelled = handlers["BookingFunction"]({"operation": "cancel", **by_id})
    assert cancelled["success"] is True
    data = cancelled["data"]
    assert (data["booking_id"], data["status"], data["sequence"]) == (booked["booking_id"], "cancelled", 1)
    assert dt.datetime.fromisoformat(data["cancelled_at"]).utcoffset() == dt.timedelta(0)
    got = handlers["BookingFunction"]({"operation": "get", **by_id})["data"]
    assert {k: got[k] for k in ("status", "sequence", "cancelled_at")} == {
        k: data[k] for k in ("status", "sequence", "cancelled_at")
    }
    again = handlers["BookingFunction"]({"operation": "cancel", **by_id})["data"]
    assert (again["status"], again["sequence"], again["cancelled_at"]) == ("cancelled", 1, data["cancelled_at"])
    stranger = handlers["BookingFunction"](
        {"operation": "get", "user_id": "mallory", "booking_id": booked["booking_id"]}
    )
    assert stranger["error"]["code"] == "NOT_FOUND"


def test_the_other_routes_never_import_icalendar() -> None:
    """A cold start of the orchestrator (every route imported) leaves icalendar unloaded: only invite() loads it."""
    code = textwrap.dedent(
        """
        import sys
        import orchestrator_function
        from orchestration.routes import bookings
        assert "icalendar" not in sys.modules, "the orchestrator imported icalendar at start-up"
        print("ok")
        """
    )
    paths = [ROOT / "layers" / "shared", ROOT / "functions" / "orchestrator"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


# --- orchestration.calendar alone: fixed dates, since nothing here depends on today ---------------


def a_facility(zone: str) -> Facility:
    return Facility(
        timezone=ZoneInfo(zone),
        courts=("Court A",),
        opening=dt.time(8),
        closing=dt.time(21),
        slot_minutes=60,
        horizon_days=14,
    )


LONDON = a_facility("Europe/London")
STAMP = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def a_booking(date: dt.date, time: str = "09:00", **fields: Any) -> Booking:
    return Booking(
        booking_id="b-1", court="Court A", date=date, time=time, duration_minutes=60, user_id="ann", **fields
    )


@pytest.mark.parametrize(
    ("date", "utc_start"),
    [
        (dt.date(2027, 3, 28), dt.datetime(2027, 3, 28, 8, 0, tzinfo=dt.UTC)),  # 09:00 BST: the clocks went forward
        (dt.date(2027, 10, 31), dt.datetime(2027, 10, 31, 9, 0, tzinfo=dt.UTC)),  # 09:00 GMT: they went back
    ],
)
def test_on_the_days_the_clocks_change_the_start_is_the_right_instant(date: dt.date, utc_start: dt.datetime) -> None:
    cal = icalendar.Calendar.from_ical(calendar.invite(a_booking(date), LONDON, STAMP))
    event = the_event(cal)
    assert event["DTSTART"].to_ical() == f"{date:%Y%m%d}T090000".encode()
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART").astimezone(dt.UTC) == utc_start
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=1)

    [vtimezone] = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/London"
    kinds = {component.name for component in vtimezone.subcomponents}
    assert {"STANDARD", "DAYLIGHT"} <= kinds
    # The file's own VTIMEZONE (not the reader's tz database) puts 09:00 at the same instant.
    own = vtimezone.to_tz()
    assert dt.datetime.combine(date, dt.time(9), tzinfo=own).astimezone(dt.UTC) == utc_start


def test_a_facility_in_utc_gets_utc_times_and_its_vtimezone() -> None:
    utc = a_facility("UTC")
    cal = icalendar.Calendar.from_ical(calendar.invite(a_booking(dt.date(2027, 6, 1)), utc, STAMP))
    event = the_event(cal)
    assert event["DTSTART"].to_ical() == b"20270601T090000Z"
    assert event.decoded("DTSTART") == dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC)
    [vtimezone] = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "UTC"
    [standard] = vtimezone.walk("STANDARD")
    assert standard.decoded("TZOFFSETTO") == dt.timedelta(0)


def test_a_cancelled_booking_is_a_cancel_of_the_same_event() -> None:
    confirmed = calendar.invite(a_booking(dt.date(2027, 6, 1), sequence=1), LONDON, STAMP)
    cancelled = calendar.invite(
        a_booking(dt.date(2027, 6, 1), status="cancelled", sequence=2, cancelled_at=STAMP), LONDON, STAMP
    )
    before, after = (icalendar.Calendar.from_ical(raw) for raw in (confirmed, cancelled))
    assert (str(before["METHOD"]), str(after["METHOD"])) == ("PUBLISH", "CANCEL")
    assert str(the_event(before)["UID"]) == str(the_event(after)["UID"]) == "b-1"
    assert (the_event(before).decoded("SEQUENCE"), the_event(after).decoded("SEQUENCE")) == (1, 2)
    assert str(the_event(after)["STATUS"]) == "CANCELLED"
    assert calendar.filename("b-1") == "court-booking-b-1.ics"


def test_the_organizer_is_the_clubs_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVITE_ORGANIZER_EMAIL", "desk@club.example")
    cal = icalendar.Calendar.from_ical(calendar.invite(a_booking(dt.date(2027, 6, 1)), LONDON, STAMP))
    organizer = the_event(cal)["ORGANIZER"]
    assert (str(organizer), str(organizer.params["CN"])) == ("mailto:desk@club.example", "Court booking")
