"""Closures of a court (or of the whole club), and the staff's view of a day.

Items (docs/club.md):

    pk = "CLOSURES"        sk = "CLOSURE#<id>"    one per closure: court (absent: all), start, end (wall
                                                  times), reason, created_by, created_at, complete
    pk = "DAY#<date>"      sk = "CLOSED#<court>"  the marker of a court's closed hours that day: `hours`
                                                  (string set of slot starts), `closures` (map id -> that
                                                  closure and the hours it shuts that day), `version`

A booking's transaction holds a ConditionCheck on the marker of its court and day
(`marker_check`), so no booking commits on a closed slot; a close writes each marker
before it lists the bookings already inside, so none slips in between.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from . import words
from .contracts import Closure, ClosureList, ClosureResult, DaySheet
from .errors import InvalidRequest, ServiceError, ServiceUnavailable
from .keys import MAX_WRITE_ATTEMPTS, backoff, day_key
from .models import Booking, ErrorCode
from .schedule import hhmm

if TYPE_CHECKING:
    from .booking_service import BookingService
    from .config import Facility
    from .contracts import CloseRequest

MAX_CLOSURE_DAYS = 92
CLOSURES_PK = "CLOSURES"
_MARKER_PREFIX = "CLOSED#"
_SLOT_PREFIX = "SLOT#"

# A marker item's `closures` map: {closure id: {"M": {...}}} in DynamoDB's attribute values.
Entries = dict[str, dict[str, Any]]


class ClosureNotFound(ServiceError):
    """No closure with this id (never made, or already reopened)."""

    def __init__(self, closure_id: str) -> None:
        super().__init__(ErrorCode.NOT_FOUND, words.no_such_closure(closure_id))


@dataclass(frozen=True)
class ClosedInfo:
    """The closure that shuts a slot: its whole span as wall times ("YYYY-MM-DDTHH:MM"), not only that day's."""

    closure_id: str
    reason: str
    start: str
    end: str
    court: str | None = None  # None: the whole club


# --- markers: what a booking's transaction checks ---------------------------------------------


def marker_key(date: dt.date, court: str) -> dict[str, Any]:
    """The key of a court's closed hours that day."""
    return {"pk": {"S": day_key(date)}, "sk": {"S": f"{_MARKER_PREFIX}{court}"}}


def marker_check(table: str, date: dt.date, court: str, units: Iterable[str]) -> dict[str, Any]:
    """A TransactWriteItems ConditionCheck that fails when any of these slot starts is closed
    (passes when the court has no marker that day, or one without `hours`)."""
    values = {f":u{i}": {"S": unit} for i, unit in enumerate(units)}
    if not values:
        raise ValueError("a marker check needs at least one slot start")
    closed = " OR ".join(f"contains(hours, {name})" for name in values)
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": marker_key(date, court),
            "ConditionExpression": f"attribute_not_exists(hours) OR NOT ({closed})",
            "ExpressionAttributeValues": values,
        }
    }


def closed_units(items: Iterable[dict[str, Any]]) -> dict[tuple[str, str], ClosedInfo]:
    """(court, HH:MM) -> the closure shutting it, from the items of one day's DAY# Query (other items are
    ignored). Where two closures overlap, the one that ends later is named."""
    found: dict[tuple[str, str], ClosedInfo] = {}
    for item in items:
        sk = item["sk"]["S"]
        if not sk.startswith(_MARKER_PREFIX):
            continue
        court = sk.removeprefix(_MARKER_PREFIX)
        for closure_id, entry in item.get("closures", {}).get("M", {}).items():
            info = _info(closure_id, entry["M"])
            for unit in entry["M"].get("hours", {}).get("SS", []):
                held = found.get((court, unit))
                if held is None or info.end > held.end:
                    found[(court, unit)] = info
    return found


