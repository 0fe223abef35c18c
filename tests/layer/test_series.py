"""Recurring bookings (courtbooking/series.py): every date previewed before anything is booked, the free ones
booked each atomically or all of them or none, a report naming every date, and the series cancelled as a unit.

The clock is Friday 27 November 2026 13:30 in UTC (the club's zone); Tuesdays are 1, 8, 15, 22, 29 December and
5 January. What a person would notice is asserted: the answers, word for word where they matter, and the table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from recurring import Recurring

from courtbooking.booking_service import BookingService
from courtbooking.contracts import SeriesBookRequest
from courtbooking.errors import InvalidRequest, LimitReached, NotFound, ServiceUnavailable, SlotInvalid, SlotTaken
from courtbooking.models import SeriesSpec
from tests.conftest import Clock, booked_slots, table_items
from tests.layer.test_waitlist import FailingCall, with_facility

TUESDAYS = [dt.date(2026, 12, 1) + dt.timedelta(weeks=n) for n in range(6)]


@pytest.fixture
def club(service: BookingService) -> BookingService:
    """A club that books 60 days ahead and lets a person hold 10 bookings: a 6-week series fits."""
    return with_facility(service, horizon_days=60, max_active_bookings=10)


def spec(**fields: Any) -> SeriesSpec:
    return SeriesSpec.model_validate({"weekdays": [2], "time": "19:00", "weeks": 6, "court": "Court A"} | fields)


def book(service: BookingService, user: str = "alice", all_or_none: bool = False, **fields: Any) -> Any:
    request = SeriesBookRequest(operation="series_book", user_id=user, series=spec(**fields), all_or_none=all_or_none)
    return Recurring(service).book(request)


def held(dynamodb: Any, table: str, user: str = "alice") -> list[tuple[str, str, str]]:
    """(date, time, court) of every slot the user holds, in order."""
    return sorted(
        (s["date"]["S"], s["time"]["S"], s["court"]["S"])
        for s in booked_slots(dynamodb, table)
        if s["user_id"]["S"] == user
    )


def take_weeks_2_and_5(service: BookingService) -> None:
    for date in (TUESDAYS[1], TUESDAYS[4]):
        service.book(f"{date}T19:00|Court A", "bob")


def test_six_weeks_with_weeks_2_and_5_taken_preview_exactly_then_book_four_and_report_each(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    take_weeks_2_and_5(club)
    before = table_items(dynamodb, table_name)
    preview = Recurring(club).preview("alice", spec())
    assert table_items(dynamodb, table_name) == before  # a preview writes nothing
    assert [(o.date, o.status, o.court) for o in preview.occurrences] == [
        (TUESDAYS[0], "free", "Court A"),
        (TUESDAYS[1], "taken", "Court A"),
        (TUESDAYS[2], "free", "Court A"),
        (TUESDAYS[3], "free", "Court A"),
        (TUESDAYS[4], "taken", "Court A"),
        (TUESDAYS[5], "free", "Court A"),
    ]
    assert preview.series_id is None
    assert preview.occurrences[0].slot_id == "2026-12-01T19:00|Court A"
    assert [s.time for s in preview.occurrences[1].nearest] == ["18:00", "20:00", "17:00"]
    assert preview.occurrences[1].waitlist is True
    assert preview.message == (
        "Every Tuesday at 19:00 from Friday 27 November to Thursday 7 January: 4 free, 2 taken.\n"
        "- Tuesday 1 December: free on Court A\n"
        "- Tuesday 8 December: taken; nearest free 18:00 or 20:00, or join its waitlist\n"
        "- Tuesday 15 December: free on Court A\n"
        "- Tuesday 22 December: free on Court A\n"
        "- Tuesday 29 December: taken; nearest free 18:00 or 20:00, or join its waitlist\n"
        "- Tuesday 5 January: free on Court A"
    )


def test_the_sixth_week_ends_on_the_sixth_tuesday(club: BookingService) -> None:
    # six weeks from Tuesday 1 December end on Monday 11 January: the sixth Tuesday is 5 January
    series = Recurring(club).preview("alice", spec(first="2026-12-01"))
    assert [o.date for o in series.occurrences] == TUESDAYS
    assert series.last == dt.date(2027, 1, 11)


def test_book_them_books_the_four_free_dates_and_the_report_names_every_date(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    take_weeks_2_and_5(club)
    report = book(club, first="2026-12-01")
    assert [(o.date, o.status) for o in report.occurrences] == [
        (TUESDAYS[0], "booked"),
        (TUESDAYS[1], "taken"),
        (TUESDAYS[2], "booked"),
        (TUESDAYS[3], "booked"),
        (TUESDAYS[4], "taken"),
        (TUESDAYS[5], "booked"),
    ]
    assert report.message == (
        "Booked 4 of 6 dates every Tuesday at 19:00 from Tuesday 1 December to Monday 11 January:\n"
        "- Tuesday 1 December: booked on Court A\n"
        "- Tuesday 8 December: taken; nearest free 18:00 or 20:00, or join its waitlist\n"
        "- Tuesday 15 December: booked on Court A\n"
        "- Tuesday 22 December: booked on Court A\n"
        "- Tuesday 29 December: taken; nearest free 18:00 or 20:00, or join its waitlist\n"
        "- Tuesday 5 January: booked on Court A"
    )
    assert held(dynamodb, table_name) == [(str(TUESDAYS[n]), "19:00", "Court A") for n in (0, 2, 3, 5)]
    assert {o.booking_id for o in report.occurrences if o.status == "booked"} == {
        b.booking_id for b in club.upcoming("alice").bookings
    }
    shown = Recurring(club).get("alice", report.series_id)
    assert [(o.date, o.status) for o in shown.occurrences] == [(o.date, o.status) for o in report.occurrences]
    assert shown.message.startswith("Your series every Tuesday at 19:00 from Tuesday 1 December to Monday 11 January: ")


def test_all_or_none_with_one_date_taken_books_nothing_and_names_it(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    club.book(f"{TUESDAYS[3]}T19:00|Court A", "bob")
    before = table_items(dynamodb, table_name)
    with pytest.raises(SlotTaken) as refused:
        book(club, first="2026-12-01", all_or_none=True)
    assert refused.value.message == (
        "All or none: nothing was booked, because not every date can be booked (Tuesday 22 December: taken; "
        "nearest free 18:00 or 20:00, or join its waitlist)."
    )
    assert table_items(dynamodb, table_name) == before


def test_all_or_none_books_every_date_in_one_transaction(club: BookingService, dynamodb: Any, table_name: str) -> None:
    calls: list[str] = []

    class Counting:
        def __getattr__(self, name: str) -> Any:
            calls.append(name)
            return getattr(dynamodb, name)

    counting = BookingService(Counting(), table_name, club.facility, clock=club._clock)
    report = book(counting, first="2026-12-01", all_or_none=True)
    assert calls.count("transact_write_items") == 1
    assert [o.status for o in report.occurrences] == ["booked"] * 6
    assert report.all_or_none is True
    assert held(dynamodb, table_name) == [(str(d), "19:00", "Court A") for d in TUESDAYS]
    weeks = {
        i["sk"]["S"]: i["count"]["N"] for i in table_items(dynamodb, table_name) if i["sk"]["S"].startswith("WEEK#")
    }
    assert sorted(weeks.values()) == ["1"] * 6


def test_all_or_none_past_the_limit_books_nothing_and_says_the_count(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    roomy = with_facility(service, horizon_days=60)  # 3 upcoming bookings at most
    with pytest.raises(LimitReached) as refused:
        book(roomy, all_or_none=True, weeks=4)
    assert refused.value.message == (
        "All or none: nothing was booked. 4 more bookings would make 4, and at most 3 upcoming bookings are allowed."
    )
    assert table_items(dynamodb, table_name) == []


def test_the_limit_applies_to_every_date_and_the_refused_ones_say_so(
    service: BookingService, dynamodb: Any, table_name: str
) -> None:
    roomy = with_facility(service, horizon_days=60)  # 3 upcoming bookings at most
    report = book(roomy, weeks=5)
    assert [o.status for o in report.occurrences] == ["booked"] * 3 + ["limit"] * 2
    assert report.occurrences[3].message == (
        "You already have 3 upcoming bookings, the most allowed; cancel one to book another."
    )
    assert len(held(dynamodb, table_name)) == 3


def test_dates_beyond_the_horizon_are_not_bookable_yet_and_said_so(service: BookingService) -> None:
    preview = Recurring(service).preview("alice", spec())  # the default horizon: 14 days, until 11 December
    assert [o.status for o in preview.occurrences] == ["free", "free"] + ["beyond_horizon"] * 4
    assert preview.occurrences[2].message == "Courts can be booked up to 14 days ahead (until Friday 11 December)"
    assert "2 free, 4 beyond horizon" in preview.message


def test_a_closed_date_and_a_held_time_are_reported_as_such(club: BookingService) -> None:
    from courtbooking.closures import ClubAdmin
    from courtbooking.contracts import CloseRequest

    closing = CloseRequest(
        operation="close",
        admin_id="staff",
        court="Court A",
        start=f"{TUESDAYS[1]}T18:00",
        end=f"{TUESDAYS[1]}T21:00",
        reason="coaching",
    )
    ClubAdmin(club).close(closing)
    club.book(f"{TUESDAYS[2]}T19:00|Court B", "alice")
    preview = Recurring(club).preview("alice", spec(weeks=3))
    assert [o.status for o in preview.occurrences] == ["free", "closed", "already_booked"]
    assert "coaching" in preview.occurrences[1].message
    assert preview.occurrences[2].message == "You already have Court B on Tuesday 15 December at 19:00 for 1 hour"


def test_without_a_court_the_series_keeps_to_the_court_free_most_often(club: BookingService) -> None:
    for date in TUESDAYS[:3]:
        club.book(f"{date}T19:00|Court A", "bob")
    report = book(club, court=None, weeks=4)
    assert [o.court for o in report.occurrences] == ["Court B"] * 4


def test_cancelling_the_series_cancels_only_dates_that_have_not_started(
    club: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    report = book(club, weeks=3)
    clock.now = dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC)  # the first Tuesday has been played
    cancelled = Recurring(club).cancel("alice", report.series_id)
    assert [o.status for o in cancelled.occurrences] == ["played", "cancelled", "cancelled"]
    assert cancelled.cancelled_at is not None
    assert "(cancelled)" in cancelled.message
    assert held(dynamodb, table_name) == [(str(TUESDAYS[0]), "19:00", "Court A")]  # the played one's record stays


def test_skipping_one_date_cancels_only_it(club: BookingService, dynamodb: Any, table_name: str) -> None:
    report = book(club, weeks=3)
    skipped = Recurring(club).cancel("alice", report.series_id, TUESDAYS[1])
    assert [o.status for o in skipped.occurrences] == ["booked", "cancelled", "booked"]
    assert skipped.cancelled_at is None
    assert held(dynamodb, table_name) == [(str(TUESDAYS[n]), "19:00", "Court A") for n in (0, 2)]
    with pytest.raises(NotFound) as again:
        Recurring(club).cancel("alice", report.series_id, TUESDAYS[1])
    assert again.value.message == "This series has no booked date on Tuesday 8 December 2026 that has not started."


def test_a_moved_date_is_shown_where_it_is_now(club: BookingService) -> None:
    report = book(club, weeks=2)
    club.move("alice", report.occurrences[1].booking_id, f"{TUESDAYS[1]}T20:00|Court C")
    shown = Recurring(club).get("alice", report.series_id)
    assert (shown.occurrences[1].status, shown.occurrences[1].time, shown.occurrences[1].court) == (
        "booked",
        "20:00",
        "Court C",
    )


def test_someone_elses_series_is_not_found_and_never_listed(club: BookingService) -> None:
    report = book(club, weeks=2)
    with pytest.raises(NotFound) as hidden:
        Recurring(club).get("mallory", report.series_id)
    assert hidden.value.message == f"No series {report.series_id} of yours."
    with pytest.raises(NotFound):
        Recurring(club).cancel("mallory", report.series_id)
    assert Recurring(club).series("mallory").series == []
    assert [s.series_id for s in Recurring(club).series("alice").series] == [report.series_id]
    assert [o.status for o in Recurring(club).get("alice", report.series_id).occurrences] == ["booked", "booked"]


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            {"first": "2026-11-20"},
            "A series begins today (Friday 27 November) or later, not on Friday 20 November 2026.",
        ),
        (
            {"first": "2026-12-10", "weeks": None, "until": "2026-12-01"},
            "A series cannot end (Tuesday 1 December 2026) before it begins (Thursday 10 December 2026).",
        ),
        (
            {"first": "2026-12-02", "weeks": None, "until": "2026-12-07"},
            "There is no date every Tuesday at 19:00 from Wednesday 2 December to Monday 7 December.",
        ),
        ({"weekdays": [1, 2, 3, 4, 5], "weeks": 6}, "A series has at most 26 dates; this one has 30."),
        ({"court": "Court Z"}, "there is no court called 'Court Z'; courts: Court A, Court B, Court C"),
    ],
)
def test_refusals_name_the_rule_and_write_nothing(
    club: BookingService, dynamodb: Any, table_name: str, fields: dict[str, Any], said: str
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        book(club, **fields)
    assert refused.value.message.startswith(said)
    assert table_items(dynamodb, table_name) == []


def test_a_series_spec_names_exactly_one_end() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        SeriesSpec.model_validate({"weekdays": [2], "time": "19:00"})
    with pytest.raises(ValueError, match="exactly one"):
        SeriesSpec.model_validate({"weekdays": [2], "time": "19:00", "weeks": 2, "until": "2026-12-20"})
    with pytest.raises(ValueError, match="once"):
        SeriesSpec.model_validate({"weekdays": [2, 2], "time": "19:00", "weeks": 2})


def test_a_series_across_the_clocks_going_forward_keeps_its_wall_time(
    service: BookingService, dynamodb: Any, table_name: str, clock: Clock
) -> None:
    london = with_facility(service, timezone=ZoneInfo("Europe/London"), horizon_days=60, max_active_bookings=10)
    clock.now = dt.datetime(2027, 3, 19, 12, tzinfo=dt.UTC)  # Friday; the clocks go forward on Sunday 28 March
    report = book(london, weekdays=[7], time="10:00", weeks=3)
    assert [(o.date, o.status) for o in report.occurrences] == [
        (dt.date(2027, 3, 21), "booked"),
        (dt.date(2027, 3, 28), "booked"),
        (dt.date(2027, 4, 4), "booked"),
    ]
    starts = sorted(b.starts_at for b in _bookings(dynamodb, table_name))
    assert starts == ["2027-03-21T10:00:00+00:00", "2027-03-28T09:00:00+00:00", "2027-04-04T09:00:00+00:00"]


def test_a_wall_time_the_clocks_skip_is_reported_not_booked(service: BookingService, clock: Clock) -> None:
    london = with_facility(
        service,
        timezone=ZoneInfo("Europe/London"),
        horizon_days=60,
        max_active_bookings=10,
        opening=dt.time(0),
        weekly_hours=None,
    )
    clock.now = dt.datetime(2027, 3, 19, 12, tzinfo=dt.UTC)
    assert london.facility.hours_on(dt.date(2027, 3, 28))[0] == 0  # type: ignore[index]
    preview = Recurring(london).preview("alice", spec(weekdays=[7], time="01:00", weeks=2, court=None))
    assert [o.status for o in preview.occurrences] == ["free", "unavailable"]
    assert "the clocks go forward" in preview.occurrences[1].message


@dataclasses.dataclass
class _Booked:
    starts_at: str


def _bookings(dynamodb: Any, table_name: str) -> list[_Booked]:
    return [
        _Booked(i["starts_at"]["S"])
        for i in table_items(dynamodb, table_name)
        if i["pk"]["S"].startswith("BOOKING#") and i["sk"]["S"] == "BOOKING"
    ]


@pytest.mark.parametrize("lost", [False, True], ids=["refused", "answer-lost"])
def test_a_fault_at_every_step_of_booking_a_series_loses_and_doubles_nothing(
    club: BookingService, dynamodb: Any, table_name: str, lost: bool
) -> None:
    """Whatever call fails, each date is booked once at most and, if booked, in the series; booking it again
    afterwards (a new series) books the rest, never a date twice."""
    steps = None
    for nth in range(1, 30):
        for item in table_items(dynamodb, table_name):
            dynamodb.delete_item(TableName=table_name, Key={"pk": item["pk"], "sk": item["sk"]})
        flaky = FailingCall(dynamodb, nth=nth, lost=lost)
        failing = BookingService(flaky, table_name, club.facility, clock=club._clock)
        try:
            book(failing, weeks=3)
        except ServiceUnavailable:
            pass
        else:
            steps = steps or nth
        slots = held(dynamodb, table_name)
        assert len(slots) == len(set(slots)) <= 3
        recorded = {o.booking_id for s in Recurring(club).series("alice").series for o in s.occurrences if o.booking_id}
        assert recorded == {b.booking_id for b in club.upcoming("alice").bookings}  # every booking is in the series
        again = book(club, weeks=3)
        assert held(dynamodb, table_name) == [(str(d), "19:00", "Court A") for d in TUESDAYS[:3]]
        assert {o.status for o in again.occurrences} <= {"booked", "already_booked"}
        if steps:
            break
    assert (steps or 0) >= 6


def test_an_invalid_duration_is_refused(club: BookingService) -> None:
    with pytest.raises((InvalidRequest, SlotInvalid)):
        Recurring(club).preview("alice", spec(duration_minutes=45))


def test_all_or_none_past_the_weekly_limit_books_nothing(club: BookingService, dynamodb: Any, table_name: str) -> None:
    weekly = with_facility(club, max_bookings_per_week=1)
    with pytest.raises(LimitReached) as refused:
        book(weekly, all_or_none=True, weekdays=[2, 4], weeks=1, first="2026-11-30")
    assert refused.value.message == (
        "All or none: nothing was booked. 2 of its dates fall in the week of Monday 30 November, where you have 0, "
        "and at most 1 court a week can be booked."
    )
    assert table_items(dynamodb, table_name) == []
    report = book(weekly, weekdays=[2, 4], weeks=1, first="2026-11-30")  # the free ones: the first, then the limit
    assert [o.status for o in report.occurrences] == ["booked", "limit"]


def test_a_second_series_over_the_same_dates_holds_none_of_the_first_ones_bookings(club: BookingService) -> None:
    first = book(club, weeks=2)
    second = book(club, weeks=2)
    assert [o.status for o in second.occurrences] == ["already_booked", "already_booked"]
    assert all(o.booking_id is None for o in second.occurrences)
    listed = Recurring(club).series("alice").series  # one read of every date's booking, each once
    assert sorted(s.series_id for s in listed) == sorted([first.series_id, second.series_id])
    Recurring(club).cancel("alice", second.series_id)
    assert [o.status for o in Recurring(club).get("alice", first.series_id).occurrences] == ["booked", "booked"]


def test_skipping_a_date_inside_the_cut_off_is_refused_and_it_stays(club: BookingService, clock: Clock) -> None:
    from courtbooking.errors import TooLate

    report = book(club, weeks=2)
    clock.now = dt.datetime(2026, 12, 1, 18, tzinfo=dt.UTC)  # an hour before the first Tuesday's 19:00
    with pytest.raises(TooLate):
        Recurring(club).cancel("alice", report.series_id, TUESDAYS[0])
    assert [o.status for o in Recurring(club).get("alice", report.series_id).occurrences] == ["booked", "booked"]


@pytest.mark.parametrize(
    "fields",
    [{"first": "9999-12-30", "weeks": 1}, {"weeks": None, "until": "9999-12-31", "weekdays": [1, 2, 3, 4, 5, 6, 7]}],
)
def test_a_span_far_off_or_too_long_is_refused_before_any_date_is_made(club: BookingService, fields: Any) -> None:
    with pytest.raises(InvalidRequest, match="at most 26 weeks"):
        Recurring(club).preview("alice", spec(**fields))


def test_every_other_week_counts_from_the_first_dates_week(club: BookingService) -> None:
    preview = Recurring(club).preview("alice", spec(weeks=6, every_weeks=2))
    assert [o.date for o in preview.occurrences] == [TUESDAYS[0], TUESDAYS[2], TUESDAYS[4]]
    assert preview.message.startswith("Every other Tuesday at 19:00 ")


def test_a_retry_with_the_same_key_goes_on_with_the_same_series(
    club: BookingService, dynamodb: Any, table_name: str
) -> None:
    request = SeriesBookRequest(
        operation="series_book", user_id="alice", series=spec(weeks=3), idempotency_key="tuesdays-1"
    )
    flaky = FailingCall(dynamodb, nth=9)  # the third date's booking fails: two are booked, then a 5xx
    failing = BookingService(flaky, table_name, club.facility, clock=club._clock)
    with pytest.raises(ServiceUnavailable):
        Recurring(failing).book(request)
    [interrupted] = Recurring(club).series("alice").series
    assert [o.status for o in interrupted.occurrences].count("pending") >= 1
    again = Recurring(club).book(request)
    assert again.series_id == interrupted.series_id
    assert [o.status for o in again.occurrences] == ["booked"] * 3
    assert [s.series_id for s in Recurring(club).series("alice").series] == [again.series_id]
    assert held(dynamodb, table_name) == [(str(d), "19:00", "Court A") for d in TUESDAYS[:3]]
