"""Every refusal says which rule applied and offers the nearest thing allowed; nothing is changed silently.

One test per row of the table in issue 11 (docs/conversation.md), through POST /chat
on the orchestrator wired to the real services, the offline parser, moto.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests import clock
from tests.conftest import booked_slots, reset_caches, table_items
from tests.functions.conftest import Handler
from tests.functions.test_orchestrator import chat


def say(orchestrator: Handler, message: str, user: str = "alice", conversation: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if conversation:
        body["conversation_id"] = conversation
    status, answer = chat(orchestrator, body, user=user)
    assert status == 200, answer
    return answer


def test_outside_opening_hours_names_the_hours_and_offers_the_last_start(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    answer = say(orchestrator, "book tomorrow at 10pm")
    assert answer["status"] == "alternatives"
    assert "open 08:00-21:00" in answer["response"]
    assert [(s["date"], s["time"]) for s in answer["slots"]] == [(clock.tomorrow().isoformat(), "20:00")]
    assert booked_slots(dynamodb, table_name) == []


def test_off_the_grid_says_slots_start_on_the_hour_and_offers_the_two_nearest(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    answer = say(orchestrator, "book tomorrow at 9:30")
    assert "Slots start every 60 minutes, on the hour" in answer["response"]
    assert [s["time"] for s in answer["slots"]] == ["09:00", "10:00"]
    assert answer["response"].index("09:00") < answer["response"].index("10:00")  # named in list order
    assert booked_slots(dynamodb, table_name) == []


def test_a_court_that_does_not_exist_is_named_with_the_courts_and_nothing_is_booked(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    answer = say(orchestrator, "book court D tomorrow at 10am")
    assert answer["status"] == "needs_input"
    assert "There is no Court D" in answer["response"]
    assert "Court A, Court B, Court C" in answer["response"]
    assert booked_slots(dynamodb, table_name) == []


def test_a_time_today_that_has_passed_says_so_and_offers_the_same_time_tomorrow(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    zone = clock.zone_where_the_hour_is(13, 20)  # 10:00 has passed there today, later slots have not
    monkeypatch.setenv("FACILITY_TIMEZONE", zone)
    reset_caches()
    answer = say(orchestrator, "book a court today at 10am")
    assert "10:00 today has already passed" in answer["response"]
    tomorrow = (clock.now().astimezone(ZoneInfo(zone)).date() + dt.timedelta(days=1)).isoformat()
    assert [(s["date"], s["time"]) for s in answer["slots"]] == [(tomorrow, "10:00")]
    assert booked_slots(dynamodb, table_name) == []


def test_beyond_the_horizon_says_how_far_ahead_one_can_book(orchestrator: Handler) -> None:
    far = clock.day(20)
    answer = say(orchestrator, f"book a court on {far.isoformat()} at 3pm")
    assert answer["status"] == "unavailable"
    assert "up to 14 days ahead" in answer["response"]


def test_the_limit_names_it_lists_the_bookings_and_offers_to_cancel_one(orchestrator: Handler) -> None:
    for days in (1, 2, 3):
        assert say(orchestrator, f"book a court on {clock.day(days).isoformat()} at 3pm")["status"] == "booked"
    answer = say(orchestrator, f"book a court on {clock.day(4).isoformat()} at 3pm")
    assert answer["status"] == "unavailable"
    assert "3 upcoming bookings, the most allowed" in answer["response"]
    assert "cancel" in answer["response"]
    assert [b["date"] for b in answer["bookings"]] == [clock.day(d).isoformat() for d in (1, 2, 3)]


def test_a_length_that_is_not_whole_slots_is_never_changed_silently(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    answer = say(orchestrator, "book tomorrow at 3pm for 90 minutes")
    assert answer["status"] == "needs_input"
    assert answer["response"].startswith("90 minutes isn't possible: slots are 60 minutes. Book 2 hours, 15:00-17:00")
    assert booked_slots(dynamodb, table_name) == []
    taken = say(orchestrator, "yes", conversation=answer["conversation_id"])
    assert taken["status"] == "booked"
    assert (taken["booking"]["time"], taken["booking"]["duration_minutes"]) == ("15:00", 120)


def test_a_length_over_the_maximum_says_the_maximum(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    answer = say(orchestrator, "book tomorrow at 3pm for 4 hours")
    assert "at most 3 hours" in answer["response"]
    assert "Book 3 hours, 15:00-18:00" in answer["response"]
    assert booked_slots(dynamodb, table_name) == []


def test_an_impossible_date_says_so(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    answer = say(orchestrator, "book a court on 30 February at 3pm")
    assert answer["status"] == "needs_input"
    assert "There is no 30 February" in answer["response"]
    assert booked_slots(dynamodb, table_name) == []


def test_a_full_time_offers_the_same_time_on_the_nearest_days_and_other_times_that_day(
    orchestrator: Handler,
) -> None:
    for user in ("ann", "ben", "cat"):
        assert say(orchestrator, "book a court tomorrow at 3pm", user=user)["status"] == "booked"
    answer = say(orchestrator, "what's free tomorrow at 3pm?")
    assert answer["status"] == "alternatives"
    slots = [(s["date"], s["time"]) for s in answer["slots"]]
    assert (clock.tomorrow().isoformat(), "14:00") in slots  # another time that day
    assert (clock.day(2).isoformat(), "15:00") in slots  # the same time, the next day
    assert "All three courts are taken at 15:00" in answer["response"]


def test_not_understood_says_what_was_understood_and_what_is_missing(orchestrator: Handler) -> None:
    answer = say(orchestrator, "court B please")
    assert answer["status"] == "needs_input"
    assert "I understood Court B" in answer["response"]
    assert "not a day" in answer["response"]
    nothing = say(orchestrator, "purple elephants")
    assert nothing["status"] == "needs_input"
    assert "did not understand" in nothing["response"]


def test_no_refusal_writes_anything(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    for message in ("book tomorrow at 10pm", "book tomorrow at 9:30", "book court D tomorrow at 10am"):
        say(orchestrator, message)
    assert [i for i in table_items(dynamodb, table_name) if not i["pk"]["S"].startswith("USER#")] == []
