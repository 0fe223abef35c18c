"""Waitlists in plain words through POST /chat (the offline parser, the real services): a taken start
offers the waitlist, "waitlist me" joins it, a freed court is the waiting person's by itself, and their
next answer says so."""

from __future__ import annotations

from typing import Any

from tests import clock
from tests.conftest import booked_slots
from tests.functions.conftest import Handler
from tests.functions.test_explanations import say
from tests.functions.test_ownership_api import call


def day() -> str:
    tomorrow = clock.tomorrow()
    return f"{tomorrow:%A} {tomorrow.day} {tomorrow:%B}"


def test_taken_then_waitlist_me_then_the_court_is_freed_and_the_next_answer_says_so(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    held = {u: say(orchestrator, "book a court tomorrow at 6pm", user=u)["booking"] for u in ("ann", "ben", "cat")}
    offered = say(orchestrator, "book a court tomorrow at 6pm", user="bob")
    assert offered["status"] == "alternatives"
    assert offered["response"].endswith('Or say "waitlist me" to get it by itself if it is freed.')

    joined = say(orchestrator, "waitlist me", user="bob", conversation=offered["conversation_id"])
    assert joined["status"] == "waitlisted"
    assert joined["response"] == (
        f"You are on the waitlist for any court on {day()} at 18:00 (first in line). "
        "If it is freed, it is booked for you by itself."
    )
    listed = say(orchestrator, "what have I booked?", user="bob")
    assert listed["response"] == (
        f"You have no upcoming bookings. Your waitlists: any court on {day()} at 18:00 (waiting)."
    )
    assert [(e["status"], e["time"]) for e in listed["waitlist"]] == [("waiting", "18:00")]
    named = say(orchestrator, "put me on the waitlist for court B tomorrow at 6pm", user="dan")
    assert (named["status"], "1 person ahead of you" in named["response"]) == ("waitlisted", True)

    assert call(orchestrator, "DELETE", f"/bookings/{held['ben']['booking_id']}", "ben")[0] == 200
    holders = {
        s["court"]["S"]: s["user_id"]["S"] for s in booked_slots(dynamodb, table_name) if s["time"]["S"] == "18:00"
    }
    assert holders == {"Court A": "ann", "Court B": "bob", "Court C": "cat"}

    told = say(orchestrator, "what have I booked?", user="bob")
    assert told["response"].startswith(
        f"Good news: your waitlist for {clock.tomorrow():%A} 18:00 came through: Court B"
    )
    assert [b["court"] for b in told["bookings"]] == ["Court B"]
    assert told["response"].endswith(f"Your waitlists: any court on {day()} at 18:00 (came through: Court B is yours).")
    assert [n["kind"] for n in told["notices"]] == ["waitlist_claimed"]
    assert say(orchestrator, "what have I booked?", user="bob")["notices"] == []  # told once


def test_a_free_start_is_booked_not_waited_for_and_leaving_is_not_joining(orchestrator: Handler) -> None:
    free = say(orchestrator, "put me on the waitlist for tomorrow at 9am", user="bob")
    assert free["status"] == "unavailable"
    assert free["response"].startswith(f"Court A is free at 09:00 on {day()}: book it")
    vague = say(orchestrator, "waitlist me", user="bob")
    assert (vague["status"], vague["response"]) == (
        "needs_input",
        "Which day and time should I put you on the waitlist for?",
    )
    leaving = say(orchestrator, "take me off the waitlist", user="bob")
    assert leaving["status"] != "waitlisted"


def test_a_deadline_said_in_chat_ends_the_waiting(orchestrator: Handler) -> None:
    say(orchestrator, "book court A in 2 days at 6pm", user="ann")
    in_two = clock.day(2)
    joined = say(orchestrator, "put me on the waitlist for court A in 2 days at 6pm until tomorrow noon", user="bob")
    assert joined["status"] == "waitlisted", joined
    tomorrow = clock.tomorrow()
    assert f"until {tomorrow:%A} {tomorrow.day} {tomorrow:%B} at 12:00" in joined["response"]
    [entry] = call(orchestrator, "GET", "/waitlist", "bob")[1]["entries"]
    assert (entry["date"], entry["time"], entry["status"]) == (in_two.isoformat(), "18:00", "waiting")


def test_waitlist_me_keeps_the_court_under_discussion(orchestrator: Handler) -> None:
    say(orchestrator, "book court B tomorrow at 6pm", user="ann")
    taken = say(orchestrator, "book court B tomorrow at 6pm", user="bob")
    assert taken["status"] == "alternatives", taken
    joined = say(orchestrator, "waitlist me", user="bob", conversation=taken["conversation_id"])
    assert joined["status"] == "waitlisted", joined
    [entry] = call(orchestrator, "GET", "/waitlist", "bob")[1]["entries"]
    assert (entry["court"], entry["time"]) == ("Court B", "18:00")


def test_asking_about_the_waitlist_joins_nothing(orchestrator: Handler) -> None:
    say(orchestrator, "book court A tomorrow at 6pm", user="ann")
    for message in (
        "am I on the waitlist for tomorrow at 6pm?",
        "what's on my waitlist?",
        "how does the waitlist work?",
    ):
        answer = say(orchestrator, message, user="bob")
        assert answer["status"] != "waitlisted", (message, answer)
    assert call(orchestrator, "GET", "/waitlist", "bob")[1]["entries"] == []
