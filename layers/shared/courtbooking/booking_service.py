"""BookingService: availability and bookings on DynamoDB.

Table design (single table, only bookings are stored; slots are computed):

    pk = "DAY#<date>"            sk = "SLOT#<HH:MM>#<court>"

One item per booked slot. A booking of several consecutive slots writes one
item per slot in one transaction, each conditional on the slot not existing,
so two requests can never hold the same slot, however many Lambda instances
race. Availability for a date is one Query on `DAY#<date>`. The first item of
a booking also carries the keys of two sparse indexes: `ByUser` (user_pk,
user_sk) for "my bookings" and `ByBookingId` (booking_ref) for lookups by id.

    pk = "USER#<user>"           sk = "ACTIVE"

holds a user's upcoming bookings {booking_id: starts_at} and a version; every
booking and cancellation updates it in the same transaction, conditional on
the version read, which enforces MAX_ACTIVE_BOOKINGS atomically.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable
from time import sleep
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .config import Facility
from .errors import InvalidRequest, LimitReached, NotFound, ServiceUnavailable, SlotTaken, TooLate
from .models import Availability, AvailabilityQuery, Booking, BookingList, Slot
from .schedule import Schedule, hhmm, minutes_of

MAX_ALTERNATIVES = 5
MAX_WRITE_ATTEMPTS = 8
_THROTTLING = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def day_key(date: dt.date) -> str:
    return f"DAY#{date.isoformat()}"


def slot_key(time: str, court: str) -> str:
    return f"SLOT#{time}#{court}"


class BookingService:
    def __init__(
        self,
        client: Any,
        table_name: str,
        facility: Facility,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self._db = client
        self._table = table_name
        self.facility = facility
        self.schedule = Schedule(facility)
        self._clock = clock

    # --- reading -------------------------------------------------------------
    def taken(self, date: dt.date) -> set[tuple[str, str]]:
        """(court, HH:MM) of every booked slot on a date: one strongly consistent Query."""
        taken: set[tuple[str, str]] = set()
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": day_key(date)}},
            "ProjectionExpression": "court, #t",
            "ExpressionAttributeNames": {"#t": "time"},
            "ConsistentRead": True,
        }
        while True:
            page = self._call("query", **kwargs)
            for item in page.get("Items", []):
                taken.add((item["court"]["S"], item["time"]["S"]))
            if "LastEvaluatedKey" not in page:
                return taken
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def availability(self, query: AvailabilityQuery) -> Availability:
        """Free slots matching the query, and the nearest alternatives when none match."""
        now = self._clock()
        date = query.date or self.schedule.local_now(now).date()
        asked_court = None
        if query.court:
            asked_court = self.facility.court_named(query.court)
            if asked_court is None:
                raise InvalidRequest(
                    f"there is no court called {query.court!r}; courts: {', '.join(self.facility.courts)}"
                )
        problem = self.schedule.date_problem(date, now)
        if problem:
            return Availability(date=date, slots=[], message=problem)

        duration = self.schedule.whole_slots(query.duration_minutes)
        free = self._free_slots(date, duration, now)
        on_court = [s for s in free if asked_court in (None, s.court)]

        if query.time is not None:
            matching = [s for s in on_court if s.time == query.time]
            target = minutes_of(query.time)
        elif query.window is not None:
            start, end = minutes_of(query.window.start), minutes_of(query.window.end)
            matching = [s for s in on_court if start <= minutes_of(s.time) and minutes_of(s.time) + duration <= end]
            target = start
        else:
            matching, target = on_court, None

        alternatives: list[Slot] = []
        if not matching and target is not None:
            alternatives = nearest(free, target, asked_court)
        return Availability(
            date=date,
            slots=matching,
            alternatives=alternatives,
            message=describe(date, matching, alternatives),
        )

    def _free_slots(self, date: dt.date, duration: int, now: dt.datetime) -> list[Slot]:
        taken = self.taken(date)
        slots = []
        for start in self.schedule.starts(duration):
            if self.schedule.start_instant(date, start) <= now:
                continue
            units = self.schedule.units(start, duration)
            for court in self.facility.courts:
                if all((court, unit) not in taken for unit in units):
                    slots.append(
                        Slot(
                            slot_id=Schedule.slot_id(court, date, start),
                            court=court,
                            date=date,
                            time=start,
                            duration_minutes=duration,
                        )
                    )
        return slots

    # --- writing -------------------------------------------------------------
    def book(self, slot_id: str, user_id: str, duration_minutes: int | None = None) -> Booking:
        """Book a slot for a user, or raise SlotTaken / SlotInvalid / LimitReached. Writes nothing on refusal.

        One transaction writes the slot items (each conditional on the slot being free)
        and the user's list of upcoming bookings (conditional on the version read), so
        neither a double booking nor more than MAX_ACTIVE_BOOKINGS can slip through
        however many requests race.
        """
        court, date, time = self.schedule.parse_slot_id(slot_id)
        duration = self.schedule.check_duration(duration_minutes)
        now = self._clock()
        self.schedule.check_bookable(court, date, time, duration, now)

        booking_id = str(uuid.uuid4())
        starts_at = self.schedule.start_instant(date, time).astimezone(dt.UTC).isoformat()
        slot_puts = self._slot_puts(booking_id, user_id, court, date, time, duration, starts_at, now)
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            active, version = self._active(user_id, now)
            if len(active) >= self.facility.max_active_bookings:
                raise LimitReached(self.facility.max_active_bookings)
            user_update = self._user_update(user_id, {**active, booking_id: starts_at}, version)
            reasons = self._transact([*slot_puts, user_update])
            if reasons is None:
                break
            if "ConditionalCheckFailed" in reasons[:-1]:
                if self._holds(booking_id, date, time, court):
                    break  # our own write, whose answer was lost and retried: the booking is ours
                raise SlotTaken(f"{court} at {time} on {date:%A %d %B} is already booked.")
            _backoff()  # the user's list changed under us (another booking of theirs): read it again
        else:
            raise ServiceUnavailable("too many simultaneous requests for this user; try again")
        return Booking(
            booking_id=booking_id,
            court=court,
            date=date,
            time=time,
            duration_minutes=duration,
            user_id=user_id,
            message=f"Booked {court} on {date:%A %d %B} at {time} for {duration} minutes.",
        )

    def upcoming(self, user_id: str) -> BookingList:
        """The user's bookings that have not started yet, soonest first: one Query on ByUser."""
        now = self._clock().astimezone(dt.UTC).replace(microsecond=0)
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "ByUser",
            "KeyConditionExpression": "user_pk = :u AND user_sk > :now",
            "ExpressionAttributeValues": {":u": {"S": user_id}, ":now": {"S": now.isoformat()}},
        }
        bookings: list[Booking] = []
        while True:
            page = self._call("query", **kwargs)
            bookings.extend(_booking_from(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if not bookings:
            return BookingList(bookings=[], message="You have no upcoming bookings.")
        lines = "; ".join(f"{b.court} on {b.date:%a %d %b} at {b.time}" for b in bookings)
        return BookingList(bookings=bookings, message=f"Your upcoming bookings: {lines}.")

    def get(self, user_id: str, booking_id: str) -> Booking:
        """One of the user's bookings. Someone else's booking is 'not found', exactly like a missing one."""
        page = self._call(
            "query",
            TableName=self._table,
            IndexName="ByBookingId",
            KeyConditionExpression="booking_ref = :id",
            ExpressionAttributeValues={":id": {"S": booking_id}},
        )
        items = [i for i in page.get("Items", []) if i["user_id"]["S"] == user_id]
        if not items:
            raise NotFound(booking_id)
        return _booking_from(items[0])

    def cancel(self, user_id: str, booking_id: str) -> Booking:
        """Cancel one of the user's bookings that has not started; its slots are free at once."""
        booking = self.get(user_id, booking_id)
        if self.schedule.start_instant(booking.date, booking.time) <= self._clock():
            raise TooLate(f"The booking on {booking.date:%A %d %B} at {booking.time} has started or is over.")
        deletes = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": {"pk": {"S": day_key(booking.date)}, "sk": {"S": slot_key(unit, booking.court)}},
                    "ConditionExpression": "booking_id = :id AND user_id = :u",
                    "ExpressionAttributeValues": {":id": {"S": booking_id}, ":u": {"S": user_id}},
                }
            }
            for unit in self.schedule.units(booking.time, booking.duration_minutes)
        ]
        forget = {
            "Update": {
                "TableName": self._table,
                "Key": user_key(user_id),
                "UpdateExpression": "REMOVE bookings.#id SET version = if_not_exists(version, :zero) + :one",
                "ExpressionAttributeNames": {"#id": booking_id},
                "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}},
            }
        }
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            reasons = self._transact([*deletes, forget])
            if reasons is None:
                break
            if "ConditionalCheckFailed" in reasons:
                raise NotFound(booking_id)  # cancelled a moment ago by another request
            _backoff()
        else:
            raise ServiceUnavailable("too many simultaneous requests for this booking; try again")
        return booking.model_copy(
            update={
                "status": "cancelled",
                "message": f"Cancelled {booking.court} on {booking.date:%A %d %B} at {booking.time}.",
            }
        )

    # --- items ---------------------------------------------------------------
    def _slot_puts(
        self,
        booking_id: str,
        user_id: str,
        court: str,
        date: dt.date,
        time: str,
        duration: int,
        starts_at: str,
        now: dt.datetime,
    ) -> list[dict[str, Any]]:
        common = {
            "booking_id": {"S": booking_id},
            "user_id": {"S": user_id},
            "court": {"S": court},
            "date": {"S": date.isoformat()},
            "booked_time": {"S": time},
            "duration_minutes": {"N": str(duration)},
            "starts_at": {"S": starts_at},
            "created_at": {"S": now.astimezone(dt.UTC).isoformat()},
        }
        puts = []
        for index, unit in enumerate(self.schedule.units(time, duration)):
            item = {"pk": {"S": day_key(date)}, "sk": {"S": slot_key(unit, court)}, "time": {"S": unit}, **common}
            if index == 0:  # the first slot carries the sparse index keys: one index entry per booking
                item |= {
                    "user_pk": {"S": user_id},
                    "user_sk": {"S": f"{starts_at}#{booking_id}"},
                    "booking_ref": {"S": booking_id},
                }
            puts.append(
                {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
            )
        return puts

    def _holds(self, booking_id: str, date: dt.date, time: str, court: str) -> bool:
        """Whether the first slot of a booking is held by this booking id (strongly consistent read)."""
        key = {"pk": {"S": day_key(date)}, "sk": {"S": slot_key(time, court)}}
        item = self._call("get_item", TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return item is not None and item.get("booking_id", {}).get("S") == booking_id

    def _active(self, user_id: str, now: dt.datetime) -> tuple[dict[str, str], int | None]:
        """The user's upcoming bookings {id: starts_at} and the version read (None: no item yet)."""
        item = self._call("get_item", TableName=self._table, Key=user_key(user_id), ConsistentRead=True).get("Item")
        if item is None or "version" not in item:
            return {}, None
        cutoff = now.astimezone(dt.UTC).isoformat()
        active = {k: v["S"] for k, v in item.get("bookings", {}).get("M", {}).items() if v["S"] > cutoff}
        return active, int(item["version"]["N"])

    def _user_update(self, user_id: str, active: dict[str, str], version: int | None) -> dict[str, Any]:
        values: dict[str, Any] = {
            ":b": {"M": {k: {"S": v} for k, v in active.items()}},
            ":next": {"N": str((version or 0) + 1)},
        }
        if version is None:
            condition = "attribute_not_exists(version)"
        else:
            condition = "version = :v"
            values[":v"] = {"N": str(version)}
        return {
            "Update": {
                "TableName": self._table,
                "Key": user_key(user_id),
                "UpdateExpression": "SET bookings = :b, version = :next",
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
            }
        }

    def _transact(self, items: list[dict[str, Any]]) -> list[str] | None:
        """Run a transaction; None when it committed, else the cancellation reason of each item."""
        try:
            # A fresh token per attempt: botocore's own retries of this call reuse it, so a retry
            # after a lost response cannot fail on the very items the first attempt wrote.
            self._call("transact_write_items", TransactItems=items, ClientRequestToken=str(uuid.uuid4()))
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            return reasons or ["ConditionalCheckFailed"] * len(items)
        return None

    # --- plumbing ----------------------------------------------------------
    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._db, operation)(**kwargs)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _THROTTLING:
                raise ServiceUnavailable(
                    f"DynamoDB is throttling or unavailable ({exc.response['Error']['Code']}); try again shortly"
                ) from exc
            raise
        except BotoCoreError as exc:
            raise ServiceUnavailable(
                f"DynamoDB could not be reached ({type(exc).__name__}); try again shortly"
            ) from exc


def user_key(user_id: str) -> dict[str, Any]:
    """The item holding a user's upcoming bookings (for the per-user limit)."""
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "ACTIVE"}}


