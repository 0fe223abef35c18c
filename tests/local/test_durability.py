"""Nothing the local DynamoDB acknowledged is lost: moto killed, the whole stack killed, the files on disk.

The tests kill for real (SIGKILL, no chance to clean up) while clients book and
cancel over HTTP, then read every item of the bookings table and check each
acknowledged answer against it, and the table against itself (`check_consistency`):
a booking is whole (its BOOKING item, every slot item it covers, its entry in
its user's item), cancelled (its BOOKING item alone, marked cancelled) or absent,
never in part. `Store`, the journal and snapshot
behind it, is checked on its own with the moto server process it runs in
(`python -m local.dynamodb`), crashed at the moments that matter.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local import dynamodb, template
from local.dynamodb import MotoServer, Store
from local.stack import LOCAL_TABLE_NAME, LocalStack, local_tables
from tests import clock
from tests.local.conftest import LogCapture, RunCommand, request, wait_for_health
from tests.local.test_commands import alive, children_of

pytestmark = pytest.mark.slow

DEFAULTS = template.parameter_defaults()
COURTS = [court.strip() for court in DEFAULTS["Courts"].split(",")]
SLOT_MINUTES = int(DEFAULTS["SlotMinutes"])
FIRST_HOUR = int(DEFAULTS["OpeningTime"].split(":")[0])
LAST_HOUR = int(DEFAULTS["ClosingTime"].split(":")[0]) - 1  # the last slot starts an hour before closing
DEAD = {None, 502, 503, 504}  # no answer, or a failure answer: the write may or may not have been made


# --- the invariant ----------------------------------------------------------------------


def _units(start: str, duration_minutes: int) -> list[str]:
    hours, minutes = (int(part) for part in start.split(":"))
    first = hours * 60 + minutes
    return [
        f"{(first + n * SLOT_MINUTES) // 60:02d}:{(first + n * SLOT_MINUTES) % 60:02d}"
        for n in range(duration_minutes // SLOT_MINUTES)
    ]


def _slot_keys(booking: dict[str, Any]) -> set[tuple[str, str]]:
    """(pk, sk) of every slot item a BOOKING item covers: one per slot of its duration."""
    court, date = booking["court"]["S"], booking["date"]["S"]
    units = _units(booking["booked_time"]["S"], int(booking["duration_minutes"]["N"]))
    return {(f"DAY#{date}", f"SLOT#{unit}#{court}") for unit in units}


def check_consistency(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Assert that every booking in the bookings table is whole, and nothing points to a missing one.

    - every BOOKING#<id>/BOOKING item has each DAY#<date>/SLOT#<HH:MM>#<court> item its
      duration covers, holding its booking_id and user_id, and is listed (same court, date,
      time, duration) in USER#<user>/ACTIVE's `bookings` map;
    - a cancelled one's item (status cancelled) stays alone: when and by whom, its TTL, no
      slot item and no entry in its user's map;
    - every slot item belongs to an existing BOOKING item, not cancelled, that covers it;
    - every entry of a USER item's `bookings` points to an existing BOOKING item of that user;
    - there is no other kind of item.

    (A booking that has started may leave its user's map when the user next books; the
    tests book only future slots, so for them the check is strict.) Every breach is listed
    in one AssertionError. Returns {booking_id: BOOKING item} of the bookings not cancelled.
    """
    bookings: dict[str, dict[str, Any]] = {}
    cancelled: dict[str, dict[str, Any]] = {}
    slots: dict[tuple[str, str], dict[str, Any]] = {}
    users: dict[str, dict[str, Any]] = {}
    weeks: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    for item in items:
        pk, sk = item["pk"]["S"], item["sk"]["S"]
        if pk.startswith("BOOKING#") and sk == "BOOKING" and item.get("status") == {"S": "cancelled"}:
            cancelled[pk.removeprefix("BOOKING#")] = item
        elif pk.startswith("BOOKING#") and sk == "BOOKING":
            bookings[pk.removeprefix("BOOKING#")] = item
        elif pk.startswith("DAY#") and sk.startswith("SLOT#"):
            slots[(pk, sk)] = item
        elif pk.startswith("USER#") and sk == "ACTIVE":
            users[pk.removeprefix("USER#")] = item
        elif pk.startswith("USER#") and sk.startswith("WEEK#"):
            weeks[(pk.removeprefix("USER#"), sk.removeprefix("WEEK#"))] = int(item.get("count", {}).get("N", "0"))
        elif (pk.startswith("DAY#") and sk.startswith("CLOSED#")) or pk == "CLOSURES":
            continue  # closures: these tests make none, and the check is about bookings
        else:
            problems.append(f"an item of no known kind: {pk} / {sk}")
    now = clock.now().isoformat()

    def listed(user: str) -> dict[str, Any]:
        return users.get(user, {}).get("bookings", {}).get("M", {})

    for booking_id, booking in bookings.items():
        user = booking["user_id"]["S"]
        if booking["booking_id"]["S"] != booking_id:
            problems.append(f"BOOKING#{booking_id} says its id is {booking['booking_id']['S']}")
        duration = int(booking["duration_minutes"]["N"])
        if duration <= 0 or duration % SLOT_MINUTES:
            problems.append(f"BOOKING#{booking_id} lasts {duration} minutes, not whole slots")
        for key in sorted(_slot_keys(booking)):
            slot = slots.get(key)
            if slot is None:
                problems.append(f"BOOKING#{booking_id} lacks its slot item {key}")
            elif (slot["booking_id"]["S"], slot["user_id"]["S"]) != (booking_id, user):
                problems.append(f"BOOKING#{booking_id}'s slot {key} is held by {slot['booking_id']['S']}")
        entry = listed(user).get(booking_id)
        if entry is None:
            if booking["starts_at"]["S"] > now:
                problems.append(f"BOOKING#{booking_id} is not in USER#{user}/ACTIVE")
        else:
            fields = ("court", "date", "booked_time", "duration_minutes", "starts_at")
            if {f: entry["M"].get(f) for f in fields} != {f: booking.get(f) for f in fields}:
                problems.append(f"USER#{user}/ACTIVE lists BOOKING#{booking_id} differently: {entry}")
    for booking_id, record in cancelled.items():
        kept = ("cancelled_at", "cancelled_by", "expires_at", "starts_at")
        if record["booking_id"]["S"] != booking_id or any(name not in record for name in kept):
            problems.append(f"cancelled BOOKING#{booking_id} is not a whole record: {sorted(record)}")
        elif (record["cancelled_by"]["S"], record.get("cancelled_by_id")) != ("holder", record["user_id"]):
            problems.append(f"cancelled BOOKING#{booking_id} was cancelled by {record['cancelled_by']['S']}")
        if booking_id in listed(record["user_id"]["S"]):
            problems.append(f"cancelled BOOKING#{booking_id} is still in USER#{record['user_id']['S']}/ACTIVE")
    for key, slot in slots.items():
        owner = bookings.get(slot["booking_id"]["S"])
        if slot["booking_id"]["S"] in cancelled:
            problems.append(f"slot item {key} is still held by cancelled BOOKING#{slot['booking_id']['S']}")
        elif owner is None:
            problems.append(f"slot item {key} points to a missing BOOKING#{slot['booking_id']['S']}")
        elif key not in _slot_keys(owner):
            problems.append(f"slot item {key} is not one of BOOKING#{slot['booking_id']['S']}'s slots")
    for user in users:
        for booking_id in listed(user):
            if booking_id in cancelled:
                continue  # said above
            if booking_id not in bookings:
                problems.append(f"USER#{user}/ACTIVE lists a missing BOOKING#{booking_id}")
            elif bookings[booking_id]["user_id"]["S"] != user:
                problems.append(f"USER#{user}/ACTIVE lists BOOKING#{booking_id} of {bookings[booking_id]['user_id']}")
    # Each week counter is the number of that person's bookings standing in that ISO week.
    counted: dict[tuple[str, str], int] = {}
    for booking in bookings.values():
        year, week, _ = dt.date.fromisoformat(booking["date"]["S"]).isocalendar()
        key = (booking["user_id"]["S"], f"{year}-W{week:02d}")
        counted[key] = counted.get(key, 0) + 1
    for key in sorted(set(counted) | set(weeks)):
        if counted.get(key, 0) != weeks.get(key, 0):
            problems.append(f"USER#{key[0]}/WEEK#{key[1]} counts {weeks.get(key, 0)}, not {counted.get(key, 0)}")
    assert not problems, "the bookings table is inconsistent:\n" + "\n".join(problems)
    return bookings


