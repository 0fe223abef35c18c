"""Series in plain words through POST /chat (the offline parser, the real services): every date is shown before
anything is booked, "book them" books the free ones, "book them all or none" all or nothing, and the series is
skipped a date at a time or cancelled as a unit.

Dates come from the tests' clock: the series falls on the weekday two days from today, so its first two dates
(in 2 and 9 days) are inside the default 14-day horizon whatever day it runs, and the next are beyond it.
"""

from __future__ import annotations

from typing import Any

from tests import clock
from tests.conftest import booked_slots
from tests.functions.conftest import Handler
from tests.functions.test_explanations import say

FIRST, SECOND = clock.day(2), clock.day(9)
WEEKDAY = f"{FIRST:%A}"


def named(date: Any) -> str:
    return f"{date:%A} {date.day} {date:%B}"


def test_show_every_date_then_all_or_none_is_refused_then_book_them_then_skip_then_cancel(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    taken = say(orchestrator, "book court A in 9 days at 7pm", user="ann")
    assert taken["status"] == "booked", taken
    shown = say(orchestrator, f"every {WEEKDAY} at 7pm on court A for 2 weeks", user="bob")
    assert shown["status"] == "series_preview", shown
    assert [(o["date"], o["status"]) for o in shown["series"]["occurrences"]] == [
        (FIRST.isoformat(), "free"),
        (SECOND.isoformat(), "taken"),
    ]
    assert f"- {named(FIRST)}: free on Court A" in shown["response"]
    assert f"- {named(SECOND)}: taken; nearest free 18:00 or 20:00, or join its waitlist" in shown["response"]
    assert shown["response"].endswith('Say "book them" to book it.')
    # nothing of bob's is booked by being shown
    assert [s["user_id"]["S"] for s in booked_slots(dynamodb, table_name)] == ["ann"]

    conversation = shown["conversation_id"]
    refused = say(orchestrator, "book them all or none", user="bob", conversation=conversation)
    assert refused["status"] == "unavailable"
    assert refused["response"].startswith("All or none: nothing was booked, because not every date can be booked")
    assert refused["response"].endswith('Say "book them" to book the free dates instead.')
    assert all(s["user_id"]["S"] == "ann" for s in booked_slots(dynamodb, table_name))

    report = say(orchestrator, "book them", user="bob", conversation=conversation)
    assert report["status"] == "series_booked", report
    assert report["response"].startswith(f"Booked 1 of 2 dates every {WEEKDAY} at 19:00 ")
    assert f"- {named(FIRST)}: booked on Court A" in report["response"]
    listed = say(orchestrator, "what have I booked?", user="bob")
    assert [(b["date"], b["time"], b["court"]) for b in listed["bookings"]] == [(FIRST.isoformat(), "19:00", "Court A")]

    skipped = say(orchestrator, f"skip {FIRST.day} {FIRST:%B}", user="bob")
    assert skipped["status"] == "series_cancelled", skipped
    assert skipped["response"].startswith(f"Skipped {named(FIRST)}; the rest of the series stands.")
    assert say(orchestrator, "what have I booked?", user="bob")["bookings"] == []
    nothing_left = say(orchestrator, f"cancel my {WEEKDAY} series", user="bob")
    assert (nothing_left["status"], nothing_left["response"]) == (
        "needs_input",
        f"You have no series on {WEEKDAY}s with dates still to come.",
    )


def test_cancel_my_series_cancels_the_dates_to_come(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    shown = say(orchestrator, f"every {WEEKDAY} at 6pm for 2 weeks", user="bob")
    booked = say(orchestrator, "yes", user="bob", conversation=shown["conversation_id"])
    assert [o["status"] for o in booked["series"]["occurrences"]] == ["booked", "booked"], booked
    assert len([s for s in booked_slots(dynamodb, table_name) if s["user_id"]["S"] == "bob"]) == 2
    cancelled = say(orchestrator, f"cancel my {WEEKDAY} series", user="bob")
    assert cancelled["status"] == "series_cancelled", cancelled
    assert [o["status"] for o in cancelled["series"]["occurrences"]] == ["cancelled", "cancelled"]
    assert "(cancelled)" in cancelled["response"]
    assert [s for s in booked_slots(dynamodb, table_name) if s["user_id"]["S"] == "bob"] == []


def test_same_time_every_week_takes_the_booking_under_discussion_and_says_what_is_not_bookable_yet(
    orchestrator: Handler,
) -> None:
    first = say(orchestrator, "book court B in 2 days at 5pm", user="cy")
    assert first["status"] == "booked", first
    shown = say(orchestrator, "same time every week for a month", user="cy", conversation=first["conversation_id"])
    assert shown["status"] == "series_preview", shown
    series = shown["series"]
    assert (series["weekdays"], series["time"], series["court"]) == ([FIRST.isoweekday()], "17:00", "Court B")
    assert [o["status"] for o in series["occurrences"]] == [
        "already_booked",
        "free",
        "beyond_horizon",
        "beyond_horizon",
    ]
    assert "Courts can be booked up to 14 days ahead" in shown["response"]


def test_a_part_of_the_day_is_shown_at_its_first_start_free_on_every_date(orchestrator: Handler) -> None:
    shown = say(orchestrator, "every weekday morning next week", user="dee")
    assert shown["status"] == "series_preview", shown
    series = shown["series"]
    assert (series["weekdays"], series["time"]) == ([1, 2, 3, 4, 5], "08:00")
    assert [o["date"] for o in series["occurrences"]] == sorted(o["date"] for o in series["occurrences"])
    assert {o["status"] for o in series["occurrences"]} == {"free"}
    assert len(series["occurrences"]) == 5


def test_without_an_end_a_series_is_four_weeks_and_the_answer_says_how_to_change_it(orchestrator: Handler) -> None:
    shown = say(orchestrator, f"every {WEEKDAY} at 7pm", user="eve")
    assert shown["status"] == "series_preview", shown
    assert len(shown["series"]["occurrences"]) == 4
    assert 'That is 4 weeks; say "for 8 weeks" or "until Christmas" for another end.' in shown["response"]
    longer = say(orchestrator, "for 3 weeks", user="eve", conversation=shown["conversation_id"])
    assert longer["status"] == "series_preview", longer
    assert (longer["series"]["weekdays"], longer["series"]["time"], len(longer["series"]["occurrences"])) == (
        [FIRST.isoweekday()],
        "19:00",
        3,
    )


def test_book_them_with_nothing_shown_books_nothing(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    said = say(orchestrator, "book them", user="fay")
    assert said["status"] != "series_booked"
    assert booked_slots(dynamodb, table_name) == []
