"""Waitlists (courtbooking/waitlist.py): joining a taken start, the limits, and the claim that hands a freed
court to the first eligible person waiting, inside the very transaction that frees it (cancel or move).

What a person would notice is asserted: the answers, who holds the slot in the table afterwards, the
entries listed, and the notice in the claimant's inbox.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from courtbooking import config
from courtbooking.booking_service import BookingService
from courtbooking.contracts import Notice, WaitlistJoinRequest
from courtbooking.errors import (
    AlreadyBooked,
    InvalidRequest,
    LimitReached,
    NotFound,
    ServiceUnavailable,
    SlotFree,
    SlotTaken,
)
from courtbooking.models import ErrorCode
from courtbooking.waitlist import Waitlist
from tests.conftest import Clock, booked_slots, table_items

SAT = dt.date(2026, 11, 28)  # the day after the clock's Friday; the club's zone is UTC
SLOT = f"{SAT.isoformat()}T18:00|Court B"


@pytest.fixture
def club(service: BookingService) -> BookingService:
    """The service as the booking function builds it: with the table where notices go."""
    return BookingService(
        service._db,
        service._table,
        service.facility,
        clock=service._clock,
        inbox_table=config.conversations_table_name(),
    )


def with_facility(service: BookingService, **changes: Any) -> BookingService:
    facility = dataclasses.replace(service.facility, **changes)
    return BookingService(service._db, service._table, facility, clock=service._clock, inbox_table=service._inbox)


def join(service: BookingService, user: str, court: str | None = "Court B", time: str = "18:00", **extra: Any) -> Any:
    request = WaitlistJoinRequest(operation="waitlist_join", user_id=user, date=SAT, time=time, court=court, **extra)
    return Waitlist(service).join(request)


def holder(dynamodb: Any, table: str, court: str = "Court B", time: str = "18:00") -> str | None:
    held = [
        s["user_id"]["S"] for s in booked_slots(dynamodb, table) if (s["court"]["S"], s["time"]["S"]) == (court, time)
    ]
    assert len(held) <= 1
    return held[0] if held else None


def notices(dynamodb: Any, user: str) -> list[Notice]:
    key = {"id": {"S": f"INBOX#{user}"}}
    item = dynamodb.get_item(TableName=config.conversations_table_name(), Key=key, ConsistentRead=True).get("Item")
    return [Notice.model_validate_json(n["S"]) for n in (item or {}).get("notices", {}).get("L", [])]


# --- joining --------------------------------------------------------------------------------------------------------


def test_a_free_start_is_refused_naming_the_rule_and_nothing_is_written(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    with pytest.raises(SlotFree) as refused:
        join(club, "bob")
    assert refused.value.code == ErrorCode.SLOT_FREE
    assert refused.value.message == (
        "Court B is free at 18:00 on Saturday 28 November: book it; a waitlist is for a start that is taken."
    )
    assert table_items(dynamodb, table_name) == []


def test_joining_a_taken_start_says_the_place_and_joining_again_finds_the_same_entry(club: BookingService) -> None:
    club.book(SLOT, "alice")
    first = join(club, "bob")
    second = join(club, "carol")
    assert (first.status, first.court, first.until) == (
        "waiting",
        "Court B",
        dt.datetime(2026, 11, 28, 18, tzinfo=dt.UTC),
    )
    assert "first in line" in first.message
    assert "1 person ahead of you" in second.message
    again = join(club, "bob")
    assert (again.entry_id, again.already_waiting, again.message) == (
        first.entry_id,
        True,
        "You are already on the waitlist for Court B on Saturday 28 November at 18:00.",
    )
    assert [e.entry_id for e in Waitlist(club).entries("bob").entries] == [first.entry_id]


def test_any_court_waits_only_when_every_court_is_taken(club: BookingService) -> None:
    club.book(SLOT, "alice")
    with pytest.raises(SlotFree) as refused:
        join(club, "bob", court=None)
    assert "Court A is free at 18:00" in refused.value.message
    club.book(f"{SAT.isoformat()}T18:00|Court A", "ann")
    club.book(f"{SAT.isoformat()}T18:00|Court C", "cid")
    assert join(club, "bob", court=None).court is None


def test_the_limits_are_named_and_write_nothing(club: BookingService, dynamodb: Any, table_name: str) -> None:
    strict = with_facility(club, waitlist_max_per_slot=2, waitlist_max_per_person=1)
    for time in ("17:00", "18:00"):
        strict.book(f"{SAT.isoformat()}T{time}|Court B", "alice")
    join(strict, "bob")
    join(strict, "carol")
    before = table_items(dynamodb, table_name)
    with pytest.raises(LimitReached) as full:
        join(strict, "dan")
    assert (
        full.value.message
        == "2 people are already waiting for 18:00 on Saturday 28 November, the most one waitlist holds."
    )
    with pytest.raises(LimitReached) as mine:
        join(strict, "bob", time="17:00")
    assert mine.value.message == (
        "You are already on 1 waitlists, the most one person may be on; leave one to join another."
    )
    assert table_items(dynamodb, table_name) == before


def test_a_deadline_must_be_ahead_and_no_later_than_the_start(club: BookingService, clock: Clock) -> None:
    club.book(SLOT, "alice")
    with pytest.raises(InvalidRequest) as passed:
        join(club, "bob", until=clock.now - dt.timedelta(minutes=1))
    assert "has passed" in passed.value.message
    with pytest.raises(InvalidRequest) as late:
        join(club, "bob", until=dt.datetime(2026, 11, 28, 19, tzinfo=dt.UTC))
    assert late.value.message == (
        "A waitlist ends when its slot starts, 18:00 on Saturday 28 November: give a deadline before then, or none."
    )
    entry = join(club, "bob", until=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))
    assert "until Saturday 28 November at 12:00" in entry.message


def test_waiting_for_what_you_hold_is_refused(club: BookingService) -> None:
    club.book(SLOT, "bob")
    with pytest.raises(AlreadyBooked) as refused:
        join(club, "bob")
    assert refused.value.message.startswith("You already have Court B on Saturday 28 November at 18:00")


# --- the claim ------------------------------------------------------------------------------------------------------


def test_twenty_wait_the_booking_is_cancelled_and_exactly_the_first_eligible_holds_it(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    booking = club.book(SLOT, "alice")
    entries = []
    for n in range(20):
        entries.append(join(club, f"w{n:02d}"))
        clock.now += dt.timedelta(seconds=1)  # join order is time order
    for time in ("09:00", "10:00", "11:00"):  # w00 holds as many as allowed: passed over
        club.book(f"{SAT.isoformat()}T{time}|Court A", "w00")
    join(club, "w01", time="18:00")  # already waiting: nothing changes

    club.cancel("alice", booking.booking_id)

    assert holder(dynamodb, table_name) == "w01"
    listed = {e.user_id: e for n in range(20) for e in Waitlist(club).entries(f"w{n:02d}").entries}
    assert (listed["w01"].status, listed["w01"].claimed_court) == ("claimed", "Court B")
    assert {u for u, e in listed.items() if e.status == "waiting"} == {f"w{n:02d}" for n in range(20)} - {"w01"}
    [held] = [b for b in club.upcoming("w01").bookings]
    assert (held.court, held.date, held.time, held.booking_id) == ("Court B", SAT, "18:00", listed["w01"].booking_id)
    [notice] = notices(dynamodb, "w01")
    assert (notice.kind, notice.booking.booking_id) == ("waitlist_claimed", held.booking_id)
    assert notice.message.startswith("Good news: your waitlist for Saturday 18:00 came through: Court B is yours")
    assert notices(dynamodb, "w02") == []


def test_an_expired_entry_is_skipped_and_shown_expired(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    booking = club.book(SLOT, "alice")
    join(club, "bob", until=clock.now + dt.timedelta(minutes=30))
    clock.now += dt.timedelta(seconds=1)
    join(club, "carol")
    clock.now += dt.timedelta(hours=1)
    assert [e.status for e in Waitlist(club).entries("bob").entries] == ["expired"]
    club.cancel("alice", booking.booking_id)
    assert holder(dynamodb, table_name) == "carol"


def test_a_waiter_whose_week_is_full_is_skipped(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    weekly = with_facility(club, max_bookings_per_week=1)
    booking = weekly.book(SLOT, "alice")
    weekly.book(f"{SAT.isoformat()}T09:00|Court A", "bob")  # bob's one booking of the week
    join(weekly, "bob")
    clock.now += dt.timedelta(seconds=1)
    join(weekly, "carol")
    weekly.cancel("alice", booking.booking_id)
    assert holder(dynamodb, table_name) == "carol"
    assert [e.status for e in Waitlist(weekly).entries("bob").entries] == ["waiting"]


def test_nobody_eligible_frees_the_slot_as_before(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    booking = club.book(SLOT, "alice")
    join(club, "bob", until=clock.now + dt.timedelta(minutes=5))
    clock.now += dt.timedelta(minutes=10)
    club.cancel("alice", booking.booking_id)
    assert holder(dynamodb, table_name) is None
    assert club.book(SLOT, "dan").court == "Court B"


def test_a_move_away_hands_the_old_slot_to_the_first_waiting(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = club.book(SLOT, "alice")
    join(club, "bob")
    club.move("alice", booking.booking_id, f"{SAT.isoformat()}T20:00|Court B")  # the same court and day
    assert holder(dynamodb, table_name) == "bob"
    assert holder(dynamodb, table_name, time="20:00") == "alice"


def test_a_move_to_another_court_hands_the_old_one_over(club: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = club.book(SLOT, "alice")
    join(club, "bob")
    club.move("alice", booking.booking_id, f"{SAT.isoformat()}T18:00|Court A")
    assert (holder(dynamodb, table_name), holder(dynamodb, table_name, court="Court A")) == ("bob", "alice")


def test_the_cancel_and_the_claim_race_fifty_bookers_and_the_waiting_person_wins(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    booking = club.book(SLOT, "alice")
    join(club, "bob")
    start = threading.Barrier(51)
    refused: list[str] = []

    def book(n: int) -> None:
        start.wait()
        try:
            club.book(SLOT, f"racer{n}")
        except SlotTaken:
            refused.append(f"racer{n}")

    def cancel() -> None:
        start.wait()
        club.cancel("alice", booking.booking_id)

    with ThreadPoolExecutor(max_workers=51) as pool:
        futures = [pool.submit(book, n) for n in range(50)] + [pool.submit(cancel)]
        for future in futures:
            future.result()
    assert holder(dynamodb, table_name) == "bob"
    assert len(refused) == 50
    assert [b.user_id for b in club.upcoming("bob").bookings] == ["bob"]


@pytest.mark.parametrize("release", ["cancel", "move"])
def test_someone_joining_after_a_release_read_the_queue_still_gets_the_court(
    release: str, club: BookingService, dynamodb: Any, table_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob joins between the release's read of the (empty) queue and its write: the release must not free the
    court under his entry. It reads again and hands it to him."""
    from courtbooking import waitlist

    booking = club.book(SLOT, "alice")
    read_queue, joined = waitlist._queue, []

    def read_then_bob_joins(service: BookingService, date: dt.date, time: str) -> Any:
        answer = read_queue(service, date, time)
        if not joined:
            joined.append(True)
            join(club, "bob")  # the slot is still alice's: bob waits
        return answer

    monkeypatch.setattr(waitlist, "_queue", read_then_bob_joins)
    if release == "cancel":
        club.cancel("alice", booking.booking_id)
    else:
        club.move("alice", booking.booking_id, f"{SAT.isoformat()}T20:00|Court B")
    assert holder(dynamodb, table_name) == "bob"
    [entry] = Waitlist(club).entries("bob").entries
    assert (entry.status, entry.claimed_court) == ("claimed", "Court B")