def table(endpoint: str) -> list[dict[str, Any]]:
    """Every item of the bookings table (strongly consistent)."""
    return dynamodb.all_items(dynamodb.client(endpoint), LOCAL_TABLE_NAME)


def holder(items: list[dict[str, Any]], slot_id: str) -> str | None:
    """The booking id holding a slot (slot id `YYYY-MM-DDTHH:MM|Court`), or None when it is free."""
    when, court = slot_id.split("|")
    date, start = when.split("T")
    for item in items:
        if item["pk"]["S"] == f"DAY#{date}" and item["sk"]["S"] == f"SLOT#{start}#{court}":
            return str(item["booking_id"]["S"])
    return None


def _one_whole_booking() -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """A two-slot booking as the booking service writes it: its item, its slot items, its user's item."""
    when, court = clock.slot_id("Court B", 11, 2).split("|")
    date, start = when.split("T")
    summary = {
        "court": {"S": court},
        "date": {"S": date},
        "booked_time": {"S": start},
        "duration_minutes": {"N": str(2 * SLOT_MINUTES)},
        "starts_at": {"S": (clock.now() + dt.timedelta(days=2)).isoformat()},
    }
    owner = {"booking_id": {"S": "b1"}, "user_id": {"S": "ann"}}
    booking = {"pk": {"S": "BOOKING#b1"}, "sk": {"S": "BOOKING"}, **owner, **summary}
    slot_items = [
        {"pk": {"S": f"DAY#{date}"}, "sk": {"S": f"SLOT#{unit}#{court}"}, "time": {"S": unit}, **owner, **summary}
        for unit in _units(start, 2 * SLOT_MINUTES)
    ]
    user = {"pk": {"S": "USER#ann"}, "sk": {"S": "ACTIVE"}, "bookings": {"M": {"b1": {"M": summary}}}}
    return booking, slot_items, user


