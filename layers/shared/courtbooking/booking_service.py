"""BookingService: availability and bookings on DynamoDB.

Table design (single table, only bookings are stored; slots are computed):

    pk = "DAY#<date>"            sk = "SLOT#<HH:MM>#<court>"   one item per booked slot
    pk = "BOOKING#<id>"          sk = "BOOKING"                one item per booking, kept when cancelled
    pk = "USER#<user>"           sk = "ACTIVE"                 the user's upcoming bookings + version

A booking writes all of its items in one transaction: each slot item on
condition that the slot does not exist (two requests can never hold one slot,
however many Lambda instances race), and the user's item on condition that its
version is the one read (MAX_ACTIVE_BOOKINGS holds atomically). Availability
for a date is one Query on `DAY#<date>`; a booking by id and "my bookings" are
one strongly consistent GetItem each, so a booking is visible to its owner the
moment it is confirmed. No index, no Scan. Cancelling frees the slots and keeps the
booking's item, cancelled (its calendar invite says so), until HISTORY_RETENTION_DAYS
after its start (TTL `expires_at`). Every write of a booking grows its `sequence`.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable
from time import sleep
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import words
from .clock import utc_now
from .config import Facility, history_retention_days
from .errors import (
    AlreadyBooked,
    BookingCancelled,
    InvalidRequest,
    LimitReached,
    NotFound,
    ServiceUnavailable,
    SlotInvalid,
    SlotTaken,
    TooLate,
)
from .models import Availability, AvailabilityQuery, Booking, BookingList, Slot
from .schedule import Schedule, fits, minutes_of

MAX_ALTERNATIVES = 5
NEARBY_DAYS = 2  # days offered with the asked time free, when the asked day has it taken
MAX_WRITE_ATTEMPTS = 8
_THROTTLING = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}


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
        history_days: int | None = None,
    ) -> None:
        self._db = client
        self._table = table_name
        self.facility = facility
        self.schedule = Schedule(facility)
        self._clock = clock
        self._history_days = history_days or history_retention_days()

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
                raise InvalidRequest(words.no_such_court(query.court, self.facility))
        problem = self.schedule.date_problem(date, now)
        if problem:
            return Availability(date=date, slots=[], message=problem)

        try:
            duration = self.schedule.check_duration(query.duration_minutes)  # never rounded silently
        except SlotInvalid as refusal:
            raise InvalidRequest(refusal.message) from None
        free = self._free_slots(date, duration, now)
        on_court = [s for s in free if asked_court in (None, s.court)]

        if query.time is not None:
            matching = [s for s in on_court if s.time == query.time]
            target = minutes_of(query.time)
        elif query.window is not None:
            window = query.window
            matching = [s for s in on_court if fits(s.time, duration, window)]
            target = minutes_of(window.start)
        else:
            matching, target = on_court, None

        alternatives: list[Slot] = []
        other_days: list[Slot] = []
        if not matching and target is not None:
            alternatives = nearest(free, target, asked_court)
            if query.time is not None:
                other_days = self._same_time_nearby(date, query.time, duration, asked_court, now)
        return Availability(
            date=date,
            slots=matching,
            alternatives=alternatives,
            other_days=other_days,
            message=words.describe(date, matching, alternatives),
        )

    def _same_time_nearby(
        self, date: dt.date, time: str, duration: int, court: str | None, now: dt.datetime
    ) -> list[Slot]:
        """The asked start on the nearest other days that have it free (one Query per day looked at):
        after the asked day first, then before it, never in the past or beyond the horizon."""
        found: list[Slot] = []
        for offset in (1, -1, 2, -2, 3, -3):
            day = date + dt.timedelta(days=offset)
            if self.schedule.date_problem(day, now) or time not in self.schedule.starts(duration, day):
                continue
            free = [s for s in self._free_slots(day, duration, now) if s.time == time and court in (None, s.court)]
            if free:
                found.append(free[0])
            if len(found) == NEARBY_DAYS:
                break
        return sorted(found, key=lambda s: s.date)

    def _free_slots(self, date: dt.date, duration: int, now: dt.datetime) -> list[Slot]:
        taken = self.taken(date)
        slots = []
        for start in self.schedule.starts(duration, date):
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
        """Book a slot for a user, or raise SlotTaken / SlotInvalid / LimitReached / AlreadyBooked.
        Writes nothing on refusal.

        One transaction writes the slot items (each conditional on the slot being free),
        the booking item, and the user's list of upcoming bookings (conditional on the
        version read), so neither a double booking nor more than MAX_ACTIVE_BOOKINGS
        can slip through however many requests race. A person holds one court at a time:
        asking again for a slot they hold answers that booking (`already_held`), also when
        the same request arrives twice at once; an overlapping other slot is refused.
        """
        court, date, time = self.schedule.parse_slot_id(slot_id)
        duration = self.schedule.check_duration(duration_minutes)
        now = self._clock()
        self.schedule.check_bookable(court, date, time, duration, now)

        booking = Booking(
            booking_id=str(uuid.uuid4()),
            court=court,
            date=date,
            time=time,
            duration_minutes=duration,
            user_id=user_id,
            message=words.booked(court, date, time, duration),
        )
        starts_at = self._starts_at(booking)
        puts = self._booking_puts(booking, starts_at, now)
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            active, version = self._active(user_id, now)
            held = self._overlapping(active, user_id, booking)
            if held is not None:
                if (held.court, held.date, held.time, held.duration_minutes) == (court, date, time, duration):
                    return held.model_copy(update={"already_held": True, "message": words.already_have(held.message)})
                raise AlreadyBooked(held.message.rstrip("."))
            if len(active) >= self.facility.max_active_bookings:
                raise LimitReached(self.facility.max_active_bookings)
            user_update = self._user_update(
                user_id, {**active, booking.booking_id: _summary(booking, starts_at)}, version
            )
            try:
                reasons = self._transact([*puts, user_update])
            except ServiceUnavailable as exc:
                if self._holds_despite(exc, booking):
                    return booking
                raise
            if reasons is None:
                return booking
            if "ConditionalCheckFailed" in reasons[:-1]:
                if self._holds(booking):
                    return booking  # our own write, whose answer was lost and retried: the booking is ours
                if reasons[-1] != "ConditionalCheckFailed":
                    raise SlotTaken(words.slot_taken(court, date, time))
                # The person's own list changed too: perhaps the same request, a moment faster. Read it again.
            _backoff()  # the user's list changed under us (another booking of theirs): read it again
        raise ServiceUnavailable(words.TOO_BUSY_USER)

    def upcoming(self, user_id: str) -> BookingList:
        """The user's bookings that have not started yet, soonest first: one strongly consistent GetItem."""
        active, _version = self._active(user_id, self._clock())
        bookings = sorted((_booking_from(i, user_id, s) for i, s in active.items()), key=lambda b: (b.date, b.time))
        return BookingList(bookings=bookings, message=words.upcoming(bookings))

    def get(self, user_id: str, booking_id: str) -> Booking:
        """One of the user's bookings. Someone else's booking is 'not found', exactly like a missing one."""
        item = self._item(booking_key(booking_id))
        if item is None or item["user_id"]["S"] != user_id:
            raise NotFound(booking_id)
        return _booking_from(booking_id, user_id, item)

    def cancel(self, user_id: str, booking_id: str) -> Booking:
        """Cancel one of the user's bookings that has not started; its slots are free at once.

        One transaction releases the slot items and the user's entry and marks the booking's
        item cancelled (conditional on it being as read), kept as history until its TTL. A
        booking already cancelled is answered as it is, and nothing is written.
        """
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            booking = self.get(user_id, booking_id)
            if booking.status == "cancelled":
                return booking.model_copy(update={"message": words.already_cancelled(booking)})
            now = self._clock()
            start = self.schedule.start_instant(booking.date, booking.time)
            if start <= now:
                raise TooLate(words.too_late(booking.date, booking.time))
            cancelled = booking.model_copy(
                update={"status": "cancelled", "sequence": booking.sequence + 1, "cancelled_at": now.astimezone(dt.UTC)}
            )
            expires = int((start + dt.timedelta(days=self._history_days)).timestamp())
            record = {
                "Update": {
                    "TableName": self._table,
                    "Key": booking_key(booking_id),
                    "UpdateExpression": "SET #st = :c, cancelled_at = :at, cancelled_by = :u, expires_at = :exp, "
                    "#seq = :next",
                    "ConditionExpression": AS_READ,
                    "ExpressionAttributeNames": {"#st": "status", "#seq": "sequence"},
                    "ExpressionAttributeValues": {
                        **_as_read(booking),
                        ":c": {"S": "cancelled"},
                        ":at": {"S": now.astimezone(dt.UTC).isoformat()},
                        ":exp": {"N": str(expires)},
                        ":next": {"N": str(cancelled.sequence)},
                    },
                }
            }
            forget = {
                "Update": {
                    "TableName": self._table,
                    "Key": user_key(user_id),
                    "UpdateExpression": "REMOVE bookings.#id SET version = if_not_exists(version, :zero) + :one",
                    "ExpressionAttributeNames": {"#id": booking_id},
                    "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}},
                }
            }
            if self._transact([*self._releases(booking), record, forget]) is None:
                return cancelled.model_copy(update={"message": words.cancelled(booking)})
            _backoff()  # cancelled or moved a moment ago by another request: read it again
        raise ServiceUnavailable(words.TOO_BUSY_BOOKING)

    def move(self, user_id: str, booking_id: str, slot_id: str, duration_minutes: int | None = None) -> Booking:
        """Move one of the user's bookings to another slot (and length), or leave it exactly as it was.

        One transaction takes the new slot items (each free, or already this booking's),
        releases the old ones this booking no longer covers, rewrites the booking item
        (its id stays, its sequence grows; conditional on it being as read) and the user's
        item (conditional on the version read). If the new slot is taken, nothing changes:
        SlotTaken; a cancelled booking is BookingCancelled. The same rules as booking apply:
        a slot that exists and has not started, within the horizon, one court at a time.
        """
        court, date, time = self.schedule.parse_slot_id(slot_id)
        now = self._clock()
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            old = self.get(user_id, booking_id)
            if old.status == "cancelled":
                when = self.schedule.local_now(old.cancelled_at or now)
                raise BookingCancelled(words.was_cancelled(booking_id, when))
            duration = self.schedule.check_duration(duration_minutes or old.duration_minutes)
            if self.schedule.start_instant(old.date, old.time) <= now:
                raise TooLate(words.too_late(old.date, old.time))
            self.schedule.check_bookable(court, date, time, duration, now)
            same = (old.court, old.date, old.time, old.duration_minutes) == (court, date, time, duration)
            moved = old.model_copy(
                update={
                    "court": court,
                    "date": date,
                    "time": time,
                    "duration_minutes": duration,
                    "sequence": old.sequence + (0 if same else 1),
                    "message": words.moved(court, date, time, duration),
                }
            )
            if same:
                return moved
            active, version = self._active(user_id, now)
            others = {k: v for k, v in active.items() if k != booking_id}
            held = self._overlapping(others, user_id, moved)
            if held is not None:
                raise AlreadyBooked(held.message.rstrip("."))
            starts_at = self._starts_at(moved)
            user_update = self._user_update(user_id, {**others, booking_id: _summary(moved, starts_at)}, version)
            reasons = self._transact([*self._move_items(old, moved, starts_at, now), user_update])
            if reasons is None:
                return moved
            new_units = len(self._booking_puts(moved, starts_at, now)) - 1
            if "ConditionalCheckFailed" in reasons[:new_units] and reasons[-1] != "ConditionalCheckFailed":
                raise SlotTaken(words.slot_taken(court, date, time))
            _backoff()  # the booking or the user's list changed under us: read both again
        raise ServiceUnavailable(words.TOO_BUSY_BOOKING)

    def _move_items(self, old: Booking, moved: Booking, starts_at: str, now: dt.datetime) -> list[dict[str, Any]]:
        """The new slot items (free, or already this booking's), the booking item (as read), the old slots released."""
        puts = self._booking_puts(moved, starts_at, now)
        for put in puts[:-1]:
            put["Put"]["ConditionExpression"] = "attribute_not_exists(pk) OR (booking_id = :id AND user_id = :u)"
            put["Put"]["ExpressionAttributeValues"] = _mine(old)
        puts[-1]["Put"] |= {
            "ConditionExpression": AS_READ,
            "ExpressionAttributeNames": {"#seq": "sequence"},
            "ExpressionAttributeValues": _as_read(old),
        }
        new_keys = {(moved.date, unit, moved.court) for unit in self.schedule.units(moved.time, moved.duration_minutes)}
        return [*puts, *self._releases(old, keep=new_keys)]

    def _releases(self, booking: Booking, keep: frozenset[Any] | set[Any] = frozenset()) -> list[dict[str, Any]]:
        """A Delete of each slot item the booking holds (but those in `keep`), conditional on it being this one's."""
        return [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": {"pk": {"S": day_key(booking.date)}, "sk": {"S": slot_key(unit, booking.court)}},
                    "ConditionExpression": "booking_id = :id AND user_id = :u",
                    "ExpressionAttributeValues": _mine(booking),
                }
            }
            for unit in self.schedule.units(booking.time, booking.duration_minutes)
            if (booking.date, unit, booking.court) not in keep
        ]

    # --- items ---------------------------------------------------------------
    def _starts_at(self, booking: Booking) -> str:
        return self.schedule.start_instant(booking.date, booking.time).astimezone(dt.UTC).isoformat()

    def _booking_puts(self, booking: Booking, starts_at: str, now: dt.datetime) -> list[dict[str, Any]]:
        """One conditional Put per slot the booking covers, and the booking's own item."""
        common = {
            "booking_id": {"S": booking.booking_id},
            "user_id": {"S": booking.user_id},
            "created_at": {"S": now.astimezone(dt.UTC).isoformat()},
            **_summary(booking, starts_at),
        }
        items = [
            {"pk": {"S": day_key(booking.date)}, "sk": {"S": slot_key(unit, booking.court)}, "time": {"S": unit}}
            | common
            for unit in self.schedule.units(booking.time, booking.duration_minutes)
        ]
        items.append(booking_key(booking.booking_id) | common)
        return [
            {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
            for item in items
        ]

    def _holds(self, booking: Booking) -> bool:
        """Whether the booking's item exists, not cancelled (strongly consistent): written whole, or not at all."""
        item = self._item(booking_key(booking.booking_id))
        return item is not None and item.get("status", {}).get("S") != "cancelled"

    def _item(self, key: dict[str, Any]) -> dict[str, Any] | None:
        """One item, read strongly consistently (None: there is none)."""
        return self._call("get_item", TableName=self._table, Key=key, ConsistentRead=True).get("Item")

    def _holds_despite(self, failure: ServiceUnavailable, booking: Booking) -> bool:
        """After DynamoDB failed to confirm a write: was it made? If even that cannot be read, say so."""
        try:
            return self._holds(booking)
        except ServiceUnavailable:
            raise ServiceUnavailable(words.may_or_may_not_be_booked(failure.message)) from failure

    def _active(self, user_id: str, now: dt.datetime) -> tuple[dict[str, dict[str, Any]], int | None]:
        """The user's upcoming bookings {id: summary} and the version read (None: no item yet)."""
        item = self._item(user_key(user_id))
        if item is None or "version" not in item:
            return {}, None
        cutoff = now.astimezone(dt.UTC).isoformat()
        active = {
            k: v["M"] for k, v in item.get("bookings", {}).get("M", {}).items() if v["M"]["starts_at"]["S"] > cutoff
        }
        return active, int(item["version"]["N"])

    def _overlapping(self, active: dict[str, dict[str, Any]], user_id: str, wanted: Booking) -> Booking | None:
        """The person's upcoming booking whose time overlaps the wanted one's (same day, wall times), if any."""
        start = minutes_of(wanted.time)
        end = start + wanted.duration_minutes
        for booking_id, summary in active.items():
            held = _booking_from(booking_id, user_id, summary)
            held_start = minutes_of(held.time)
            if held.date == wanted.date and held_start < end and start < held_start + held.duration_minutes:
                return held
        return None

    def _user_update(self, user_id: str, active: dict[str, dict[str, Any]], version: int | None) -> dict[str, Any]:
        values: dict[str, Any] = {
            ":b": {"M": {k: {"M": v} for k, v in active.items()}},
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
                raise ServiceUnavailable(words.dynamodb_throttled(exc.response["Error"]["Code"])) from exc
            raise
        except BotoCoreError as exc:
            raise ServiceUnavailable(words.dynamodb_unreachable(type(exc).__name__)) from exc


def user_key(user_id: str) -> dict[str, Any]:
    """The item holding a user's upcoming bookings (the per-user limit, "my bookings")."""
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "ACTIVE"}}


