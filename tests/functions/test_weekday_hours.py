"""Opening hours per weekday (OPENING_HOURS) through the orchestrator wired to the real services.

Every answer that names hours names that day's: a Saturday's, a Sunday's, a Monday's, and a
Sunday the club is closed; REST and chat refuse alike, the page's configuration gives each
weekday's hours, and a bad value stops every function when it starts. Days are the next such
weekdays after today (tests/clock.py), inside the booking horizon. Last, without Lambda: the
orchestrator's rules on fixed days, and the intent parser's prompt naming each weekday's hours.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from courtbooking import config
from intent.prompt import build_messages
from local import events
from orchestration.rules import Problem, Rules
from tests import clock
from tests.conftest import booked_slots, reset_caches
from tests.functions.conftest import Handler
from tests.functions.test_ownership_api import call
from tests.functions.test_page import get

WEEK = "Mon-Fri 07:00-22:00; Sat-Sun 08:00-20:00"
SUNDAYS_CLOSED = "Mon-Sat 08:00-21:00; Sun closed"


def next_weekday(weekday: int) -> dt.date:
    """The first such day after today (0 is Monday): never today, whose hours may have passed."""
    return next(clock.day(n) for n in range(1, 8) if clock.day(n).weekday() == weekday)


SAT, SUN, MON = (next_weekday(d) for d in (5, 6, 0))


@pytest.fixture
def hours(monkeypatch: pytest.MonkeyPatch, table_name: str) -> Any:
    """Set OPENING_HOURS for every function, as a deployment with that parameter has it."""

    def set_hours(value: str) -> None:
        monkeypatch.setenv(config.OPENING_HOURS, value)
        reset_caches()

    return set_hours


def say(api: Handler, message: str, user: str = "alice", conversation: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if conversation:
        body["conversation_id"] = conversation
    status, answer, _ = call(api, "POST", "/chat", user, body)
    assert status == 200, answer
    return answer


def offered(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["date"], s["time"]) for s in answer["slots"]]


def test_a_saturday_before_its_opening_names_saturdays_hours_and_offers_its_first_start(
    orchestrator: Handler, hours: Any, dynamodb: Any, table_name: str
) -> None:
    hours(WEEK)
    answer = say(orchestrator, f"book a court on {SAT.isoformat()} at 7am")
    assert answer["status"] == "alternatives"
    assert "The courts are open 08:00-20:00 on Saturdays: the first start is 08:00." in answer["response"]
    assert offered(answer) == [(SAT.isoformat(), "08:00")]
    assert booked_slots(dynamodb, table_name) == []


def test_the_same_seven_oclock_is_booked_on_a_monday(orchestrator: Handler, hours: Any) -> None:
    hours(WEEK)
    answer = say(orchestrator, f"book a court on {MON.isoformat()} at 7am")
    assert answer["status"] == "booked", answer["response"]
    assert (answer["booking"]["date"], answer["booking"]["time"]) == (MON.isoformat(), "07:00")


def test_saturday_and_sunday_evenings_name_their_own_closing(orchestrator: Handler, hours: Any) -> None:
    hours(WEEK)
    for day, name in ((SAT, "Saturdays"), (SUN, "Sundays")):
        answer = say(orchestrator, f"book a court on {day.isoformat()} at 8pm")
        assert answer["status"] == "alternatives"
        assert f"The courts are open 08:00-20:00 on {name}: the latest start is 19:00." in answer["response"]
        assert offered(answer) == [(day.isoformat(), "19:00")]
    answer = say(orchestrator, f"book a court on {MON.isoformat()} at 9pm")
    assert (answer["status"], answer["booking"]["time"]) == ("booked", "21:00")


def test_two_hours_late_on_a_saturday_name_the_latest_start_for_that_length(orchestrator: Handler, hours: Any) -> None:
    hours(WEEK)
    answer = say(orchestrator, f"book a court on {SAT.isoformat()} at 7pm for 2 hours")
    assert "The courts are open 08:00-20:00 on Saturdays: the latest start for 2 hours is 18:00." in answer["response"]
    assert offered(answer) == [(SAT.isoformat(), "18:00")]


def test_availability_on_a_saturday_and_a_monday_follows_each_days_hours(orchestrator: Handler, hours: Any) -> None:
    hours(WEEK)
    status, saturday, _ = call(orchestrator, "GET", f"/availability?date={SAT}&court=Court A")
    assert status == 200
    assert [s["time"] for s in saturday["slots"]] == [f"{h:02d}:00" for h in range(8, 20)]
    _, monday, _ = call(orchestrator, "GET", f"/availability?date={MON}&court=Court A")
    assert [s["time"] for s in monday["slots"]] == [f"{h:02d}:00" for h in range(7, 22)]
    answer = say(orchestrator, f"what is free on {SAT.isoformat()} evening?")
    assert answer["status"] == "available"
    assert {s["time"] for s in answer["slots"]} == {"17:00", "18:00", "19:00"}  # Saturday closes at 20:00


def test_a_closed_sunday_is_said_plainly_in_chat_and_nothing_is_booked(
    orchestrator: Handler, hours: Any, dynamodb: Any, table_name: str
) -> None:
    hours(SUNDAYS_CLOSED)
    booking = say(orchestrator, f"book a court on {SUN.isoformat()} at 3pm")
    assert booking["status"] == "unavailable"
    assert "The club is closed on Sundays." in booking["response"]
    assert booking["slots"] == []
    check = say(orchestrator, f"what is free on {SUN.isoformat()}?")
    assert "The club is closed on Sundays." in check["response"]
    assert check["slots"] == []
    assert booked_slots(dynamodb, table_name) == []


def test_a_closed_sunday_through_rest_has_no_slots_and_refuses_a_booking(
    orchestrator: Handler, hours: Any, dynamodb: Any, table_name: str
) -> None:
    hours(SUNDAYS_CLOSED)
    status, free, _ = call(orchestrator, "GET", f"/availability?date={SUN}")
    assert status == 200
    assert (free["slots"], free["alternatives"], free["message"]) == ([], [], "The club is closed on Sundays.")
    status, refused, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": f"{SUN}T15:00|Court A"})
    assert status == 422
    assert refused["error"] == {"code": "SLOT_INVALID", "message": "The club is closed on Sundays."}
    assert booked_slots(dynamodb, table_name) == []


def test_moving_a_monday_morning_to_a_saturday_names_saturdays_hours_and_keeps_the_booking(
    orchestrator: Handler, hours: Any, dynamodb: Any, table_name: str
) -> None:
    hours(WEEK)
    booked = say(orchestrator, f"book a court on {MON.isoformat()} at 7am")
    assert booked["status"] == "booked"
    moved = say(orchestrator, f"move it to {SAT.isoformat()}", conversation=booked["conversation_id"])
    assert "The courts are open 08:00-20:00 on Saturdays: the first start is 08:00." in moved["response"]
    assert moved["status"] != "moved"
    items = booked_slots(dynamodb, table_name)
    assert [(i["date"]["S"], i["time"]["S"]) for i in items] == [(MON.isoformat(), "07:00")]


def test_the_page_configuration_gives_each_weekdays_hours(orchestrator: Handler, hours: Any) -> None:
    facility = json.loads(get(orchestrator, "/app/config.json")["body"])["facility"]
    assert facility["hours"] == {str(d): ["08:00", "21:00"] for d in range(1, 8)}  # OPENING_TIME-CLOSING_TIME

    hours(WEEK)
    facility = json.loads(get(orchestrator, "/app/config.json")["body"])["facility"]
    weekdays, weekend = ["07:00", "22:00"], ["08:00", "20:00"]
    assert facility["hours"] == {"1": weekdays, "2": weekdays, "3": weekdays, "4": weekdays, "5": weekdays} | {
        "6": weekend,
        "7": weekend,
    }
    assert (facility["opening_time"], facility["closing_time"]) == ("07:00", "22:00")  # the widest span

    hours(SUNDAYS_CLOSED)
    facility = json.loads(get(orchestrator, "/app/config.json")["body"])["facility"]
    assert facility["hours"]["7"] is None
    assert facility["hours"]["6"] == ["08:00", "21:00"]


@pytest.mark.parametrize(
    ("function", "event"),
    [
        ("AvailabilityFunction", "availability_intent.json"),
        ("BookingFunction", "booking_slot.json"),
        ("IntentParserFunction", "intent_parser_book.json"),
    ],
)
def test_a_bad_value_stops_each_function_naming_opening_hours(
    handlers: dict[str, Handler], hours: Any, function: str, event: str
) -> None:
    hours("Mon-Fri 07:00-22:00; Fri 08:00-20:00")
    with pytest.raises(config.ConfigurationError, match="OPENING_HOURS: Friday is named twice"):
        handlers[function](events.load(event))


# --- the orchestrator's rules and the parser's prompt, without Lambda ---------------------------------

FRIDAY_EVENING = dt.datetime(2026, 11, 27, 20, 30, tzinfo=dt.UTC)  # a Friday, 20:30 in London


def facility_with(monkeypatch: pytest.MonkeyPatch, value: str) -> config.Facility:
    monkeypatch.setenv(config.FACILITY_TIMEZONE, "Europe/London")
    monkeypatch.setenv(config.OPENING_HOURS, value)
    return config.Facility.from_env()


def test_a_time_passed_today_is_offered_on_the_next_day_that_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Rules(facility_with(monkeypatch, "Mon-Fri 08:00-21:00; Sat 09:00-13:00; Sun closed"))
    friday = dt.date(2026, 11, 27)
    passed = rules.time(friday, "20:00", 60, FRIDAY_EVENING)
    assert passed == Problem("20:00 today has already passed.", times=("20:00",), date=dt.date(2026, 11, 30))
    # not Saturday (it closes at 13:00), not Sunday (closed): Monday. 09:00 is on Saturday, the next day.
    assert rules.time(friday, "09:00", 60, FRIDAY_EVENING) == Problem(
        "09:00 today has already passed.", times=("09:00",), date=dt.date(2026, 11, 28)
    )


def test_the_rules_name_the_asked_days_hours_or_that_it_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Rules(facility_with(monkeypatch, "Mon-Fri 07:30-21:30; Sat 08:00-20:00; Sun closed"))
    saturday, sunday, monday = dt.date(2026, 11, 28), dt.date(2026, 11, 29), dt.date(2026, 11, 30)
    closed = Problem("The club is closed on Sundays.")
    assert rules.date(sunday, FRIDAY_EVENING) == closed
    assert rules.time(sunday, "10:00", 60, FRIDAY_EVENING) == closed
    assert rules.time(saturday, "20:00", 60, FRIDAY_EVENING) == Problem(
        "The courts are open 08:00-20:00 on Saturdays: the latest start is 19:00.", times=("19:00",)
    )
    assert rules.time(saturday, "18:00", 180, FRIDAY_EVENING) == Problem(
        "The courts are open 08:00-20:00 on Saturdays: the latest start for 3 hours is 17:00.", times=("17:00",)
    )
    assert rules.time(monday, "07:00", 60, FRIDAY_EVENING) == Problem(
        "The courts are open 07:30-21:30 on Mondays: the first start is 07:30.", times=("07:30",)
    )
    # Saturday's grid is on the hour, Monday's from 07:30
    assert rules.time(saturday, "08:00", 60, FRIDAY_EVENING) is None
    assert rules.time(monday, "08:00", 60, FRIDAY_EVENING) == Problem(
        "Slots start every 60 minutes, from 07:30 (07:30, 08:30, ...).", times=("07:30", "08:30")
    )


def test_a_time_said_without_a_day_is_checked_against_every_open_day(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Rules(facility_with(monkeypatch, "Mon-Fri 08:00-21:00; Sat 09:00-13:00; Sun closed"))
    assert rules.time_on_some_day("08:00", 60, FRIDAY_EVENING) is None  # not Saturday, but Monday has it
    assert rules.time_on_some_day("20:00", 60, FRIDAY_EVENING) is None
    week = "Monday to Friday 08:00-21:00; Saturday 09:00-13:00; closed on Sunday"
    assert rules.time_on_some_day("07:00", 60, FRIDAY_EVENING) == Problem(
        f"No day has a start at 07:00: the courts are open {week}."
    )
    assert rules.time_on_some_day("20:00", 120, FRIDAY_EVENING) == Problem(
        f"No day has a start at 20:00 for 2 hours: the courts are open {week}."
    )
    assert rules.time_on_some_day("09:30", 60, FRIDAY_EVENING) == Problem(  # the one rule every day breaks
        "Slots start every 60 minutes, on the hour.", times=("09:00", "10:00")
    )
    alike = Rules(facility_with(monkeypatch, "Mon-Sun 08:00-21:00"))
    assert alike.time_on_some_day("22:00", 60, FRIDAY_EVENING) == Problem(
        "The courts are open 08:00-21:00: the latest start is 20:00.", times=("20:00",)
    )


def test_the_prompt_gives_each_weekdays_hours_when_they_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    def hours_line(value: str) -> str:
        system = build_messages(facility_with(monkeypatch, value), FRIDAY_EVENING, "book Saturday at 9")[0]["content"]
        return next(line for line in system.splitlines() if line.startswith("- Opening hours:"))

    assert hours_line(WEEK) == (
        "- Opening hours: by weekday, Monday to Friday 07:00-22:00; Saturday and Sunday 08:00-20:00 "
        "(the last slot ends at that day's closing), slots of 60 minutes"
    )
    assert hours_line(SUNDAYS_CLOSED) == (
        "- Opening hours: by weekday, Monday to Saturday 08:00-21:00; closed on Sunday "
        "(the last slot ends at that day's closing), slots of 60 minutes"
    )
    assert hours_line("Mon-Sun 08:00-21:00") == (
        "- Opening hours: 08:00 to 21:00 (the last slot ends at closing), slots of 60 minutes"
    )
    assert hours_line("") == hours_line("Mon-Sun 08:00-21:00")  # unset: OPENING_TIME-CLOSING_TIME every day