def _with_weeks(items: list[dict[str, Any]], off_by: int = 0) -> list[dict[str, Any]]:
    """The items and the week counters the booking service keeps for the confirmed bookings among them."""
    counts: dict[tuple[str, str], int] = {}
    for item in items:
        if item["sk"]["S"] == "BOOKING" and item.get("status", {}).get("S") != "cancelled":
            year, week, _ = dt.date.fromisoformat(item["date"]["S"]).isocalendar()
            key = (item["user_id"]["S"], f"{year}-W{week:02d}")
            counts[key] = counts.get(key, 0) + 1
    weeks = [
        {"pk": {"S": f"USER#{user}"}, "sk": {"S": f"WEEK#{week}"}, "count": {"N": str(n + off_by)}}
        for (user, week), n in counts.items()
    ]
    return [*items, *weeks]


def _cancelled(booking: dict[str, Any]) -> dict[str, Any]:
    """The booking's item as cancelling leaves it: kept, marked cancelled, with its TTL."""
    when = {
        "cancelled_at": {"S": clock.now().isoformat()},
        "cancelled_by": {"S": "holder"},
        "cancelled_by_id": booking["user_id"],
    }
    return {**booking, "status": {"S": "cancelled"}, **when, "expires_at": {"N": "2000000000"}}


def test_the_consistency_check_passes_a_whole_booking() -> None:
    booking, slot_items, user = _one_whole_booking()
    assert len(slot_items) == 2
    assert set(check_consistency(_with_weeks([booking, *slot_items, user]))) == {"b1"}
    assert check_consistency([]) == {}


def test_the_consistency_check_passes_a_cancelled_booking_kept_alone() -> None:
    booking, _slot_items, user = _one_whole_booking()
    assert check_consistency([_cancelled(booking), {**user, "bookings": {"M": {}}}]) == {}


BREACHES: dict[str, Callable[[dict[str, Any], list[dict[str, Any]], dict[str, Any]], list[dict[str, Any]]]] = {
    "a slot item missing": lambda b, s, u: [b, s[0], u],
    "a slot item of another booking": lambda b, s, u: [b, s[0], {**s[1], "booking_id": {"S": "b2"}}, u],
    "not in its user's item": lambda b, s, u: [b, *s, {**u, "bookings": {"M": {}}}],
    "listed under another user": lambda b, s, u: [b, *s, u, {**u, "pk": {"S": "USER#bob"}}],
    "slot items without their booking": lambda b, s, u: [*s, {**u, "bookings": {"M": {}}}],
    "a user entry without its booking": lambda b, s, u: [u],
    "an item of no known kind": lambda b, s, u: [b, *s, u, {"pk": {"S": "SLOT#x"}, "sk": {"S": "y"}}],
    "cancelled but a slot still held": lambda b, s, u: [_cancelled(b), s[0], {**u, "bookings": {"M": {}}}],
    "cancelled but still in its user's item": lambda b, s, u: [_cancelled(b), u],
    "cancelled by someone else": lambda b, s, u: [{**_cancelled(b), "cancelled_by_id": {"S": "bob"}}],
    "cancelled without its TTL": lambda b, s, u: [{k: v for k, v in _cancelled(b).items() if k != "expires_at"}],
    "a week counter that is off": lambda b, s, u: _with_weeks([b, *s, u], off_by=1),
}


@pytest.mark.parametrize("breach", list(BREACHES))
def test_the_consistency_check_catches(breach: str) -> None:
    """The invariant is only worth something if it fails: each way a booking can be cut is caught."""
    items = BREACHES[breach](*_one_whole_booking())
    if breach != "a week counter that is off":
        items = _with_weeks(items)  # the counters agree: the breach alone is what is caught
    with pytest.raises(AssertionError, match="inconsistent"):
        check_consistency(items)


# --- traffic ------------------------------------------------------------------------------


