"""A conversation through POST /chat: follow-ups, offers taken, moves, and the state it keeps.

The orchestrator is wired to the real services in this process (moto over HTTP,
the offline parser); tests/local/test_conversation_stack.py has the same
conversation over HTTP on the local stack, with the offline parser and with
OpenAI (a scripted local server).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from courtbooking.models import MAX_OFFERS
from tests import clock
from tests.conftest import booked_slots, reset_caches, table_items
from tests.functions.conftest import Handler
from tests.functions.test_explanations import say
from tests.functions.test_ownership_api import call


def fill(orchestrator: Handler, message: str, *users: str) -> None:
    for user in users:
        assert say(orchestrator, message, user=user)["status"] == "booked"


def alices(dynamodb: Any, table_name: str) -> list[tuple[str, str, str]]:
    """(date, time, court) of every slot Alice holds, from the table itself."""
    return sorted(
        (i["date"]["S"], i["time"]["S"], i["court"]["S"])
        for i in booked_slots(dynamodb, table_name)
        if i["user_id"]["S"] == "alice"
    )


def test_the_conversation_of_the_issue(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    fill(orchestrator, "book a court tomorrow at 3pm", "ann", "ben", "cat")
    day = clock.tomorrow().isoformat()

    first = say(orchestrator, "book a court tomorrow at 3pm")
    assert first["status"] == "alternatives"
    assert first["response"].startswith(f"All three courts are taken at 15:00 on {first_day(day)}.")
    assert "The nearest is 14:00 on Court A - shall I book it?" in first["response"]
    conversation = first["conversation_id"]

    booked = say(orchestrator, "ok 4pm then", conversation=conversation)
    assert (booked["status"], booked["booking"]["date"], booked["booking"]["time"]) == ("booked", day, "16:00")
    assert booked["conversation_id"] == conversation

    switched = say(orchestrator, "actually court B", conversation=conversation)
    assert switched["status"] == "moved"
    assert (switched["booking"]["court"], switched["booking"]["time"]) == ("Court B", "16:00")
    assert switched["booking"]["booking_id"] == booked["booking"]["booking_id"]
    assert alices(dynamodb, table_name) == [(day, "16:00", "Court B")]

    later = say(orchestrator, "move it to 5pm", conversation=conversation)
    assert later["status"] == "moved"
    assert alices(dynamodb, table_name) == [(day, "17:00", "Court B")]  # 16:00 free again, still one booking
    assert "16:00 on Court B is free again" in later["response"]

    gone = say(orchestrator, "cancel it", conversation=conversation)
    assert gone["status"] == "cancelled"
    assert alices(dynamodb, table_name) == []


def first_day(iso: str) -> str:
    date = dt.date.fromisoformat(iso)
    return f"{date:%A} {date.day} {date:%B}"


def test_in_a_zone_whose_day_is_still_open_the_day_under_discussion_is_booked_and_moved(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch, dynamodb: Any, table_name: str
) -> None:
    # Kiritimati (UTC+14) when its day is still open, else a zone where it is morning: in both, 16:00
    # *today* can still be booked, so "ok 4pm then" booking today would be the bug of the issue.
    zone = clock.zone_where_the_hour_is(6, 14, prefer="Pacific/Kiritimati")
    monkeypatch.setenv("FACILITY_TIMEZONE", zone)
    reset_caches()
    tomorrow = (clock.now().astimezone(ZoneInfo(zone)).date() + dt.timedelta(days=1)).isoformat()
    fill(orchestrator, "book a court tomorrow at 3pm", "ann", "ben", "cat")

    first = say(orchestrator, "book a court tomorrow at 3pm")
    booked = say(orchestrator, "ok 4pm then", conversation=first["conversation_id"])
    assert (booked["booking"]["date"], booked["booking"]["time"]) == (tomorrow, "16:00")  # never today
    moved = say(orchestrator, "move it to 5pm", conversation=first["conversation_id"])
    assert moved["status"] == "moved"
    assert alices(dynamodb, table_name) == [(tomorrow, "17:00", "Court A")]  # one booking, not a second court


def test_yes_takes_the_offer_proposed_and_the_second_one_the_second(orchestrator: Handler) -> None:
    fill(orchestrator, "book a court tomorrow at 3pm", "ann", "ben", "cat")
    offered = say(orchestrator, "book a court tomorrow at 3pm")
    taken = say(orchestrator, "yes", conversation=offered["conversation_id"])
    assert taken["status"] == "booked"
    assert (taken["booking"]["time"], taken["booking"]["court"]) == (
        offered["slots"][0]["time"],
        offered["slots"][0]["court"],
    )

    again = say(orchestrator, "book a court tomorrow at 3pm", user="dora")
    second = say(orchestrator, "the second one", user="dora", conversation=again["conversation_id"])
    assert second["status"] == "booked"
    assert (second["booking"]["time"], second["booking"]["court"]) == (
        again["slots"][1]["time"],
        again["slots"][1]["court"],
    )


def test_no_thanks_ends_it_and_books_nothing(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    offered = say(orchestrator, "is 4pm free tomorrow?")
    assert offered["status"] == "available"
    declined = say(orchestrator, "no thanks", conversation=offered["conversation_id"])
    assert declined["status"] == "declined"
    assert booked_slots(dynamodb, table_name) == []
    after = say(orchestrator, "yes", conversation=offered["conversation_id"])
    assert after["status"] == "needs_input"  # the offer ended with "no thanks"
    assert booked_slots(dynamodb, table_name) == []


def test_missing_parts_are_asked_for(orchestrator: Handler) -> None:
    asked = say(orchestrator, "book tomorrow")
    assert (asked["status"], asked["response"]) == (
        "needs_input",
        f"What time on {first_day(clock.tomorrow().isoformat())}?",
    )
    booked = say(orchestrator, "5pm", conversation=asked["conversation_id"])
    assert (booked["status"], booked["booking"]["date"], booked["booking"]["time"]) == (
        "booked",
        clock.tomorrow().isoformat(),
        "17:00",
    )

    which = say(orchestrator, "book at 6pm", user="bob")
    assert which["status"] == "needs_input"
    assert which["response"].startswith("Which day")
    friday = say(orchestrator, "the day after tomorrow", user="bob", conversation=which["conversation_id"])
    assert (friday["status"], friday["booking"]["date"], friday["booking"]["time"]) == (
        "booked",
        clock.day(2).isoformat(),
        "18:00",
    )


def test_a_time_alone_outside_a_conversation_means_the_next_time_it_comes_and_names_the_day(
    orchestrator: Handler,
) -> None:
    answer = say(orchestrator, "what's free at 8pm?")
    local = clock.local_now()
    expected = local.date() if local.hour < 20 else local.date() + dt.timedelta(days=1)
    assert {s["date"] for s in answer["slots"]} == {expected.isoformat()}
    assert first_day(expected.isoformat()) in answer["response"]


def test_what_about_friday_asks_the_same_question_for_another_day(orchestrator: Handler) -> None:
    first = say(orchestrator, f"is 3pm free on {clock.day(2).isoformat()}?")
    other = say(orchestrator, f"what about {clock.day(3).isoformat()}?", conversation=first["conversation_id"])
    assert other["status"] == "available"
    assert {(s["date"], s["time"]) for s in other["slots"]} == {(clock.day(3).isoformat(), "15:00")}


def test_a_move_onto_a_taken_slot_keeps_the_booking_and_offers_what_is_free(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    booked = say(orchestrator, "book court A tomorrow at 4pm")
    say(orchestrator, "book court B tomorrow at 4pm", user="ben")
    refused = say(orchestrator, "actually court B", conversation=booked["conversation_id"])
    assert refused["status"] == "alternatives"
    assert "Your booking stays Court A" in refused["response"]
    assert alices(dynamodb, table_name) == [(clock.tomorrow().isoformat(), "16:00", "Court A")]
    moved = say(orchestrator, "yes", conversation=booked["conversation_id"])
    assert moved["status"] == "moved"
    assert alices(dynamodb, table_name) == [
        (refused["slots"][0]["date"], refused["slots"][0]["time"], refused["slots"][0]["court"])
    ]


def test_make_it_two_hours_moves_the_booking_to_two_hours(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    booked = say(orchestrator, "book court A tomorrow at 4pm")
    longer = say(orchestrator, "make it 2 hours", conversation=booked["conversation_id"])
    assert (longer["status"], longer["booking"]["duration_minutes"]) == ("moved", 120)
    day = clock.tomorrow().isoformat()
    assert alices(dynamodb, table_name) == [(day, "16:00", "Court A"), (day, "17:00", "Court A")]


def test_move_my_5pm_to_another_day_without_a_conversation(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    say(orchestrator, "book court A tomorrow at 5pm")
    moved = say(orchestrator, f"move my 5pm to {clock.day(3).isoformat()}")
    assert moved["status"] == "moved"
    assert alices(dynamodb, table_name) == [(clock.day(3).isoformat(), "17:00", "Court A")]


def test_a_stale_or_unknown_conversation_starts_afresh(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    offered = say(orchestrator, "is 4pm free tomorrow?")
    conversation = offered["conversation_id"]
    table = f"conversations-{table_name}"
    dynamodb.update_item(  # what 31 idle minutes do: the item's expiry has passed (TTL deletes it lazily)
        TableName=table,
        Key={"id": {"S": conversation}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(clock.now().timestamp()) - 60)}},
    )
    stale = say(orchestrator, "yes", conversation=conversation)
    assert stale["conversation_id"] != conversation
    assert stale["status"] == "needs_input"
    status, empty, _ = call(orchestrator, "POST", "/chat", "alice", {"message": "yes", "conversation_id": ""})
    assert (status, empty["status"]) == (200, "needs_input")  # "" is no conversation: a new one
    assert empty["conversation_id"] not in ("", conversation)
    unknown = say(orchestrator, "yes", conversation="00000000-0000-4000-8000-000000000000")
    assert unknown["conversation_id"] != "00000000-0000-4000-8000-000000000000"
    assert booked_slots(dynamodb, table_name) == []
    state = {i["id"]["S"]: i for i in table_items(dynamodb, table)}
    assert state[stale["conversation_id"]]["user_id"]["S"] == "alice"
    assert int(state[stale["conversation_id"]]["expires_at"]["N"]) > clock.now().timestamp() + 29 * 60


@pytest.mark.parametrize("conversation_id", ["a" * 65, "abc def", "../x", "é"])
def test_a_conversation_id_that_is_not_one_of_ours_in_form_is_400(orchestrator: Handler, conversation_id: str) -> None:
    status, body, _ = call(
        orchestrator, "POST", "/chat", "alice", {"message": "hi", "conversation_id": conversation_id}
    )
    assert status == 400
    assert "conversation_id: must be the conversation_id of an earlier answer" in body["error"]["message"]


def test_patch_moves_a_booking_atomically_for_its_owner_only(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    day = clock.tomorrow().isoformat()
    _, booking, _ = call(orchestrator, "POST", "/bookings", "alice", {"slot_id": f"{day}T10:00|Court A"})
    _, _, _ = call(orchestrator, "POST", "/bookings", "ben", {"slot_id": f"{day}T11:00|Court A"})
    path = f"/bookings/{booking['booking_id']}"

    status, body, _ = call(orchestrator, "PATCH", path, "alice", {"slot_id": f"{day}T11:00|Court A"})
    assert (status, body["error"]["code"]) == (409, "SLOT_TAKEN")
    assert alices(dynamodb, table_name) == [(day, "10:00", "Court A")]  # exactly as it was

    status, body, _ = call(orchestrator, "PATCH", path, "alice", {"slot_id": f"{day}T12:00|Court B"})
    assert (status, body["booking_id"], body["court"], body["time"]) == (200, booking["booking_id"], "Court B", "12:00")
    assert alices(dynamodb, table_name) == [(day, "12:00", "Court B")]

    status, body, _ = call(
        orchestrator, "PATCH", path, "alice", {"slot_id": f"{clock.day(40).isoformat()}T12:00|Court B"}
    )
    assert (status, body["error"]["code"]) == (422, "SLOT_INVALID")
    assert "days ahead" in body["error"]["message"]
    assert call(orchestrator, "PATCH", path, "alice", {"slot": "x"})[0] == 400


# --- the bugs found trying the chat (issue: ordinals, questions, moves, list words, offers named) -------


def weekday(offset: int) -> str:
    return f"{clock.day(offset):%A}"


def booked_then(orchestrator: Handler, booking: str, message: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """`booking` answered "booked", then `message` in the same conversation: both answers."""
    booked = say(orchestrator, booking)
    assert booked["status"] == "booked", booked["response"]
    return booked, say(orchestrator, message, conversation=booked["conversation_id"])


def three_listed(orchestrator: Handler) -> tuple[str, dict[str, Any]]:
    """Three bookings made in one conversation (days 2, 3, 4 at 08:00), then "what have I booked?"."""
    first = say(orchestrator, f"book a court on {weekday(2)} at 8am")
    conversation = first["conversation_id"]
    for offset in (3, 4):
        assert say(orchestrator, f"book a court on {weekday(offset)} at 8am", conversation=conversation)["status"] == (
            "booked"
        )
    listed = say(orchestrator, "what have I booked?", conversation=conversation)
    return conversation, listed


def test_the_second_one_after_a_list_cancels_the_second_listed(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    conversation, listed = three_listed(orchestrator)
    assert listed["status"] == "bookings"
    assert [b["date"] for b in listed["bookings"]] == [clock.day(n).isoformat() for n in (2, 3, 4)]
    assert f"Court A on {first_day(clock.day(2).isoformat())} at 08:00" in listed["response"]  # the day in words
    gone = say(orchestrator, "cancel the second one", conversation=conversation)
    assert gone["status"] == "cancelled"
    assert gone["booking"]["date"] == clock.day(3).isoformat()
    assert first_day(clock.day(3).isoformat()) in gone["response"]
    assert [d for d, _, _ in alices(dynamodb, table_name)] == [clock.day(n).isoformat() for n in (2, 4)]


def test_an_ordinal_beyond_the_list_says_how_many_and_cancels_nothing(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    first = say(orchestrator, f"book a court on {weekday(2)} at 8am")
    conversation = first["conversation_id"]
    say(orchestrator, f"book a court on {weekday(3)} at 8am", conversation=conversation)
    listed = say(orchestrator, "what have I booked?", conversation=conversation)
    assert len(listed["bookings"]) == 2
    third = say(orchestrator, "cancel the third one", conversation=conversation)
    assert third["status"] == "needs_input"
    assert "There is no third one: I listed two bookings" in third["response"]
    assert len(alices(dynamodb, table_name)) == 2
    first_one = say(orchestrator, "cancel the first one", conversation=conversation)
    assert (first_one["status"], first_one["booking"]["date"]) == ("cancelled", clock.day(2).isoformat())


def test_the_second_one_just_after_one_booking_cancels_nothing(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    booked, second = booked_then(orchestrator, "book a court tomorrow at 11am", "cancel the second one")
    assert second["status"] == "needs_input"
    assert "only one upcoming booking, Court A on " in second["response"]
    assert "at 11:00: there is no second one" in second["response"]
    assert len(alices(dynamodb, table_name)) == 1
    gone = say(orchestrator, "cancel it", conversation=booked["conversation_id"])  # "it" is still that one
    assert (gone["status"], gone["booking"]["booking_id"]) == ("cancelled", booked["booking"]["booking_id"])


@pytest.mark.parametrize(
    "steps",
    [
        ["book a court tomorrow at 11am", "cancel it"],  # cancelled
        ["book a court tomorrow at 11am", "no thanks"],  # booked, then no to nothing
        ["is 11am free tomorrow?", "no thanks"],  # declined an offer
        ["is 11am free tomorrow?", "cancel it"],  # offers pending, nothing booked: "OK, nothing was booked."
    ],
)
def test_a_question_after_a_cancel_or_a_no_only_offers(
    orchestrator: Handler, dynamodb: Any, table_name: str, steps: list[str]
) -> None:
    conversation = None
    for step in steps:
        conversation = say(orchestrator, step, conversation=conversation)["conversation_id"]
    before = alices(dynamodb, table_name)
    asked = say(orchestrator, f"what about {weekday(3)}?", conversation=conversation)
    assert asked["status"] in ("available", "alternatives"), asked["response"]
    assert asked["slots"]
    assert asked["booking"] is None
    assert alices(dynamodb, table_name) == before
    taken = say(orchestrator, "yes", conversation=conversation)
    assert taken["status"] in ("booked", "moved")
    assert (taken["booking"]["date"], taken["booking"]["time"]) == (
        asked["slots"][0]["date"],
        asked["slots"][0]["time"],
    )


def test_a_question_after_an_unmatched_cancel_never_moves(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    conversation, _ = three_listed(orchestrator)
    say(orchestrator, "cancel the fourth one", conversation=conversation)
    before = alices(dynamodb, table_name)
    asked = say(orchestrator, "what about friday?", conversation=conversation)
    assert asked["status"] not in ("booked", "moved", "cancelled"), asked["response"]
    assert alices(dynamodb, table_name) == before


def test_a_question_after_a_move_offers_to_move_and_yes_moves(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    booked, moved = booked_then(orchestrator, "book a court tomorrow at 3pm", "move it to 5")
    conversation = booked["conversation_id"]
    assert moved["status"] == "moved"
    say(orchestrator, f"book court {moved['booking']['court'][-1]} {weekday(3)} at 5pm", user="ben")
    asked = say(orchestrator, f"what about {weekday(3)}?", conversation=conversation)
    assert asked["status"] in ("available", "alternatives"), asked["response"]
    assert "move your booking" in asked["response"], asked["response"]
    assert "shall i book" not in asked["response"].lower()
    again = say(orchestrator, "yes", conversation=conversation)
    assert again["status"] == "moved"
    assert again["booking"]["booking_id"] == booked["booking"]["booking_id"]
    assert len(alices(dynamodb, table_name)) == 1
    assert alices(dynamodb, table_name)[0][0] == clock.day(3).isoformat()


def test_an_answer_names_exactly_the_slots_it_offers(orchestrator: Handler) -> None:
    answer = say(orchestrator, f"what's free on {weekday(3)}?")
    assert len(answer["slots"]) == MAX_OFFERS
    every = "(Court A, Court B, Court C)"
    assert answer["response"] == (
        f"39 free slots on {first_day(clock.day(3).isoformat())}: 08:00 {every}, 09:00 {every}, 10:00 {every}, "
        "11:00 (Court A) and 29 more; ask for a time or a court."
    )


def test_move_the_second_one_after_a_list_moves_that_one(orchestrator: Handler, dynamodb: Any, table_name: str) -> None:
    conversation, _ = three_listed(orchestrator)
    moved = say(orchestrator, "move the second one to 5pm", conversation=conversation)
    assert (moved["status"], moved["booking"]["date"], moved["booking"]["time"]) == (
        "moved",
        clock.day(3).isoformat(),
        "17:00",
    )
    assert [t for _, t, _ in alices(dynamodb, table_name)] == ["08:00", "17:00", "08:00"]


def test_moving_a_booking_cancelled_meanwhile_says_so_and_books_nothing(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    """The booking in the conversation was cancelled in another tab: "move it" finds nothing to move (a 200),
    writes nothing and never brings it back. (Cancelled between the list and the move, the booking service's
    CANCELLED refusal is said as it is: the workflow's move branch.)"""
    booked = say(orchestrator, "book court A the day after tomorrow at 10am")
    booking_id = booked["booking"]["booking_id"]
    status, _, _ = call(orchestrator, "DELETE", f"/bookings/{booking_id}", "alice")
    assert status == 200
    before = table_items(dynamodb, table_name)
    moved = say(orchestrator, "move it to 12", conversation=booked["conversation_id"])
    assert moved["status"] == "needs_input", moved["response"]
    assert "no upcoming booking" in moved["response"]
    assert table_items(dynamodb, table_name) == before
