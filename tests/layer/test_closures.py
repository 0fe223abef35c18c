"""Closures against moto over HTTP: the markers a booking checks, closing, listing, reopening, faults.

The clock is the `clock` fixture's Friday 2026-11-27 13:30 UTC; the club opens 08:00-21:00 in hourly slots.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from courtbooking import config
from courtbooking.booking_service import BookingService
from courtbooking.closures import (
    MAX_CLOSURE_DAYS,
    ClosedInfo,
    ClosureNotFound,
    ClubAdmin,
    closed_message,
    closed_units,
    marker_check,
    marker_key,
)
from courtbooking.contracts import AvailabilityQuery, CloseRequest
from courtbooking.errors import Closed, InvalidRequest, ServiceUnavailable
from tests.conftest import Clock, table_items

MON = dt.date(2026, 11, 30)  # the Monday after the clock's Friday
TUE = MON + dt.timedelta(days=1)


def close_request(**fields: Any) -> CloseRequest:
    body = {
        "operation": "close",
        "admin_id": "staff",
        "court": "Court B",
        "start": "2026-11-30T14:00",
        "end": "2026-11-30T17:00",
        "reason": "coaching",
    }
    return CloseRequest.model_validate(body | fields)


@pytest.fixture
def admin(service: BookingService) -> ClubAdmin:
    return ClubAdmin(service)


def day_items(client: Any, table: str, date: dt.date) -> list[dict[str, Any]]:
    found = client.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"DAY#{date.isoformat()}"}},
        ConsistentRead=True,
    )
    return found["Items"]


def booked(client: Any, table: str, date: dt.date) -> set[tuple[str, str]]:
    """(court, HH:MM) of each booked slot that day, from its slot items."""
    return {
        (i["court"]["S"], i["time"]["S"]) for i in day_items(client, table, date) if i["sk"]["S"].startswith("SLOT#")
    }


def closure_items(client: Any, table: str) -> list[dict[str, Any]]:
    """The closures and markers in the table (what a close writes and a reopen removes)."""
    return [i for i in table_items(client, table) if i["pk"]["S"] == "CLOSURES" or i["sk"]["S"].startswith("CLOSED#")]


def hours_of(client: Any, table: str, date: dt.date, court: str) -> list[str]:
    item = client.get_item(TableName=table, Key=marker_key(date, court), ConsistentRead=True).get("Item")
    assert item is not None, f"no marker for {court} on {date}"
    return sorted(item.get("hours", {}).get("SS", []))


# --- the marker a booking checks ----------------------------------------------------------------


def test_marker_key_is_the_court_of_that_day() -> None:
    assert marker_key(MON, "Court B") == {"pk": {"S": "DAY#2026-11-30"}, "sk": {"S": "CLOSED#Court B"}}


def test_the_marker_check_blocks_a_transaction_only_on_closed_units(
    admin: ClubAdmin, dynamodb: Any, table_name: str
) -> None:
    def commit(court: str, units: list[str]) -> bool:
        probe = {"pk": {"S": f"PROBE#{uuid.uuid4()}"}, "sk": {"S": "PROBE"}}
        try:
            dynamodb.transact_write_items(
                TransactItems=[
                    marker_check(table_name, MON, court, units),
                    {"Put": {"TableName": table_name, "Item": probe}},
                ]
            )
        except ClientError as exc:
            refused = exc.response["Error"]["Code"]
        else:
            return True
        assert refused == "TransactionCanceledException"
        assert dynamodb.get_item(TableName=table_name, Key=probe, ConsistentRead=True).get("Item") is None  # nothing
        return False

    assert commit("Court B", ["15:00"])  # no marker at all yet
    admin.close(close_request())  # Court B 14:00-17:00
    assert not commit("Court B", ["15:00"])
    assert not commit("Court B", ["12:00", "13:00", "14:00"])  # a booking that runs into it
    assert commit("Court B", ["12:00", "13:00"])
    assert commit("Court B", ["17:00", "18:00"])
    assert commit("Court A", ["15:00"])  # another court's marker is its own
    assert not commit("Court B", ["16:00"])


def test_a_marker_check_needs_a_slot() -> None:
    with pytest.raises(ValueError, match="at least one slot"):
        marker_check("t", MON, "Court A", [])


def test_closed_units_name_the_closure_of_each_closed_slot(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    admin._service.book("2026-11-30T10:00|Court B", "ann")  # a slot item in the same Query: ignored
    made = admin.close(close_request(reason="coaching"))
    closed = closed_units(day_items(dynamodb, table_name, MON))
    info = ClosedInfo(made.closure.closure_id, "coaching", "2026-11-30T14:00", "2026-11-30T17:00", "Court B")
    assert closed == {("Court B", "14:00"): info, ("Court B", "15:00"): info, ("Court B", "16:00"): info}


def test_overlapping_closures_name_the_one_that_ends_later(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    admin.close(close_request(start="2026-11-30T14:00", end="2026-11-30T16:00", reason="coaching"))
    admin.close(close_request(start="2026-11-30T15:00", end="2026-12-01T10:00", reason="a tournament"))
    closed = closed_units(day_items(dynamodb, table_name, MON))
    assert {unit: info.reason for (_court, unit), info in closed.items()} == {
        "14:00": "coaching",
        "15:00": "a tournament",
        "16:00": "a tournament",
        **{f"{h}:00": "a tournament" for h in range(17, 21)},
    }
    assert hours_of(dynamodb, table_name, TUE, "Court B") == ["08:00", "09:00"]


def test_the_closed_message_names_the_court_or_the_club_its_end_and_reason(service: BookingService) -> None:
    court = ClosedInfo("c1", "resurfacing", "2026-12-14T08:00", "2026-12-18T21:00", "Court B")
    club = ClosedInfo("c2", "for a tournament", "2026-12-14T08:00", "2026-12-18T21:00")
    assert (
        closed_message("Court B", court, service.facility)
        == "Court B is closed until Friday 18 December at 21:00 for resurfacing."
    )
    assert (
        closed_message("Court A", club, service.facility)
        == "The club is closed until Friday 18 December at 21:00 for a tournament."
    )


# --- closing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"court": "Court Z"}, "no court called 'Court Z'"),
        ({"start": "2026-11-30T17:00", "end": "2026-11-30T14:00"}, "must end after it starts"),
        ({"start": "2026-11-30T14:00", "end": "2026-11-30T14:00"}, "must end after it starts"),
        ({"start": "2026-11-30T08:00", "end": "2027-03-02T08:01"}, f"at most {MAX_CLOSURE_DAYS} days"),
        ({"start": "2026-11-26T08:00", "end": "2026-11-27T13:30"}, "would already be over"),
    ],
)
def test_a_closure_that_cannot_be_made_is_refused_naming_the_rule_and_writes_nothing(
    admin: ClubAdmin, dynamodb: Any, table_name: str, fields: dict[str, Any], rule: str
) -> None:
    with pytest.raises(InvalidRequest, match=rule):
        admin.close(close_request(**fields))
    assert table_items(dynamodb, table_name) == []


def test_the_longest_closure_and_one_already_begun_are_made(admin: ClubAdmin) -> None:
    longest = admin.close(close_request(start="2026-11-30T08:00", end="2027-03-02T08:00"))
    assert longest.closure.complete
    begun = admin.close(close_request(start="2026-11-27T08:00", end="2026-11-27T16:00"))  # now is 13:30
    assert begun.closure.start == "2026-11-27T08:00"


def test_a_court_is_named_as_configured_whatever_its_case(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    made = admin.close(close_request(court="court  b"))
    assert made.closure.court == "Court B"
    assert hours_of(dynamodb, table_name, MON, "Court B") == ["14:00", "15:00", "16:00"]


def test_a_close_writes_the_closure_and_each_days_marker(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    made = admin.close(close_request(start="2026-11-30T18:30", end="2026-12-02T09:00", reason="resurfacing"))
    assert made.message == (
        "Court B is closed from Monday 30 November 18:30 to Wednesday 2 December 09:00 for resurfacing. "
        "No booking is inside it."
    )
    assert hours_of(dynamodb, table_name, MON, "Court B") == ["18:00", "19:00", "20:00"]  # 18:00 runs into it
    assert hours_of(dynamodb, table_name, TUE, "Court B") == [f"{h:02d}:00" for h in range(8, 21)]
    assert hours_of(dynamodb, table_name, TUE + dt.timedelta(days=1), "Court B") == ["08:00"]
    [closure] = [i for i in table_items(dynamodb, table_name) if i["pk"]["S"] == "CLOSURES"]
    assert closure["sk"]["S"] == f"CLOSURE#{made.closure.closure_id}"
    assert (closure["court"]["S"], closure["start"]["S"], closure["end"]["S"]) == (
        "Court B",
        "2026-11-30T18:30",
        "2026-12-02T09:00",
    )
    assert closure["complete"]["BOOL"] is True
    assert closure["created_by"]["S"] == "staff"
    # TTL: the closure goes `retention` days after its end; each marker that long after the end of its day
    retention = dt.timedelta(days=admin._service._history_days)
    zone = admin.facility.timezone
    end = dt.datetime(2026, 12, 2, 9, 0, tzinfo=zone)
    assert int(closure["expires_at"]["N"]) == int((end + retention).timestamp())
    marker = dynamodb.get_item(TableName=table_name, Key=marker_key(MON, "Court B"))["Item"]
    assert int(marker["expires_at"]["N"]) == int((dt.datetime(2026, 12, 1, tzinfo=zone) + retention).timestamp())
    assert len(closure_items(dynamodb, table_name)) == 1 + 3  # the closure, three days of Court B


def test_a_closure_lists_the_bookings_inside_it_which_stand(
    admin: ClubAdmin, service: BookingService, dynamodb: Any, table_name: str
) -> None:
    inside = service.book("2026-11-30T15:00|Court B", "ann")
    runs_in = service.book("2026-11-30T12:00|Court B", "ben", duration_minutes=180)  # 12:00-15:00
    service.book("2026-11-30T17:00|Court B", "cat")  # just after it
    service.book("2026-11-30T15:00|Court A", "dan")  # another court
    made = admin.close(close_request())
    assert [(b.booking_id, b.user_id, b.time) for b in made.affected] == [
        (runs_in.booking_id, "ben", "12:00"),
        (inside.booking_id, "ann", "15:00"),
    ]
    assert made.cancelled == []
    assert made.message == (
        "Court B is closed from Monday 30 November 14:00 to Monday 30 November 17:00 for coaching. "
        "2 bookings are inside it: Court B on Monday 30 November at 12:00 (ben); "
        "Court B on Monday 30 November at 15:00 (ann). They stand: cancel them, or close again with cancel_affected."
    )
    assert service.get("ann", inside.booking_id).status == "confirmed"
    assert ("Court B", "15:00") in booked(dynamodb, table_name, MON)


def test_cancel_affected_cancels_each_booking_inside_by_the_closure(
    admin: ClubAdmin, service: BookingService, dynamodb: Any, table_name: str
) -> None:
    ann = service.book("2026-11-30T15:00|Court B", "ann")
    cat = service.book("2026-11-30T17:00|Court B", "cat")
    made = admin.close(close_request(reason="resurfacing", cancel_affected=True))
    assert [b.booking_id for b in made.cancelled] == [ann.booking_id]
    assert made.affected == []
    assert "Cancelled 1 booking inside it, and told its holder: Court B on Monday 30 November at 15:00 (ann)." in (
        made.message
    )
    record = service.get("ann", ann.booking_id)
    assert (record.status, record.cancelled_by, record.cancel_reason) == ("cancelled", "closure", "resurfacing")
    assert booked(dynamodb, table_name, MON) == {("Court B", "17:00")}
    assert service.get("cat", cat.booking_id).status == "confirmed"


def test_a_whole_club_closure_shuts_every_court(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    made = admin.close(close_request(court=None, reason="a tournament"))
    assert made.closure.court is None
    assert made.message.startswith("The club is closed from Monday 30 November 14:00")
    closed = closed_units(day_items(dynamodb, table_name, MON))
    assert set(closed) == {(c, f"{h}:00") for c in ("Court A", "Court B", "Court C") for h in (14, 15, 16)}
    assert {info.court for info in closed.values()} == {None}
    assert closed_message("Court C", closed[("Court C", "14:00")], admin.facility) == (
        "The club is closed until Monday 30 November at 17:00 for a tournament."
    )


def test_closing_again_with_the_same_span_is_the_same_closure(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    first = admin.close(close_request())
    again = admin.close(close_request())
    assert again.closure.closure_id == first.closure.closure_id
    assert len(closure_items(dynamodb, table_name)) == 2  # one closure, one marker
    other = admin.close(close_request(reason="a lesson"))
    assert other.closure.closure_id != first.closure.closure_id


def test_two_closes_of_one_court_and_day_at_once_are_both_kept(service: BookingService, table_name: str) -> None:
    spans = [("08:00", "10:00"), ("10:00", "12:00"), ("12:00", "14:00"), ("14:00", "16:00"), ("16:00", "18:00")]
    barrier = threading.Barrier(len(spans))

    def close(span: tuple[str, str]) -> None:
        # each its own client and admin, as separate Lambda instances would be
        mine = BookingService(boto3.client("dynamodb"), table_name, service.facility, clock=service._clock)
        barrier.wait()
        ClubAdmin(mine).close(close_request(start=f"2026-11-30T{span[0]}", end=f"2026-11-30T{span[1]}"))

    threads = [threading.Thread(target=close, args=(span,)) for span in spans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client = boto3.client("dynamodb")
    assert hours_of(client, table_name, MON, "Court B") == [f"{h:02d}:00" for h in range(8, 18)]
    assert len(ClubAdmin(service).closures().closures) == len(spans)


def test_a_closure_hides_its_slots_and_refuses_bookings_with_its_reason_and_end(
    admin: ClubAdmin, service: BookingService, dynamodb: Any, table_name: str
) -> None:
    admin.close(close_request(start="2026-11-30T14:00", end="2026-12-01T10:00", reason="resurfacing"))
    free = service.availability(AvailabilityQuery(date=MON))
    assert {s.time for s in free.slots if s.court == "Court B"} == {f"{h:02d}:00" for h in range(8, 14)}
    assert {s.time for s in free.slots if s.court == "Court A"} == {f"{h:02d}:00" for h in range(8, 21)}
    before = table_items(dynamodb, table_name)
    for slot_id, length in (("2026-11-30T15:00|Court B", 60), ("2026-11-30T12:00|Court B", 180)):
        with pytest.raises(Closed, match=r"^Court B is closed until Tuesday 1 December at 10:00 for resurfacing\."):
            service.book(slot_id, "ann", duration_minutes=length)
    assert table_items(dynamodb, table_name) == before  # a refusal writes nothing
    assert service.book("2026-12-01T10:00|Court B", "ann").time == "10:00"  # the hour it ends is free


def test_a_whole_club_closure_refuses_every_court(admin: ClubAdmin, service: BookingService) -> None:
    admin.close(close_request(court=None, reason="a tournament"))
    for court in ("Court A", "Court B", "Court C"):
        with pytest.raises(Closed, match="The club is closed until Monday 30 November at 17:00 for a tournament"):
            service.book(f"2026-11-30T16:00|{court}", "ann")
    assert [s.court for s in service.availability(AvailabilityQuery(date=MON, time="17:00")).slots] == [
        "Court A",
        "Court B",
        "Court C",
    ]


def test_a_booking_already_being_played_stands_though_cancel_affected(
    service: BookingService, clock: Clock, dynamodb: Any, table_name: str
) -> None:
    clock.now = dt.datetime(2026, 11, 27, 12, 30, tzinfo=dt.UTC)
    playing = service.book("2026-11-27T13:00|Court B", "ann")
    later = service.book("2026-11-27T15:00|Court B", "ben")
    clock.now = dt.datetime(2026, 11, 27, 13, 30, tzinfo=dt.UTC)
    made = ClubAdmin(service).close(
        close_request(start="2026-11-27T13:30", end="2026-11-27T17:00", reason="a storm", cancel_affected=True)
    )
    assert [b.booking_id for b in made.affected] == [playing.booking_id]
    assert [b.booking_id for b in made.cancelled] == [later.booking_id]
    assert service.get("ann", playing.booking_id).status == "confirmed"
    assert service.get("ben", later.booking_id).cancelled_by == "closure"


# --- listing and reopening ----------------------------------------------------------------------------


def test_closures_lists_those_not_over_by_start(admin: ClubAdmin, clock: Clock) -> None:
    later = admin.close(close_request(start="2026-12-14T08:00", end="2026-12-18T21:00", reason="resurfacing"))
    sooner = admin.close(close_request(court=None, start="2026-11-27T12:00", end="2026-11-27T15:00"))
    listed = admin.closures()
    assert [c.closure_id for c in listed.closures] == [sooner.closure.closure_id, later.closure.closure_id]
    assert listed.message == (
        "2 closures: The club is closed from Friday 27 November 12:00 to Friday 27 November 15:00 for coaching. "
        "Court B is closed from Monday 14 December 08:00 to Friday 18 December 21:00 for resurfacing."
    )
    clock.now = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)  # the first has just ended
    assert [c.closure_id for c in admin.closures().closures] == [later.closure.closure_id]


def test_reopen_frees_the_slots_and_removes_the_closure(
    admin: ClubAdmin, dynamodb: Any, table_name: str, service: BookingService
) -> None:
    service.book("2026-11-30T10:00|Court B", "ann")
    made = admin.close(close_request(start="2026-11-30T14:00", end="2026-12-01T12:00"))
    reopened = admin.reopen(made.closure.closure_id)
    assert reopened.closure_id == made.closure.closure_id
    assert closure_items(dynamodb, table_name) == []
    assert closed_units(day_items(dynamodb, table_name, MON)) == {}
    assert admin.closures().closures == []
    assert [i["sk"]["S"] for i in day_items(dynamodb, table_name, MON)] == ["SLOT#10:00#Court B"]  # the booking stays
    assert service.book("2026-11-30T15:00|Court B", "ben").court == "Court B"  # bookable again


def test_reopening_one_of_two_keeps_the_other(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    coaching = admin.close(close_request(start="2026-11-30T14:00", end="2026-11-30T16:00"))
    admin.close(close_request(start="2026-11-30T15:00", end="2026-11-30T18:00", reason="a lesson"))
    admin.reopen(coaching.closure.closure_id)
    assert hours_of(dynamodb, table_name, MON, "Court B") == ["15:00", "16:00", "17:00"]
    assert {info.reason for info in closed_units(day_items(dynamodb, table_name, MON)).values()} == {"a lesson"}


def test_reopening_a_closure_that_is_not_there_is_not_found(admin: ClubAdmin, dynamodb: Any, table_name: str) -> None:
    made = admin.close(close_request())
    admin.reopen(made.closure.closure_id)
    with pytest.raises(ClosureNotFound, match=f"no closure with id {made.closure.closure_id}") as refused:
        admin.reopen(made.closure.closure_id)
    assert refused.value.code == "NOT_FOUND"
    assert closure_items(dynamodb, table_name) == []


# --- a fault midway -------------------------------------------------------------------------------------


class FailingOnUpdate:
    """A DynamoDB client that throttles the Nth UpdateItem (counting from 1), and passes everything else on."""

    def __init__(self, client: Any, nth: int) -> None:
        self._client, self._nth, self.updates = client, nth, 0

    def update_item(self, **kwargs: Any) -> Any:
        self.updates += 1
        if self.updates == self._nth:
            error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
            raise ClientError(error, "UpdateItem")
        return self._client.update_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_a_fault_midway_leaves_an_incomplete_closure_that_reopen_removes_entirely(
    service: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    held = service.book("2026-11-30T10:00|Court A", "ann")
    before = table_items(dynamodb, table_name)
    flaky = BookingService(FailingOnUpdate(dynamodb, nth=4), table_name, service.facility, clock=clock)
    whole_club = close_request(court=None, start="2026-11-30T08:00", end="2026-12-01T21:00")  # 2 days x 3 courts
    with pytest.raises(ServiceUnavailable) as fault:
        ClubAdmin(flaky).close(whole_club)
    message = fault.value.message
    assert "throttling" in message
    assert "after 3 of its 6 court-days" in message
    assert "listed incomplete" in message
    admin = ClubAdmin(service)
    [incomplete] = admin.closures().closures
    assert incomplete.complete is False
    assert incomplete.closure_id in message
    assert "was interrupted while it was made: delete it or close again" in admin.closures().message
    assert len([i for i in closure_items(dynamodb, table_name) if i["pk"]["S"] != "CLOSURES"]) == 3

    admin.reopen(incomplete.closure_id)
    assert table_items(dynamodb, table_name) == before  # the booking's items, and nothing of the closure
    assert service.get("ann", held.booking_id).status == "confirmed"


def test_closing_again_after_a_fault_finishes_the_same_closure(
    service: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    service.book("2026-12-01T10:00|Court C", "ann")
    flaky = BookingService(FailingOnUpdate(dynamodb, nth=5), table_name, service.facility, clock=clock)
    whole_club = close_request(court=None, start="2026-11-30T08:00", end="2026-12-01T21:00")
    with pytest.raises(ServiceUnavailable):
        ClubAdmin(flaky).close(whole_club)
    finished = ClubAdmin(service).close(whole_club)
    [listed] = ClubAdmin(service).closures().closures
    assert (listed.closure_id, listed.complete) == (finished.closure.closure_id, True)
    assert [b.user_id for b in finished.affected] == ["ann"]
    for date in (MON, TUE):
        for court in ("Court A", "Court B", "Court C"):
            assert hours_of(dynamodb, table_name, date, court) == [f"{h:02d}:00" for h in range(8, 21)]


def test_a_fault_writing_the_last_step_says_the_closure_is_incomplete(
    service: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    flaky = BookingService(FailingOnUpdate(dynamodb, nth=2), table_name, service.facility, clock=clock)
    with pytest.raises(ServiceUnavailable, match="stopped before it was complete: it is listed incomplete"):
        ClubAdmin(flaky).close(close_request())  # one marker (update 1), then complete (update 2)
    [listed] = ClubAdmin(service).closures().closures
    assert listed.complete is False


# --- daylight saving: wall times are kept ------------------------------------------------------------------


@pytest.fixture
def london_midnight_club(table_name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A club in Europe/London open 00:00-06:00, so the hour the clocks change falls in its hours."""

    def make(day_before: dt.date) -> ClubAdmin:
        monkeypatch.setenv("FACILITY_TIMEZONE", "Europe/London")
        monkeypatch.setenv("OPENING_TIME", "00:00")
        monkeypatch.setenv("CLOSING_TIME", "06:00")
        config.reset()
        noon = dt.datetime.combine(day_before, dt.time(12), tzinfo=config.facility().timezone)
        return ClubAdmin(BookingService(boto3.client("dynamodb"), table_name, config.facility(), clock=Clock(noon)))

    return make