@dataclass
class Call:
    """One client request and what it was answered (status None: no answer, the connection was cut)."""

    method: str
    path: str
    user: str
    body: Any = None
    slot_id: str = ""
    status: int | None = None
    answer: Any = None
    started: float = 0.0
    ended: float = 0.0

    @property
    def booking_id(self) -> str | None:
        return self.answer.get("booking_id") if isinstance(self.answer, dict) else None


def book(slot_id: str, user: str) -> Call:
    return Call("POST", "/bookings", user, {"slot_id": slot_id}, slot_id=slot_id)


def cancel(booking_id: str, user: str, slot_id: str) -> Call:
    return Call("DELETE", f"/bookings/{booking_id}", user, slot_id=slot_id)


def send(api: str, call: Call) -> Call:
    call.started = time.monotonic()
    headers = {"content-type": "application/json", "x-user-id": call.user}
    try:
        call.status, call.answer = request(call.method, f"{api}{call.path}", call.body, headers, timeout=40)
    except (OSError, http.client.HTTPException) as exc:  # reset, refused, cut off, timed out: no answer
        call.answer = f"{type(exc).__name__}: {exc}"
    call.ended = time.monotonic()
    return call


class Traffic:
    """Clients sending `calls` from several threads at once, until the calls run out or `stop()`."""

    def __init__(self, api: str, calls: list[Call], threads: int = 6) -> None:
        self.api = api
        self.calls = calls
        self._todo: queue.Queue[Call] = queue.Queue()
        for call in calls:
            self._todo.put(call)
        self._done: list[Call] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _client(self) -> None:
        while not self._stop.is_set():
            try:
                call = self._todo.get_nowait()
            except queue.Empty:
                return
            send(self.api, call)
            with self._changed:
                self._done.append(call)
                self._changed.notify_all()

    def wait_for(self, enough: Callable[[list[Call]], bool], seconds: float = 30) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: enough(self._done), timeout=seconds):
                raise TimeoutError(f"the traffic did not get there in {seconds} s: {len(self._done)} answered")

    def answered(self, count: int, seconds: float = 30) -> None:
        self.wait_for(lambda done: len(done) >= count, seconds)

    def stop(self, seconds: float = 45) -> list[Call]:
        """Send nothing more; wait for the calls in flight. The calls that were sent."""
        self._stop.set()
        for thread in self._threads:
            thread.join(seconds)
        assert not any(thread.is_alive() for thread in self._threads), "a client never got an answer"
        return [call for call in self.calls if call.started]


def distinct_slots(first_day: int = 1) -> Iterator[str]:
    """Every bookable slot from `first_day` on, each once (tomorrow first, then the days after)."""
    horizon = int(DEFAULTS["BookingHorizonDays"])
    for days in range(first_day, horizon):
        for hour in range(FIRST_HOUR, LAST_HOUR + 1):
            for court in COURTS:
                yield clock.slot_id(court, hour, days)


def check_bookings_answered(calls: list[Call], items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every 201 is a whole booking in the table, as answered; every failed booking is whole or absent."""
    bookings = check_consistency(items)
    for call in calls:
        if call.method != "POST":
            continue
        held_by = holder(items, call.slot_id)
        if call.status == 201:
            booking_id = call.booking_id
            assert booking_id in bookings, f"booked {call.slot_id} for {call.user} (201) but it is not in the table"
            stored = bookings[booking_id]
            when, court = call.slot_id.split("|")
            assert (stored["user_id"]["S"], stored["court"]["S"]) == (call.user, court), stored
            assert f"{stored['date']['S']}T{stored['booked_time']['S']}" == when, stored
            assert held_by == booking_id
        else:
            assert call.status in DEAD, f"{call.method} {call.slot_id}: {call.status} {call.answer}"
            if held_by is not None:  # made although its answer was lost: then whole, and its asker's
                assert bookings[held_by]["user_id"]["S"] == call.user, bookings[held_by]
    return bookings


# --- 1. moto killed mid-traffic -------------------------------------------------------------


def wait_until(condition: Callable[[], bool], seconds: float, what: str | Callable[[], str]) -> None:
    """Poll `condition` until it holds; else TimeoutError saying `what` (a callable: worded at the time)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what() if callable(what) else what}: not within {seconds} s")
        time.sleep(0.02)


def back_after(server: MotoServer, generation: int) -> Callable[[], bool]:
    """True once the server was started again after `generation` and answers (it recovers before serving)."""
    return lambda: server.generation > generation and dynamodb.answers(server.endpoint)


@pytest.fixture
def stack() -> Iterator[tuple[LocalStack, LogCapture]]:
    """A local stack of its own (its moto gets killed), on free ports, its data in a scratch folder."""
    logs = LogCapture()
    local = LocalStack(api_port=0, invoke_port=0, dynamodb_port=0, log=logs)
    local.start()
    try:
        wait_for_health(local.api_url)
        yield local, logs
    finally:
        local.stop()