def test_a_court_freed_after_a_join_read_it_taken_is_said_to_be_free_and_nothing_waits(
    club: BookingService, dynamodb: Any, table_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice cancels between Bob's join reading her slot as taken and his write: no entry may wait on a free
    court (nobody would ever claim it for him). His join reads again and tells him to book it."""
    booking = club.book(SLOT, "alice")
    read_day, cancelled = Waitlist._refuse_if_free, []

    def read_then_alice_cancels(self: Waitlist, *args: Any) -> Any:
        answer = read_day(self, *args)
        if not cancelled:
            cancelled.append(club.cancel("alice", booking.booking_id))
        return answer

    monkeypatch.setattr(Waitlist, "_refuse_if_free", read_then_alice_cancels)
    with pytest.raises(SlotFree, match="free"):
        join(club, "bob")
    assert holder(dynamodb, table_name) is None
    assert Waitlist(club).entries("bob").entries == []
    assert [i for i in table_items(dynamodb, table_name) if i["pk"]["S"].startswith("WAIT#")] == []


def test_joining_any_court_of_a_forty_court_club_taken_for_three_hours_is_one_transaction(
    club: BookingService,
) -> None:
    """The join checks one slot item per court, not every hour of every court (120 items here, past
    DynamoDB's 100 a transaction, which would be a 500 instead of a place in line)."""
    big = with_facility(club, courts=tuple(f"Court {n}" for n in range(1, 41)))
    for n in range(1, 41):
        big.book(f"{SAT.isoformat()}T17:00|Court {n}", f"player-{n}", 180)
    entry = join(big, "bob", court=None, time="17:00", duration_minutes=180)
    assert (entry.status, entry.court, entry.duration_minutes) == ("waiting", None, 180)


# --- faults: nothing lost, nothing doubled --------------------------------------------------------------------------


class FailingCall:
    """The DynamoDB client failing its `nth` call: before it is made, or (`lost`) after it is made, its answer lost."""

    def __init__(self, client: Any, nth: int, lost: bool = False) -> None:
        self._client, self._nth, self._lost, self.calls = client, nth, lost, 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def call(**kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self._nth and not self._lost:
                raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, name)
            answer = method(**kwargs)
            if self.calls == self._nth:
                raise ClientError({"Error": {"Code": "InternalServerError", "Message": "answer lost"}}, name)
            return answer

        return call


def state(dynamodb: Any, table_name: str) -> tuple[str | None, list[str], int]:
    """Who holds the slot, who waits for it, how many notices the claimant has."""
    waiting = sorted(
        i["user_id"]["S"]
        for i in table_items(dynamodb, table_name)
        if i["pk"]["S"].startswith("WAIT#") and "user_id" in i
    )
    return holder(dynamodb, table_name), waiting, len(notices(dynamodb, "bob"))


@pytest.mark.parametrize("lost", [False, True], ids=["refused", "answer-lost"])
def test_a_fault_at_every_step_of_a_claimed_cancel_loses_and_doubles_nothing(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock, lost: bool
) -> None:
    steps = None
    for nth in range(1, 10):
        for item in table_items(dynamodb, table_name):
            dynamodb.delete_item(TableName=table_name, Key={"pk": item["pk"], "sk": item["sk"]})
        dynamodb.delete_item(TableName=config.conversations_table_name(), Key={"id": {"S": "INBOX#bob"}})
        booking = club.book(SLOT, "alice")
        join(club, "bob")
        clock.now += dt.timedelta(seconds=1)
        join(club, "carol")
        flaky = FailingCall(dynamodb, nth=nth, lost=lost)
        failing = BookingService(flaky, table_name, club.facility, clock=clock, inbox_table=club._inbox)
        try:
            failing.cancel("alice", booking.booking_id)
        except ServiceUnavailable:
            assert state(dynamodb, table_name) in (("alice", ["bob", "carol"], 0), ("bob", ["carol"], 1))
        else:
            steps = steps or nth  # the first nth past the last call: no fault was injected
        club.cancel("alice", booking.booking_id)  # tried again, fault-free: done once, whatever happened before
        assert state(dynamodb, table_name) == ("bob", ["carol"], 1)
        if steps:
            break
    assert (steps or 0) >= 5  # read, queue, claimant's list, transaction: each had its fault


def test_leaving_moves_the_queue_up_and_someone_elses_entry_is_not_found(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    booking = club.book(SLOT, "alice")
    bob = join(club, "bob")
    clock.now += dt.timedelta(seconds=1)
    join(club, "carol")
    with pytest.raises(NotFound):
        Waitlist(club).leave("carol", bob.entry_id)
    left = Waitlist(club).leave("bob", bob.entry_id)
    assert left.message == "You left the waitlist for Court B on Saturday 28 November at 18:00."
    assert Waitlist(club).entries("bob").entries == []
    club.cancel("alice", booking.booking_id)
    assert holder(dynamodb, table_name) == "carol"


def test_nine_waiters_with_full_weeks_never_stop_the_holder_cancelling(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    weekly = with_facility(club, max_bookings_per_week=1, max_active_bookings=10)
    booking = weekly.book(SLOT, "alice")
    for n in range(9):  # each has their one booking of the week already (9:00 to 17:00): none can have it
        weekly.book(f"{SAT.isoformat()}T{9 + n:02d}:00|Court A", f"w{n}")
        join(weekly, f"w{n}")
        clock.now += dt.timedelta(seconds=1)
    cancelled = weekly.cancel("alice", booking.booking_id)
    assert cancelled.status == "cancelled"
    assert holder(dynamodb, table_name) is None  # freed for anyone, as without a waitlist


def test_an_admin_who_cancels_a_booking_never_claims_it(club: BookingService, dynamodb: Any, table_name: str) -> None:
    booking = club.book(SLOT, "alice")
    join(club, "desk")  # the admin waits for it too
    club.cancel("alice", booking.booking_id, by="admin", by_id="desk", reason="double booking")
    assert holder(dynamodb, table_name) is None
    assert [e.status for e in Waitlist(club).entries("desk").entries] == ["waiting"]


def test_the_place_in_line_counts_other_people_who_could_take_the_same_court(
    club: BookingService, clock: Clock
) -> None:
    for court in ("Court A", "Court B", "Court C"):
        club.book(f"{SAT.isoformat()}T18:00|{court}", f"holder-{court[-1]}")
    join(club, "carol", court="Court A")
    clock.now += dt.timedelta(seconds=1)
    join(club, "bob", court=None)
    clock.now += dt.timedelta(seconds=1)
    assert "first in line" in join(club, "bob", court="Court B").message  # only bob, any court, is ahead: himself
    clock.now += dt.timedelta(seconds=1)
    assert "1 person ahead of you" in join(club, "dan", court="Court B").message  # bob (any court, or Court B)
