"""BookingService: availability and bookings on DynamoDB.

Table design (single table, only bookings are stored; slots are computed):

    pk = "DAY#<date>"            sk = "SLOT#<HH:MM>#<court>"

One item per booked slot. A booking of several consecutive slots writes one
item per slot in one transaction, each conditional on the slot not existing,
so two requests can never hold the same slot, however many Lambda instances
race. Availability for a date is one Query on `DAY#<date>`. The first item of
a booking also carries the keys of two sparse indexes: `ByUser` (user_pk,
user_sk) for "my bookings" and `ByBookingId` (booking_ref) for lookups by id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .config import Facility
from .errors import InvalidRequest, ServiceUnavailable, SlotTaken
from .models import Availability, AvailabilityQuery, Booking, Slot
from .schedule import Schedule, hhmm, minutes_of

MAX_ALTERNATIVES = 5
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
        """Book a slot for a user, or raise SlotTaken / SlotInvalid. Writes nothing on refusal."""
        court, date, time = self.schedule.parse_slot_id(slot_id)
        duration = self.schedule.check_duration(duration_minutes)
        now = self._clock()
        self.schedule.check_bookable(court, date, time, duration, now)

        booking_id = str(uuid.uuid4())
        starts_at = self.schedule.start_instant(date, time).astimezone(dt.UTC).isoformat()
        common = {
            "booking_id": {"S": booking_id},
            "user_id": {"S": user_id},
            "court": {"S": court},
            "date": {"S": date.isoformat()},
            "duration_minutes": {"N": str(duration)},
            "starts_at": {"S": starts_at},
            "created_at": {"S": now.astimezone(dt.UTC).isoformat()},
        }
        puts = []
        for index, unit in enumerate(self.schedule.units(time, duration)):
            item = {"pk": {"S": day_key(date)}, "sk": {"S": slot_key(unit, court)}, "time": {"S": unit}, **common}
            if index == 0:
                item |= {
                    "booked_time": {"S": time},
                    "user_pk": {"S": user_id},
                    "user_sk": {"S": f"{starts_at}#{booking_id}"},
                    "booking_ref": {"S": booking_id},
                }
            puts.append(
                {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
            )
        try:
            # The token makes botocore's own retries of this call idempotent: a retry after a
            # lost response cannot fail on the very slots the first attempt booked.
            self._call("transact_write_items", TransactItems=puts, ClientRequestToken=booking_id)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                raise SlotTaken(_taken_message(court, date, time, exc)) from None
            raise
        return Booking(
            booking_id=booking_id,
            court=court,
            date=date,
            time=time,
            duration_minutes=duration,
            user_id=user_id,
            message=f"Booked {court} on {date:%A %d %B} at {time} for {duration} minutes.",
        )

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


def _taken_message(court: str, date: dt.date, time: str, exc: ClientError) -> str:
    reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
    if "TransactionConflict" in reasons:
        return f"{court} at {time} on {date:%A %d %B} is being booked by someone else right now."
    return f"{court} at {time} on {date:%A %d %B} is already booked."


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
