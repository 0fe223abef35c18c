"""100 people at once, over HTTP, against the local stack: nobody double-books and nothing is lost.

Every request is a different person (X-User-Id) and all 100 are released at the
same moment. The stack runs as `make run` starts it: up to 4 workers per
function, a call beyond that waits for a free one, so what is measured is what
a person would see on this machine (the figures are printed; run with -s).
Afterwards the bookings table is read directly: every booking someone was told
about is stored, whole, and listed as theirs; no slot is held by two bookings;
and nothing is stored that nobody was told about.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from benchmarks.load import Outcome, post_chat, report
from local.dynamodb import all_items
from tests import clock

pytestmark = pytest.mark.slow

CLIENTS = 100
COURTS = ["Court A", "Court B", "Court C"]  # template.yaml's Courts default
HOURS = range(8, 21)  # 08:00 opening, 21:00 closing, 60-minute slots
SLOT_MINUTES = 60


def facility_today() -> dt.date:
    return clock.today()


def all_at_once(url: str, requests: list[tuple[str, str]]) -> tuple[list[Outcome], dict[str, Any]]:
    """Send every (user, message) to POST /chat at the same moment; the outcomes and the load figures."""
    start = threading.Barrier(len(requests))

    def one(request: tuple[str, str]) -> Outcome:
        start.wait(timeout=60)
        return post_chat(url, *request)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        began = time.perf_counter()
        outcomes = list(pool.map(one, requests))
        wall = time.perf_counter() - began
    figures = report(outcomes, wall)
    print(f"\n{json.dumps(figures)}")
    return outcomes, figures


def answered(outcomes: list[Outcome], figures: dict[str, Any]) -> None:
    """Every person got a 200 answer: no error, no dropped connection, no timeout."""
    errors = [(o.status, o.body) for o in outcomes if o.status != 200]
    assert not errors, f"{len(errors)} of {len(outcomes)} got no answer or an error: {errors[:5]}; {figures}"


def table_items(bookings_table: Any) -> list[dict[str, Any]]:
    client, name = bookings_table
    return all_items(client, name)


def units(start: str, minutes: int) -> list[str]:
    first = dt.datetime.strptime(start, "%H:%M")
    return [(first + dt.timedelta(minutes=m)).strftime("%H:%M") for m in range(0, minutes, SLOT_MINUTES)]


def assert_stored(bookings_table: Any, told: list[dict[str, Any]], days: set[str]) -> None:
    """The table holds exactly the bookings people were told about on these days, each slot once."""
    items = table_items(bookings_table)
    stored = {i["booking_id"]["S"]: i for i in items if i["pk"]["S"].startswith("BOOKING#")}
    on_days = {bid: i for bid, i in stored.items() if i["date"]["S"] in days}

    for booking in told:
        item = stored.get(booking["booking_id"])
        assert item is not None, f"booking {booking['booking_id']} was confirmed but is not in the table"
        assert (item["court"]["S"], item["date"]["S"], item["booked_time"]["S"], item["user_id"]["S"]) == (
            booking["court"],
            booking["date"],
            booking["time"],
            booking["user_id"],
        )
    assert set(on_days) == {b["booking_id"] for b in told}, "a booking is stored that nobody was told about"

    holders: dict[tuple[str, str, str], list[str]] = {}
    for bid, item in on_days.items():
        for unit in units(item["booked_time"]["S"], int(item["duration_minutes"]["N"])):
            holders.setdefault((item["date"]["S"], unit, item["court"]["S"]), []).append(bid)
    held_twice = {slot: ids for slot, ids in holders.items() if len(ids) > 1}
    assert not held_twice, f"slots held by more than one booking: {held_twice}"

    slot_items = {
        (i["pk"]["S"].removeprefix("DAY#"), i["time"]["S"], i["court"]["S"]): i["booking_id"]["S"]
        for i in items
        if i["pk"]["S"].startswith("DAY#") and i["pk"]["S"].removeprefix("DAY#") in days
    }
    assert slot_items == {slot: ids[0] for slot, ids in holders.items()}, "slot items and bookings disagree"

    active = {
        i["pk"]["S"].removeprefix("USER#"): i
        for i in items
        if i["pk"]["S"].startswith("USER#") and i["sk"]["S"] == "ACTIVE"
    }
    for booking in told:
        listed = json.dumps(active.get(booking["user_id"], {}))
        assert booking["booking_id"] in listed, f"{booking['user_id']}'s bookings do not list {booking['booking_id']}"


def test_100_people_asking_for_the_same_start_get_one_court_each(api_url: str, bookings_table: Any) -> None:
    day = (facility_today() + dt.timedelta(days=2)).isoformat()
    requests = [(f"same-{n}", f"Book a court on {day} at 15:00") for n in range(CLIENTS)]

    outcomes, figures = all_at_once(api_url, requests)

    answered(outcomes, figures)
    statuses = Counter(o.body["status"] for o in outcomes)
    assert statuses == {"booked": len(COURTS), "alternatives": CLIENTS - len(COURTS)}, figures
    booked = [o.body["booking"] for o in outcomes if o.body["status"] == "booked"]
    assert sorted(b["court"] for b in booked) == COURTS
    assert {(b["date"], b["time"]) for b in booked} == {(day, "15:00")}
    offered = [s for o in outcomes if o.body["status"] == "alternatives" for s in o.body["slots"]]
    assert offered, "the people who missed out were offered no other time"
    # other times that day, or 15:00 on the nearest other days; never the full start itself
    assert all((s["date"] == day) != (s["time"] == "15:00") for s in offered)
    assert_stored(bookings_table, booked, {day})


def test_100_people_asking_for_100_free_slots_all_get_theirs(api_url: str, bookings_table: Any) -> None:
    today = facility_today()
    slots = [
        ((today + dt.timedelta(days=offset)).isoformat(), f"{hour:02d}:00", court)
        for offset in (3, 4, 5)
        for hour in HOURS
        for court in COURTS
    ][:CLIENTS]
    requests = [
        (f"distinct-{n}", f"book {court.replace('Court', 'court')} on {day} at {start}")
        for n, (day, start, court) in enumerate(slots)
    ]

    outcomes, figures = all_at_once(api_url, requests)

    answered(outcomes, figures)
    assert Counter(o.body["status"] for o in outcomes) == {"booked": CLIENTS}, figures
    booked = [o.body["booking"] for o in outcomes]
    assert [(b["date"], b["time"], b["court"]) for b in booked] == slots, "someone got a slot they did not ask for"
    assert_stored(bookings_table, booked, {day for day, _, _ in slots})