def test_moto_killed_mid_traffic_comes_back_with_every_acknowledged_booking(
    stack: tuple[LocalStack, LogCapture],
) -> None:
    local, logs = stack
    server = local.moto
    assert server is not None
    assert server.generation == 1
    calls = [book(slot_id, f"kill-{n}") for n, slot_id in enumerate(distinct_slots())]
    with Traffic(local.api_url, calls) as traffic:
        traffic.answered(12)
        killed_pid = server.pid
        assert killed_pid is not None
        killed_at = time.monotonic()
        server.kill()  # SIGKILL, while six clients are booking
        wait_until(back_after(server, 1), 20, "moto was not started again")
        back_at = time.monotonic()
        # traffic goes on after the restart: a dozen more bookings sent once moto was back
        traffic.wait_for(lambda done: sum(c.started > back_at for c in done) >= 12)
        sent = traffic.stop()

    assert server.generation == 2
    assert not server.failed
    assert not alive(killed_pid)
    assert any(c.started < killed_at < c.ended for c in sent), "no request was in flight when moto was killed"
    assert all(c.status == 201 for c in sent if c.started > back_at), [c.answer for c in sent if c.started > back_at]
    bookings = check_bookings_answered(sent, table(server.endpoint))
    acknowledged = [c for c in sent if c.status == 201]
    assert len(acknowledged) >= 24
    # what the table says is what the API says: each asker sees exactly their booking, or none
    for call in sent:
        status, answer = request("GET", f"{local.api_url}/bookings", headers={"x-user-id": call.user})
        assert status == 200, answer
        theirs = {b["booking_id"] for b in answer["bookings"]}
        assert theirs == {i for i, b in bookings.items() if b["user_id"]["S"] == call.user}
    lines = logs.lines("local")
    assert any("exited (status -9); starting it again" in line for line in lines), lines
    assert any("is back, with every acknowledged write" in line for line in lines), lines


def test_moto_killed_again_while_it_is_being_started_again_is_started_again_with_its_data(
    stack: tuple[LocalStack, LogCapture],
) -> None:
    """A death during the restart (moto recovering its data) is one more death, not a reason to give up."""
    local, logs = stack
    server = local.moto
    assert server is not None
    slots = distinct_slots(first_day=2)
    booked = [send(local.api_url, book(next(slots), f"twice-{n}")) for n in range(4)]
    assert [c.status for c in booked] == [201] * len(booked), [c.answer for c in booked]
    server.kill()
    wait_until(lambda: server.generation > 1, 10, "moto was not started again")
    server.kill()  # at once: the new server is still starting, recovering the snapshot and the journal
    wait_until(
        back_after(server, 2), 20, lambda: f"moto not started again after dying while starting: {logs.lines('local')}"
    )
    assert not server.failed
    assert server.generation == 3
    booked.append(send(local.api_url, book(next(slots), "twice-after")))
    assert booked[-1].status == 201, booked[-1].answer
    check_bookings_answered(booked, table(server.endpoint))


# --- 2. the whole stack killed mid-traffic ------------------------------------------------------


def descendants(pid: int) -> list[int]:
    found = []
    for child in children_of(pid):
        found += [child, *descendants(child)]
    return found