def booking_key(booking_id: str) -> dict[str, Any]:
    """The item of one booking, read by id with a strongly consistent GetItem."""
    return {"pk": {"S": f"BOOKING#{booking_id}"}, "sk": {"S": "BOOKING"}}


# The booking item is still as read: its owner's, and its sequence unchanged (absent: 0, written before sequences).
AS_READ = "user_id = :u AND (attribute_not_exists(#seq) OR #seq = :seq)"


def _mine(booking: Booking) -> dict[str, Any]:
    return {":id": {"S": booking.booking_id}, ":u": {"S": booking.user_id}}


def _as_read(booking: Booking) -> dict[str, Any]:
    return {":u": {"S": booking.user_id}, ":seq": {"N": str(booking.sequence)}}


def _summary(booking: Booking, starts_at: str) -> dict[str, Any]:
    """A booking's slot attributes: what the user's item keeps of it, and part of every item it writes."""
    return {
        "starts_at": {"S": starts_at},
        "court": {"S": booking.court},
        "date": {"S": booking.date.isoformat()},
        "booked_time": {"S": booking.time},
        "duration_minutes": {"N": str(booking.duration_minutes)},
        "sequence": {"N": str(booking.sequence)},
    }


def _backoff() -> None:
    sleep(random.uniform(0.005, 0.05))  # noqa: S311 - jitter, not cryptography


def _booking_from(booking_id: str, user_id: str, item: dict[str, Any]) -> Booking:
    """A booking from its item or its summary in the user's item (absent: confirmed, sequence 0)."""
    court, date, start = item["court"]["S"], dt.date.fromisoformat(item["date"]["S"]), item["booked_time"]["S"]
    duration = int(item["duration_minutes"]["N"])
    cancelled_at = item.get("cancelled_at", {}).get("S")  # only on a cancelled booking's item
    return Booking(
        booking_id=booking_id,
        court=court,
        date=date,
        time=start,
        duration_minutes=duration,
        user_id=user_id,
        status=item.get("status", {}).get("S", "confirmed"),
        sequence=int(item.get("sequence", {}).get("N", "0")),
        cancelled_at=dt.datetime.fromisoformat(cancelled_at) if cancelled_at else None,
        message=words.booking_summary(court, date, start, duration),
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


__all__ = ["BookingService", "nearest"]