def closed_message(court: str, info: ClosedInfo, facility: Facility) -> str:
    """Why a slot of `court` cannot be booked: "Court B is closed until Friday 18 December at 21:00 for
    resurfacing." (a closure of the whole club: "The club is closed until ...")."""
    place = words.closed_place(None) if info.court is None else (facility.court_named(court) or court)
    return words.closed_until(place, info.end, info.reason)


def _info(closure_id: str, entry: dict[str, Any]) -> ClosedInfo:
    return ClosedInfo(
        closure_id=closure_id,
        reason=entry["reason"]["S"],
        start=entry["start"]["S"],
        end=entry["end"]["S"],
        court=entry["court"]["S"] if "court" in entry else None,
    )


# --- the staff's operations ----------------------------------------------------------------------


class ClubAdmin:
    """Closures and the day sheet, on a BookingService's table, schedule and clock.

    A close is written step by step (more than 100 items do not fit in one transaction): the CLOSURES
    item (complete false), each marker (conditional on the version read), the bookings inside listed
    by a strongly consistent Query of each day, then complete true. Closing again with the same court,
    span and reason carries on the same closure, so an interrupted close is finished by repeating it.
    """

    def __init__(self, service: BookingService) -> None:
        self._service = service
        self._table = service._table
        self._schedule = service.schedule
        self.facility = service.facility

    # --- close -------------------------------------------------------------------------------------
    def close(self, request: CloseRequest) -> ClosureResult:
        """Close a court (or the club) from start to end; list, or with cancel_affected cancel, the bookings
        inside. InvalidRequest naming the rule, and nothing written, when the closure cannot be made."""
        court, start, end = self._check(request)
        now = self._service._clock()
        closure = self._same_closure(court, request.start, request.end, request.reason) or Closure(
            closure_id=str(uuid.uuid4()),
            court=court,
            start=request.start,
            end=request.end,
            reason=request.reason,
            created_by=request.admin_id,
            created_at=now.astimezone(dt.UTC),
            complete=False,
        )
        plan = self._plan(closure)
        done = 0
        try:
            if not closure.complete:
                self._call("put_item", TableName=self._table, Item=self._closure_item(closure))
            entry = self._entry(closure)
            read = self._markers(plan)
            for done, (date, on_court) in enumerate(plan):  # noqa: B007 - `done` says how far it got
                self._change_marker(
                    date, on_court, lambda entries, d=date: {**entries, closure.closure_id: entry(d)}, read
                )
            done = len(plan)
            inside = self._inside(closure, start, end, now)
            self._mark_complete(closure.closure_id)
        except ServiceUnavailable as fault:
            step = f"after {done} of its {len(plan)} court-days" if done < len(plan) else "before it was complete"
            raise ServiceUnavailable(words.closure_interrupted(fault.message, closure.closure_id, step)) from fault
        closure = closure.model_copy(update={"complete": True})

        cancelled: list[Booking] = []
        standing: list[Booking] = []
        if request.cancel_affected:
            for n, booking in enumerate(inside):
                try:
                    result = self._service.cancel(
                        booking.user_id,
                        booking.booking_id,
                        by="closure",
                        by_id=closure.closure_id,
                        reason=request.reason,
                    )
                except ServiceUnavailable as fault:
                    raise ServiceUnavailable(
                        words.closure_cancels_interrupted(fault.message, closure.closure_id, n, len(inside))
                    ) from fault
                except ServiceError:
                    standing.append(booking)  # refused, nothing written (already being played): it stands
                    continue
                if result.cancelled_by in (None, "closure"):
                    cancelled.append(result)
                # else its holder (or an admin) cancelled it a moment ago: it is no longer inside
        else:
            standing = inside
        span = words.closure_span(court, closure.start, closure.end, closure.reason)
        return ClosureResult(
            closure=closure,
            affected=standing,
            cancelled=cancelled,
            message=words.closure_made(span, standing, cancelled),
        )

    def _check(self, request: CloseRequest) -> tuple[str | None, dt.datetime, dt.datetime]:
        """(court or None, start, end as naive wall times), or InvalidRequest naming the rule broken."""
        court = None
        if request.court is not None:
            court = self.facility.court_named(request.court)
            if court is None:
                raise InvalidRequest(words.no_such_court(request.court, self.facility))
        start, end = dt.datetime.fromisoformat(request.start), dt.datetime.fromisoformat(request.end)
        if end <= start:
            raise InvalidRequest(words.closure_not_ordered(request.start, request.end))
        if end - start > dt.timedelta(days=MAX_CLOSURE_DAYS):
            raise InvalidRequest(words.closure_too_long(MAX_CLOSURE_DAYS, request.start, request.end))
        for wall in (start, end):
            if self._schedule.wall_time(wall.date(), f"{wall:%H:%M}") is None:
                raise InvalidRequest(words.wall_time_skipped(f"{wall:%H:%M}", wall.date(), self.facility))
        if self._instant(end) <= self._service._clock():
            raise InvalidRequest(words.closure_over(request.end))
        return court, start, end

    def _same_closure(self, court: str | None, start: str, end: str, reason: str) -> Closure | None:
        """A closure already made (or begun) of this court, span and reason: closing again carries it on."""
        for closure in self._all():
            if (closure.court, closure.start, closure.end, closure.reason) == (court, start, end, reason):
                return closure
        return None

    def _inside(self, closure: Closure, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[Booking]:
        """The bookings on a slot the closure shuts that are not over yet: a strongly consistent Query of each
        day it touches, after its markers are written."""
        courts = self._courts(closure)
        today = self._schedule.local_now(now).date()
        found: dict[str, Booking] = {}
        for date in _days(start, end):
            shut = set(self._units(date, start, end))
            if not shut or date < today:
                continue  # nothing shut that day, or every booking of it is over
            for item in self._day_items(date, _SLOT_PREFIX):
                if item["court"]["S"] in courts and item["time"]["S"] in shut:
                    found.setdefault(item["booking_id"]["S"], _booking(item))
        over = [b for b in found.values() if self._end_of(b) > now]
        return sorted(over, key=lambda b: (b.date, b.time, b.court))

    def _mark_complete(self, closure_id: str) -> None:
        self._call(
            "update_item",
            TableName=self._table,
            Key=_closure_key(closure_id),
            UpdateExpression="SET #c = :t",
            ExpressionAttributeNames={"#c": "complete"},
            ExpressionAttributeValues={":t": {"BOOL": True}},
        )

    # --- list, reopen --------------------------------------------------------------------------------
    def closures(self) -> ClosureList:
        """Every closure not over yet, and every incomplete one (to be deleted or finished), by start."""
        now = self._service._clock()
        listed = [c for c in self._all() if not c.complete or self._instant(_wall(c.end)) > now]
        listed.sort(key=lambda c: (c.start, c.end, c.court or ""))
        spans = [
            words.closure_span(c.court, c.start, c.end, c.reason)
            + ("" if c.complete else " " + words.closure_incomplete(c.closure_id))
            for c in listed
        ]
        return ClosureList(closures=listed, message=words.closures_listed(spans))

    def reopen(self, closure_id: str) -> Closure:
        """Remove a closure from each of its markers (a marker with no closure left is deleted), then the
        closure itself: its slots can be booked again. ClosureNotFound when there is no such closure."""
        item = self._call("get_item", TableName=self._table, Key=_closure_key(closure_id), ConsistentRead=True).get(
            "Item"
        )
        if item is None:
            raise ClosureNotFound(closure_id)
        closure = _closure(item)
        plan = self._plan(closure)
        done = 0
        try:
            read = self._markers(plan)
            for done, (date, court) in enumerate(plan):  # noqa: B007 - `done` says how far it got
                self._change_marker(
                    date, court, lambda entries: {k: v for k, v in entries.items() if k != closure_id}, read
                )
            done = len(plan)
            self._call("delete_item", TableName=self._table, Key=_closure_key(closure_id))
        except ServiceUnavailable as fault:
            raise ServiceUnavailable(words.reopen_interrupted(fault.message, closure_id, done, len(plan))) from fault
        return closure

    # --- the day sheet ---------------------------------------------------------------------------------
    def day_sheet(self, date: dt.date) -> DaySheet:
        """Every booking of a day with its holder (by time, then court), that day's closures and hours:
        one strongly consistent Query of the day."""
        items = self._day_items(date)
        bookings: dict[str, Booking] = {}
        closures: dict[str, Closure] = {}
        for item in items:
            sk = item["sk"]["S"]
            if sk.startswith(_SLOT_PREFIX):
                bookings.setdefault(item["booking_id"]["S"], _booking(item))
            elif sk.startswith(_MARKER_PREFIX):
                for closure_id, entry in item.get("closures", {}).get("M", {}).items():
                    closures.setdefault(closure_id, _closure_of_entry(closure_id, entry["M"]))
        listed = sorted(bookings.values(), key=lambda b: (b.time, b.court))
        shut = sorted(closures.values(), key=lambda c: (c.start, c.court or ""))
        opening = self.facility.hours_on(date)
        hours = f"{hhmm(opening[0])}-{hhmm(opening[1])}" if opening else None
        spans = [words.closure_span(c.court, c.start, c.end, c.reason) for c in shut]
        return DaySheet(
            date=date, hours=hours, bookings=listed, closures=shut, message=words.day_sheet(date, hours, listed, spans)
        )

    # --- markers ---------------------------------------------------------------------------------------
    def _markers(self, plan: list[tuple[dt.date, str]]) -> dict[tuple[dt.date, str], dict[str, Any] | None]:
        """The markers of a plan as they are now (None: there is none): one strongly consistent Query of each
        day's CLOSED# items, whatever the number of courts."""
        found: dict[tuple[dt.date, str], dict[str, Any] | None] = dict.fromkeys(plan)
        for date in dict.fromkeys(d for d, _court in plan):
            for item in self._day_items(date, _MARKER_PREFIX):
                day_court = (date, item["sk"]["S"].removeprefix(_MARKER_PREFIX))
                if day_court in found:
                    found[day_court] = item
        return found

    def _change_marker(
        self,
        date: dt.date,
        court: str,
        change: Callable[[Entries], Entries],
        read: dict[tuple[dt.date, str], dict[str, Any] | None] | None = None,
    ) -> None:
        """Change a marker's closures, recompute `hours` from them and write it back conditional on the version
        read (deleted when no closure is left); read it again when another close raced it. `read` holds
        markers already read, so the first attempt need not read again."""
        key = marker_key(date, court)
        known = read or {}
        for attempt in range(MAX_WRITE_ATTEMPTS):
            if attempt == 0 and (date, court) in known:
                item = known[(date, court)]
            else:
                item = self._call("get_item", TableName=self._table, Key=key, ConsistentRead=True).get("Item")
            entries: Entries = (item or {}).get("closures", {}).get("M", {})
            changed = change(entries)
            if changed == entries and item is not None:
                return  # already so (a close carried on, a reopen finished): nothing to write
            if not changed and item is None:
                return
            version = int(item["version"]["N"]) if item and "version" in item else None
            condition, values = _as_read(version)
            try:
                if changed:
                    self._write_marker(key, date, court, changed, version, condition, values)
                else:
                    self._call(
                        "delete_item", TableName=self._table, Key=key, ConditionExpression=condition, **_given(values)
                    )
                return
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
            backoff()
        raise ServiceUnavailable(words.TOO_BUSY_CLOSURE)

    def _write_marker(
        self,
        key: dict[str, Any],
        date: dt.date,
        court: str,
        entries: Entries,
        version: int | None,
        condition: str,
        values: dict[str, Any],
    ) -> None:
        hours = sorted({u for e in entries.values() for u in e["M"].get("hours", {}).get("SS", [])})
        next_day = self._instant(dt.datetime.combine(date + dt.timedelta(days=1), dt.time()))
        expires = int((next_day + dt.timedelta(days=self._service._history_days)).timestamp())
        values = {
            **values,
            ":m": {"M": entries},
            ":next": {"N": str((version or 0) + 1)},
            ":c": {"S": court},
            ":d": {"S": date.isoformat()},
            ":exp": {"N": str(expires)},
        }
        expression = "SET closures = :m, version = :next, court = :c, #d = :d, expires_at = :exp"
        if hours:
            expression += ", #h = :h"
            values[":h"] = {"SS": hours}
        else:
            expression += " REMOVE #h"  # a string set cannot be empty: no `hours`, nothing shut that day
        self._call(
            "update_item",
            TableName=self._table,
            Key=key,
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames={"#d": "date", "#h": "hours"},
            ExpressionAttributeValues=values,
        )

    def _entry(self, closure: Closure) -> Callable[[dt.date], dict[str, Any]]:
        """A closure's entry in the marker of a day: itself, and the slot starts it shuts that day."""
        start, end = _wall(closure.start), _wall(closure.end)
        base: dict[str, Any] = {
            "start": {"S": closure.start},
            "end": {"S": closure.end},
            "reason": {"S": closure.reason},
            "created_by": {"S": closure.created_by},
            "created_at": {"S": closure.created_at.isoformat()},
        }
        if closure.court is not None:
            base["court"] = {"S": closure.court}

        def on(date: dt.date) -> dict[str, Any]:
            units = self._units(date, start, end)
            return {"M": {**base, "hours": {"SS": units}} if units else base}

        return on

    # --- time --------------------------------------------------------------------------------------------
    def _plan(self, closure: Closure) -> list[tuple[dt.date, str]]:
        """Each (day, court) whose marker the closure is written to."""
        return [(d, c) for d in _days(_wall(closure.start), _wall(closure.end)) for c in self._courts(closure)]

    def _courts(self, closure: Closure) -> tuple[str, ...]:
        return (closure.court,) if closure.court is not None else self.facility.courts

    def _units(self, date: dt.date, start: dt.datetime, end: dt.datetime) -> list[str]:
        """That day's slot starts (in its opening hours, wall times that exist) whose slot overlaps [start, end)."""
        hours = self.facility.hours_on(date)
        if hours is None:
            return []
        step = self.facility.slot_minutes
        midnight = dt.datetime.combine(date, dt.time())
        shut = []
        for minutes in range(hours[0], hours[1] - step + 1, step):
            begins = midnight + dt.timedelta(minutes=minutes)
            unit = hhmm(minutes)
            if begins < end and start < begins + dt.timedelta(minutes=step) and self._schedule.wall_time(date, unit):
                shut.append(unit)
        return shut

    def _instant(self, wall: dt.datetime) -> dt.datetime:
        """The instant of a wall time; one skipped by the clocks going forward counts as the moment after."""
        instant = self._schedule.wall_time(wall.date(), f"{wall:%H:%M}")
        if instant is not None:
            return instant
        return wall.replace(tzinfo=self.facility.timezone).astimezone(dt.UTC)  # fold=0: the later offset

    def _end_of(self, booking: Booking) -> dt.datetime:
        start = self._schedule.start_instant(booking.date, booking.time)
        return start + dt.timedelta(minutes=booking.duration_minutes)

    # --- reading -----------------------------------------------------------------------------------------
    def _all(self) -> list[Closure]:
        """Every closure item: one strongly consistent Query of pk CLOSURES."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": CLOSURES_PK}},
            "ConsistentRead": True,
        }
        return [_closure(item) for item in self._query(kwargs)]

    def _day_items(self, date: dt.date, prefix: str | None = None) -> list[dict[str, Any]]:
        """The items of a day (only those whose sk starts with `prefix`): a strongly consistent Query."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": day_key(date)}},
            "ConsistentRead": True,
        }
        if prefix:
            kwargs["KeyConditionExpression"] += " AND begins_with(sk, :p)"
            kwargs["ExpressionAttributeValues"][":p"] = {"S": prefix}
        return self._query(kwargs)

    def _query(self, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        return self._service._query_all(kwargs)

    def _call(self, operation: str, **kwargs: Any) -> Any:
        return self._service._call(operation, **kwargs)

    def _closure_item(self, closure: Closure) -> dict[str, Any]:
        end = self._instant(_wall(closure.end))
        expires = int((end + dt.timedelta(days=self._service._history_days)).timestamp())
        item: dict[str, Any] = {
            **_closure_key(closure.closure_id),
            "closure_id": {"S": closure.closure_id},
            "start": {"S": closure.start},
            "end": {"S": closure.end},
            "reason": {"S": closure.reason},
            "created_by": {"S": closure.created_by},
            "created_at": {"S": closure.created_at.isoformat()},
            "complete": {"BOOL": closure.complete},
            "expires_at": {"N": str(expires)},
        }
        if closure.court is not None:
            item["court"] = {"S": closure.court}
        return item


# --- items ---------------------------------------------------------------------------------------------


def _closure_key(closure_id: str) -> dict[str, Any]:
    return {"pk": {"S": CLOSURES_PK}, "sk": {"S": f"CLOSURE#{closure_id}"}}


def _closure(item: dict[str, Any]) -> Closure:
    return Closure(
        closure_id=item["closure_id"]["S"],
        court=item["court"]["S"] if "court" in item else None,
        start=item["start"]["S"],
        end=item["end"]["S"],
        reason=item["reason"]["S"],
        created_by=item["created_by"]["S"],
        created_at=dt.datetime.fromisoformat(item["created_at"]["S"]),
        complete=item["complete"]["BOOL"],
    )


def _closure_of_entry(closure_id: str, entry: dict[str, Any]) -> Closure:
    """A closure as a marker holds it: in force that day (its marker is written)."""
    return Closure(
        closure_id=closure_id,
        court=entry["court"]["S"] if "court" in entry else None,
        start=entry["start"]["S"],
        end=entry["end"]["S"],
        reason=entry["reason"]["S"],
        created_by=entry["created_by"]["S"],
        created_at=dt.datetime.fromisoformat(entry["created_at"]["S"]),
    )


def _booking(item: dict[str, Any]) -> Booking:
    """A booking from one of its slot items (each carries the booking's own attributes)."""
    court, date, time = item["court"]["S"], dt.date.fromisoformat(item["date"]["S"]), item["booked_time"]["S"]
    duration = int(item["duration_minutes"]["N"])
    return Booking(
        booking_id=item["booking_id"]["S"],
        court=court,
        date=date,
        time=time,
        duration_minutes=duration,
        user_id=item["user_id"]["S"],
        sequence=int(item.get("sequence", {}).get("N", "0")),
        message=words.booking_summary(court, date, time, duration),
    )


def _as_read(version: int | None) -> tuple[str, dict[str, Any]]:
    """The condition that a marker is still as read: its version, or (None) that there is none yet."""
    if version is None:
        return "attribute_not_exists(pk)", {}
    return "version = :v", {":v": {"N": str(version)}}


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """ExpressionAttributeValues, left out when there are none (DynamoDB refuses an empty map)."""
    return {"ExpressionAttributeValues": values} if values else {}


def _wall(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """Each day the span [start, end) touches (a span ending at midnight does not touch the next day)."""
    days = []
    day = start.date()
    while dt.datetime.combine(day, dt.time()) < end:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


__all__ = [
    "ClosedInfo",
    "ClosureNotFound",
    "ClubAdmin",
    "closed_message",
    "closed_units",
    "marker_check",
    "marker_key",
]