def processes_with(*markers: str) -> list[int]:
    """Every live process (but this one) whose command line or environment contains one of `markers`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue
        if any(marker.encode() in text for marker in markers) and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


class PersistedRun(RunCommand):
    """`python -m local.run --persist FILE` as a user starts it; every process it starts carries a marker."""

    def __init__(self, persist: Path) -> None:
        self.marker = f"durability-{uuid.uuid4().hex}"
        super().__init__("--persist", str(persist), env={**os.environ, "DURABILITY_TEST_RUN": self.marker})

    def processes(self) -> list[int]:
        """The run command and everything it started: moto inherits the marker, the workers get the endpoint."""
        return processes_with(self.marker, f"AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:{self.ports['invoke-port']}\0")

    def kill_all(self, everything: bool) -> None:
        """kill -9 of the run command's process group; with `everything`, of moto and every worker as well.

        With `everything` the run command is stopped first (SIGSTOP), then the others die, then it does:
        killed after the run command, moto would see its lifeline close and could write its snapshot before
        its own kill arrived (CI saw it once); killed while the run command ran, moto would be started again
        by it. Stopped, the run command neither notices nor closes anything until its own SIGKILL.
        """
        if everything and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGSTOP)
        for pid in descendants(self.process.pid) if everything else []:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.kill()

    def close(self) -> None:
        self.kill()
        for pid in self.processes():
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def assert_nothing_left(self) -> None:
        wait_until(lambda: not self.processes(), 15, lambda: f"processes outlived the run command: {self.processes()}")


@pytest.fixture
def runs() -> Iterator[list[PersistedRun]]:
    started: list[PersistedRun] = []
    yield started
    for run in started:
        run.close()


@pytest.mark.parametrize(
    "everything",
    [False, True],
    ids=["the-process-group", "every-process-at-once"],
)
def test_the_whole_stack_killed_mid_traffic_keeps_every_acknowledged_booking_and_cancel(
    tmp_path: Path, runs: list[PersistedRun], everything: bool
) -> None:
    """kill -9 of `make run --persist` while clients book and cancel; started again, nothing answered is lost.

    Killing the process group is what a user's `kill -9` does (moto and the workers, each
    in a session of its own, notice and exit, moto writing its snapshot); killing every
    process at once leaves moto no moment to save anything: the journal alone has it all.
    """
    persist = tmp_path / "bookings.json"
    first = PersistedRun(persist)
    runs.append(first)
    wait_for_health(first.api)

    slots = distinct_slots()
    before = [send(first.api, book(next(slots), f"early-{n}")) for n in range(8)]
    assert [c.status for c in before] == [201] * len(before), [c.answer for c in before]

    calls: list[Call] = []
    cancels = iter(before)
    for n, slot_id in enumerate(slots):
        if n % 3 == 0 and (early := next(cancels, None)) is not None:
            calls.append(cancel(str(early.booking_id), early.user, early.slot_id))
        calls.append(book(slot_id, f"busy-{n}"))
    with Traffic(first.api, calls) as traffic:
        traffic.wait_for(lambda done: len(done) >= 15 and sum(c.method == "DELETE" for c in done) >= 3)
        first.kill_all(everything)
        killed_at = time.monotonic()  # after the kill: a call started while it was being made was in flight
        sent = traffic.stop()
    assert any(c.started < killed_at and c.status is None for c in sent), "nothing was in flight at the kill"
    first.assert_nothing_left()
    _, sequence = Store(persist).snapshot()
    journaled = Store(persist).entries(after=sequence)
    if everything:  # moto had no moment to save: what it acknowledged since it started is in the journal alone
        assert journaled, "nothing in the journal"
    else:  # moto noticed the stack was gone and saved everything in its snapshot on the way out
        assert journaled == []
        assert sequence > 0

    second = PersistedRun(persist)
    runs.append(second)
    wait_for_health(second.api)
    items = table(second.dynamodb)
    cancelled = {c.path.rsplit("/", 1)[1]: c for c in sent if c.method == "DELETE"}
    kept = [c for c in before if c.booking_id not in cancelled]  # never asked to cancel: they must all be there
    bookings = check_bookings_answered([*kept, *(c for c in sent if c.method == "POST")], items)

    assert sum(c.status == 200 for c in cancelled.values()) >= 3
    for early in before:
        call = cancelled.get(str(early.booking_id))
        if call is None:  # never cancelled: still booked
            assert early.booking_id in bookings
        elif call.status == 200:  # cancelled (a retry of a cancel answers the same: 200, cancelled)
            assert call.answer["status"] == "cancelled", call.answer
            assert early.booking_id not in bookings, f"cancelled {early.booking_id} (200) but it is back"
            record = next(i for i in items if i["pk"]["S"] == f"BOOKING#{early.booking_id}")
            assert record["status"] == {"S": "cancelled"}, record  # its record kept, for its invite
            assert holder(items, early.slot_id) is None
            date, start = early.slot_id.split("|")[0].split("T")
            court = early.slot_id.split("|")[1]
            query = f"date={date}&time={start}&court={court.replace(' ', '%20')}"
            status, free = request("GET", f"{second.api}/availability?{query}", headers={"x-user-id": "anyone"})
            assert status == 200, free
            assert [s["slot_id"] for s in free["slots"]] == [early.slot_id], free
        else:  # cut off by the kill: cancelled or not, but whole either way (checked above)
            assert call.status in DEAD, (call.status, call.answer)
    for booking_id, booking in bookings.items():  # the API serves what is in the table
        user = booking["user_id"]["S"]
        status, answer = request("GET", f"{second.api}/bookings/{booking_id}", headers={"x-user-id": user})
        assert (status, answer["booking_id"]) == (200, booking_id), answer

    second.process.send_signal(signal.SIGINT)
    assert second.process.wait(30) == 0, second.output.text()
    second.assert_nothing_left()
    saved_tables, sequence = Store(persist).snapshot()  # a clean stop: everything in the snapshot
    assert sequence > 0
    assert Store(persist).entries(after=0) == []
    assert _keys(saved_tables[LOCAL_TABLE_NAME]) == _keys(items)


def _keys(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(item["pk"]["S"], item["sk"]["S"]) for item in items}


# --- 3. the journal and the snapshot on their own -------------------------------------------------


def definitions() -> dict[str, dict[str, Any]]:
    return {name: template.table_definition(logical_id, name) for logical_id, name in local_tables().items()}


class MotoProcess:
    """`python -m local.dynamodb` (the stack's moto server process) on a socket and lifeline of ours.

    `crash()` is SIGKILL (nothing saved beyond the journal); `stop()` closes the lifeline
    (the server writes its snapshot and exits, as when the stack stops).
    """

    def __init__(self, store: Path) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        tables = store.with_name("tables.json")
        tables.write_text(json.dumps(definitions()), encoding="utf-8")
        lifeline_r, self.lifeline = os.pipe()
        fd = self.sock.fileno()
        command = [sys.executable, "-m", "local.dynamodb", "--serve-fd", str(fd), "--lifeline", str(lifeline_r)]
        command += ["--store", str(store), "--tables", str(tables)]
        self.process = subprocess.Popen(command, cwd=template.ROOT, pass_fds=(fd, lifeline_r))
        os.close(lifeline_r)
        self.endpoint = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        wait_until(lambda: dynamodb.answers(self.endpoint) or self.process.poll() is not None, 30, "moto")
        assert self.process.poll() is None, f"moto exited with {self.process.returncode}"
        self.client = dynamodb.client(self.endpoint)

    def crash(self) -> None:
        self.process.kill()
        self.process.wait()
        self.close()

    def stop(self) -> None:
        os.close(self.lifeline)
        self.lifeline = -1
        assert self.process.wait(15) == 0
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.lifeline >= 0:
            os.close(self.lifeline)
            self.lifeline = -1
        self.sock.close()


@contextmanager
def moto_process(store: Path) -> Iterator[MotoProcess]:
    server = MotoProcess(store)
    try:
        yield server
    finally:
        server.close()


def _item(n: int) -> dict[str, Any]:
    return {"pk": {"S": f"TEST#{n}"}, "sk": {"S": "ITEM"}, "n": {"N": str(n)}}


def _journal_lines(store: Store) -> list[str]:
    return store.journal_path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_store_drops_a_journal_line_cut_short_and_keeps_the_whole_ones(tmp_path: Path) -> None:
    store = Store(tmp_path / "bookings.json")
    store.write_snapshot({}, 0)
    for n in range(3):
        store.append("PutItem", json.dumps({"TableName": "t", "Item": _item(n)}))
    whole = store.journal_path.read_text(encoding="utf-8")
    last = whole.splitlines(keepends=True)[-1]
    store.journal_path.write_text(whole[: len(whole) - len(last) // 2], encoding="utf-8")  # the third one, torn
    assert [entry["sequence"] for entry in Store(store.path).entries(after=0)] == [1, 2]
    assert [entry["sequence"] for entry in Store(store.path).entries(after=1)] == [2]


def test_a_torn_journal_line_replays_only_the_whole_writes(tmp_path: Path) -> None:
    path = tmp_path / "bookings.json"
    store = Store(path)
    with moto_process(path) as server:
        for n in range(3):
            server.client.put_item(TableName=LOCAL_TABLE_NAME, Item=_item(n))
        refused = {"TableName": LOCAL_TABLE_NAME, "Item": _item(0), "ConditionExpression": "attribute_not_exists(pk)"}
        with pytest.raises(server.client.exceptions.ConditionalCheckFailedException):
            server.client.put_item(**refused)
        dynamodb.all_items(server.client, LOCAL_TABLE_NAME)  # reads are not journaled either
        assert len(_journal_lines(store)) == 3  # each acknowledged write, and nothing else
        server.crash()
    lines = _journal_lines(store)
    store.journal_path.write_text("".join(lines[:2]) + lines[2][: len(lines[2]) // 2], encoding="utf-8")

    with moto_process(path) as server:
        assert _keys(table(server.endpoint)) == _keys([_item(0), _item(1)])
        assert Store(path).snapshot()[1] == 2  # recovered, and saved as a whole new snapshot
        assert _journal_lines(store) == []
        server.client.put_item(TableName=LOCAL_TABLE_NAME, Item=_item(9))
        assert json.loads(_journal_lines(store)[0])["sequence"] == 3
        server.crash()
    with moto_process(path) as server:
        assert _keys(table(server.endpoint)) == _keys([_item(0), _item(1), _item(9)])


def _add_one(client: Any) -> None:
    client.update_item(
        TableName=LOCAL_TABLE_NAME,
        Key={"pk": {"S": "COUNTER"}, "sk": {"S": "COUNTER"}},
        UpdateExpression="ADD hits :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )


def _hits(client: Any) -> int:
    key = {"pk": {"S": "COUNTER"}, "sk": {"S": "COUNTER"}}
    return int(client.get_item(TableName=LOCAL_TABLE_NAME, Key=key, ConsistentRead=True)["Item"]["hits"]["N"])


def test_a_snapshot_skips_the_journal_entries_it_already_holds(tmp_path: Path) -> None:
    """A crash between writing the snapshot and emptying the journal applies nothing twice."""
    path = tmp_path / "bookings.json"
    store = Store(path)
    with moto_process(path) as server:
        for _ in range(3):
            _add_one(server.client)
        server.crash()
    journal = store.journal_path.read_text(encoding="utf-8")
    assert [json.loads(line)["sequence"] for line in journal.splitlines()] == [1, 2, 3]

    with moto_process(path) as server:  # recovers: a snapshot with sequence 3, the journal emptied
        assert _hits(server.client) == 3
        server.crash()
    assert Store(path).snapshot()[1] == 3
    store.journal_path.write_text(journal, encoding="utf-8")  # as if the crash came before the emptying

    with moto_process(path) as server:
        assert _hits(server.client) == 3  # not 6
        _add_one(server.client)
        server.crash()
    with moto_process(path) as server:
        assert _hits(server.client) == 4
        server.stop()  # a clean stop: all of it in the snapshot, the journal empty
    tables, sequence = Store(path).snapshot()
    assert (sequence, Store(path).entries(after=0)) == (4, [])
    assert [item["hits"] for item in tables[LOCAL_TABLE_NAME]] == [{"N": "4"}]


WRITER = """
import sys
from pathlib import Path
from local.dynamodb import Store

store = Store(Path(sys.argv[1]))
rows = [{"pk": {"S": f"ROW#{n}"}, "sk": {"S": "ROW"}, "text": {"S": "x" * 200}} for n in range(int(sys.argv[2]))]
generation = 0
while True:
    generation += 1
    marker = {"pk": {"S": "GEN"}, "sk": {"S": "GEN"}, "n": {"N": str(generation)}}
    store.write_snapshot({"t": [*rows, marker]}, generation)
    if generation == 1:
        print("ready", flush=True)
"""


def test_the_snapshot_is_never_half_written_whenever_the_writer_is_killed(tmp_path: Path) -> None:
    """A process writing large snapshots in a loop, SIGKILLed at moments spread over a write: every time,
    the file is a whole snapshot (valid JSON, every row), the last one completed or the one before."""
    path = tmp_path / "bookings.json"
    rows = 4000
    seen = []
    for delay in (0.0, 0.013, 0.029, 0.047, 0.071, 0.103, 0.151, 0.2):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(rows)],
            cwd=template.ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
            time.sleep(delay)
            writer.kill()
            writer.wait()
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
        json.loads(path.read_text(encoding="utf-8"))  # valid JSON, whole
        tables, sequence = Store(path).snapshot()
        assert len(tables["t"]) == rows + 1
        assert tables["t"][-1]["n"] == {"N": str(sequence)}
        seen.append(sequence)
    assert max(seen) > 1, "the writer was never killed after its first snapshot"


# --- 4. moto that cannot come back ---------------------------------------------------------------


def test_moto_that_keeps_dying_is_given_up_and_every_data_call_answers_503_naming_dynamodb(
    stack: tuple[LocalStack, LogCapture],
) -> None:
    local, logs = stack
    server = local.moto
    assert server is not None
    pids = []
    for generation in range(1, MotoServer.MAX_RESTARTS + 1):  # each death within the minute is restarted ...
        pids.append(server.pid)
        server.kill()
        wait_until(
            back_after(server, generation),
            20,
            lambda death=generation: f"moto not started again after death {death}: {logs.lines('local')}",
        )
    assert not server.failed
    pids.append(server.pid)
    server.kill()  # ... but one more is one too many
    wait_until(lambda: server.failed, 10, "the stack did not give up on moto")
    assert server.generation == MotoServer.MAX_RESTARTS + 1
    assert not [pid for pid in pids if pid is not None and alive(pid)]

    for method, path, body in [
        ("GET", "/health", None),
        ("POST", "/bookings", {"slot_id": clock.slot_id("Court A", 10, 1)}),
        ("GET", f"/availability?date={clock.tomorrow().isoformat()}", None),
        ("GET", "/bookings", None),
        ("POST", "/chat", {"message": "Book a tennis court for tomorrow at 3pm"}),
    ]:
        started = time.monotonic()
        status, answer = request(method, f"{local.api_url}{path}", body, {"x-user-id": "after"}, timeout=30)
        took = time.monotonic() - started
        assert status == 503, (method, path, answer)
        assert answer["error"]["code"] == "SERVICE_UNAVAILABLE", answer
        assert "DynamoDB" in answer["error"]["message"], answer
        assert took < 10, f"{method} {path} took {took:.1f} s to answer 503"
    lines = logs.lines("local")
    assert any("keeps dying" in line and "giving up" in line for line in lines), lines