def _backoff() -> None:
    sleep(random.uniform(0.005, 0.05))  # noqa: S311 - jitter, not cryptography


def _booking_from(item: dict[str, Any]) -> Booking:
    court, date, start = item["court"]["S"], dt.date.fromisoformat(item["date"]["S"]), item["booked_time"]["S"]
    duration = int(item["duration_minutes"]["N"])
    return Booking(
        booking_id=item["booking_id"]["S"],
        court=court,
        date=date,
        time=start,
        duration_minutes=duration,
        user_id=item["user_id"]["S"],
        message=f"{court} on {date:%A %d %B} at {start} for {duration} minutes.",
    )


def nearest(free: Iterable[Slot], target: int, court: str | None) -> list[Slot]:
    """Up to five free starts closest to `target` (minutes), one slot per start time.

    At each start the asked court is offered when it is free there, else the first free court.
    """
    best: dict[str, Slot] = {}
    for slot in free:
        current = best.get(slot.time)
        if current is None or (slot.court == court and current.court != court):
            best[slot.time] = slot
    ranked = sorted(best.values(), key=lambda s: (abs(minutes_of(s.time) - target), s.time))
    return ranked[:MAX_ALTERNATIVES]


def describe(date: dt.date, matching: list[Slot], alternatives: list[Slot]) -> str:
    day = f"{date:%A %d %B}"
    if matching:
        return f"{len(matching)} free slot{'s' if len(matching) != 1 else ''} on {day}: {summarise(matching)}."
    if alternatives:
        return f"Nothing free at the time asked on {day}. Nearest free: {summarise(alternatives)}."
    return f"Nothing is free on {day}."


def summarise(slots: Iterable[Slot]) -> str:
    """'15:00 (Court A, Court B), 16:00 (Court C)' in time order."""
    by_time: dict[str, list[str]] = {}
    for slot in slots:
        by_time.setdefault(slot.time, []).append(slot.court)
    return ", ".join(f"{t} ({', '.join(courts)})" for t, courts in sorted(by_time.items()))


__all__ = ["BookingService", "describe", "hhmm", "nearest", "summarise", "utc_now"]