def test_a_closure_over_the_clocks_going_forward_keeps_its_wall_times(
    london_midnight_club: Any, dynamodb: Any, table_name: str
) -> None:
    forward = dt.date(2027, 3, 28)  # 01:00-02:00 does not exist
    admin = london_midnight_club(forward - dt.timedelta(days=1))
    admin.close(close_request(court="Court A", start="2027-03-27T04:00", end="2027-03-28T03:00"))
    assert hours_of(dynamodb, table_name, forward - dt.timedelta(days=1), "Court A") == ["04:00", "05:00"]
    assert hours_of(dynamodb, table_name, forward, "Court A") == ["00:00", "02:00"]  # no 01:00 that day
    with pytest.raises(Closed, match="Court A is closed until Sunday 28 March at 03:00"):
        admin._service.book("2027-03-28T02:00|Court A", "ann")
    assert admin._service.book("2027-03-28T03:00|Court A", "ann").time == "03:00"
    with pytest.raises(InvalidRequest, match="01:30 does not exist on Sunday 28 March 2027"):
        admin.close(close_request(court="Court A", start="2027-03-28T00:00", end="2027-03-28T01:30"))


def test_a_closure_over_the_clocks_going_back_keeps_its_wall_times(
    london_midnight_club: Any, dynamodb: Any, table_name: str
) -> None:
    back = dt.date(2027, 10, 31)  # 01:00-02:00 happens twice
    admin = london_midnight_club(back - dt.timedelta(days=1))
    made = admin.close(close_request(court="Court A", start="2027-10-31T00:00", end="2027-10-31T02:00"))
    assert hours_of(dynamodb, table_name, back, "Court A") == ["00:00", "01:00"]
    assert "from Sunday 31 October 00:00 to Sunday 31 October 02:00" in made.message
    # it is over at 02:00 GMT (three hours after midnight BST), not a moment sooner
    admin._service._clock.now = dt.datetime(2027, 10, 31, 1, 59, tzinfo=dt.UTC)
    assert [c.closure_id for c in admin.closures().closures] == [made.closure.closure_id]
    admin._service._clock.now = dt.datetime(2027, 10, 31, 2, 0, tzinfo=dt.UTC)
    assert admin.closures().closures == []
