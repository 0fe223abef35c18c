"""Recurring bookings (the booking function's): the same start on chosen weekdays, week after week, previewed
and reported date by date.

Item (bookings table; docs/series.md):

    pk = "USER#<user>"   sk = "SERIES#<id>"   the series: what was asked, and each date's outcome {date: json}

A series' dates are local dates in the facility's zone, each at the same wall time: on a day the clocks
change its instant moves and its wall time stays (a wall time that does not exist that day is reported).
The preview reads each date once (one strongly consistent Query of its day) and the person's list once.

Booking "the free ones" writes the series item first, then books each free date with the booking's own
transaction, which also records that date's outcome in the series item: a date is booked and reported
together or not at all. A date taken meanwhile is tried on another court (when none was named); one
refused by a limit is reported so. "All or none" is one transaction: every date's slot items, booking items
and closed-hours checks, each week's count (by as many as it gains), the person's list (the version read,
so MAX_ACTIVE_BOOKINGS holds) and the series item; if any date cannot be booked nothing is written.

A date's later state (cancelled, played, moved) is its booking's: read when the series is shown.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from typing import Any

from courtbooking import words
from courtbooking.booking_service import BookingService, _booking_from, _summary, nearest
from courtbooking.contracts import Occurrence, Series, SeriesBookRequest, SeriesList
from courtbooking.errors import (
    AlreadyBooked,
    Closed,
    InvalidRequest,
    LimitReached,
    NotFound,
    ServiceError,
    ServiceUnavailable,
    SlotInvalid,
    SlotTaken,
    TooLate,
)
from courtbooking.keys import MAX_WRITE_ATTEMPTS, backoff, booking_key
from courtbooking.models import MAX_SERIES_WEEKS, Booking, SeriesSpec, Slot
from courtbooking.schedule import Schedule, minutes_of
from courtbooking.weeks import monday_of, week_of

MAX_OCCURRENCES = 26
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems limit
SERIES = "SERIES#"
_REFUSED = {SlotTaken: "taken", LimitReached: "limit", AlreadyBooked: "already_booked", Closed: "closed"}


def series_key(user_id: str, series_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": f"{SERIES}{series_id}"}}


class Recurring:
    """Series of one BookingService: preview, book, list, show, cancel; always the person's own."""

    def __init__(self, service: BookingService) -> None:
        self.service = service
        self.schedule = service.schedule

    # --- the dates ------------------------------------------------------------------------------------------
    def dates(self, spec: SeriesSpec, now: dt.datetime) -> tuple[list[dt.date], dt.date, dt.date]:
        """The local dates of the series, its first and last day; InvalidRequest naming the rule otherwise."""
        today = self.schedule.local_now(now).date()
        first = spec.first or today
        if first < today:
            raise InvalidRequest(words.series_starts_past(first, today))
        if first > today + dt.timedelta(weeks=2 * MAX_SERIES_WEEKS):  # before any date arithmetic near year 9999
            raise InvalidRequest(words.series_too_far(first, spec.until or first, MAX_SERIES_WEEKS))
        last = spec.until if spec.until is not None else first + dt.timedelta(days=7 * (spec.weeks or 1) - 1)
        if last < first:
            raise InvalidRequest(words.series_bad_span(first, last))
        if (last - first).days >= 7 * MAX_SERIES_WEEKS:  # before its days are made: "until 9999-12-31" is refused
            raise InvalidRequest(words.series_too_far(first, last, MAX_SERIES_WEEKS))
        every_day = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
        on_weekdays = [d for d in every_day if d.isoweekday() in spec.weekdays]
        monday = on_weekdays[0] - dt.timedelta(days=on_weekdays[0].weekday()) if on_weekdays else first
        # every other (third ...) week counts from the week of the first date it falls on
        dates = [d for d in on_weekdays if ((d - monday).days // 7) % spec.every_weeks == 0]
        if not dates:
            named = words.series_name(spec.weekdays, spec.time, spec.every_weeks)
            raise InvalidRequest(words.series_no_dates(named, first, last))
        if len(dates) > MAX_OCCURRENCES:
            raise InvalidRequest(words.series_too_long(len(dates), MAX_OCCURRENCES))
        return dates, first, last

    # --- preview ------------------------------------------------------------------------------------------
    def preview(self, user_id: str, spec: SeriesSpec) -> Series:
        """Every date of the series as it stands, nothing written: one Query per date, one read of the list."""
        now = self.service._clock()
        dates, first, last = self.dates(spec, now)
        court = self._court(spec.court)
        try:
            duration = self.schedule.check_duration(spec.duration_minutes)
        except SlotInvalid as refusal:
            raise InvalidRequest(refusal.message) from None
        active, _version = self.service._active(user_id, now)
        seen = [self._look(user_id, d, spec.time, duration, court, active, now) for d in dates]
        chosen = _preferred(seen, court, self.service.facility.courts)
        occurrences = [_on_court(o, frees, chosen) for o, frees in seen]
        header = {
            "user_id": user_id,
            "weekdays": sorted(spec.weekdays),
            "time": spec.time,
            "every_weeks": spec.every_weeks,
        }
        header |= {"duration_minutes": duration, "court": court, "first": first, "last": last}
        return _series(header, occurrences, "preview")

    def _court(self, named: str | None) -> str | None:
        if named is None:
            return None
        court = self.service.facility.court_named(named)
        if court is None:
            raise InvalidRequest(words.no_such_court(named, self.service.facility))
        return court

    def _look(
        self,
        user_id: str,
        date: dt.date,
        time: str,
        duration: int,
        court: str | None,
        active: dict[str, dict[str, Any]],
        now: dt.datetime,
    ) -> tuple[Occurrence, list[str]]:
        """One date as it stands, and the courts free at its start (in the facility's order)."""
        base = {"date": date, "time": time, "duration_minutes": duration, "court": court}
        problem = self.schedule.date_problem(date, now)
        if problem is not None:
            status = "beyond_horizon" if date > self.schedule.last_bookable_date(now) else "closed"
            return Occurrence(**base, status=status, message=problem.rstrip(".")), []
        if time not in self.schedule.starts(duration, date):
            skipped = self.schedule.wall_time(date, time) is None
            why = words.wall_time_skipped(time, date, self.service.facility) if skipped else None
            why = why or words.not_a_start(time, duration, date, self.service.facility)
            return Occurrence(**base, status="unavailable", message=why), []
        if self.schedule.start_instant(date, time) <= now:
            return Occurrence(**base, status="started", message=words.already_started(date, time)), []
        wanted = Booking(
            booking_id="-", court=court or "-", date=date, time=time, duration_minutes=duration, user_id=user_id
        )
        held = self.service._overlapping(active, user_id, wanted)
        if held is not None:
            said = words.already_have(held.message).rstrip(".")
            return Occurrence(**base | {"court": held.court}, status="already_booked", message=said), []
        free, closed = self._free(date, duration, now)
        at = [s.court for s in free if s.time == time and court in (None, s.court)]
        if at:
            return Occurrence(**base, status="free", message=""), at
        wanted_here = [(c, time) for c in self.service.facility.courts if court in (None, c)]
        shut = self.service._closed_answer(closed, wanted_here, duration)
        if shut is not None:
            return Occurrence(**base, status="closed", message=shut), []
        near = _nearest(free, minutes_of(time), court)
        said = words.series_occurrence("taken", court, time, near)
        return Occurrence(**base, status="taken", nearest=near, waitlist=True, message=said), []

    # --- booking ------------------------------------------------------------------------------------------
    def book(self, request: SeriesBookRequest) -> Series:
        """Book the series' free dates (each atomically), or all of its dates at once or nothing (all_or_none)."""
        if request.all_or_none:
            return self._book_all(request)
        spec, user_id = request.series, request.user_id
        preview = self.preview(user_id, spec)
        series_id = _series_id(user_id, request.idempotency_key)
        now = self.service._clock()
        # A retry with the same key after a fault part-way goes on with the same series: its dates booked stay.
        item = self.service._item(series_key(user_id, series_id)) if request.idempotency_key else None
        before = _outcomes(item) if item is not None else {}
        series = preview.model_copy(update={"series_id": series_id, "created_at": now})
        if item is None:
            pending = [_pending(o) for o in preview.occurrences]  # free ones: "not booked" until each is
            self.service._call("put_item", **self._series_put(series.model_copy(update={"occurrences": pending}), now))
        done: list[Occurrence] = []
        for occurrence in preview.occurrences:
            prior = before.get(occurrence.date)
            if prior is not None and prior.status == "booked":
                done.append(prior)
            elif occurrence.status != "free":
                done.append(self._recorded(user_id, series_id, occurrence) if item is not None else occurrence)
            else:
                done.append(self._book_one(user_id, series_id, occurrence, spec.court is None))
        return _series(_header(series), done, "report")

    def _book_one(self, user_id: str, series_id: str, occurrence: Occurrence, any_court: bool) -> Occurrence:
        """Book one free date, recording its outcome in the series item in the same transaction; taken meanwhile:
        another free court that day (when no court was named), else reported taken with what is free instead."""
        tried: set[str] = set()
        court = occurrence.court
        while court is not None:
            tried.add(court)
            slot_id = Schedule.slot_id(court, occurrence.date, occurrence.time)
            booked = occurrence.model_copy(update={"court": court, "slot_id": None})
            try:
                booking = self.service.book(
                    slot_id,
                    user_id,
                    occurrence.duration_minutes,
                    also=lambda b, o=booked: [self._record(user_id, series_id, _booked(o, b))],
                )
            except SlotTaken:
                court = self._another_court(occurrence, tried) if any_court else None
                continue
            except (LimitReached, AlreadyBooked, Closed, SlotInvalid) as refused:
                status = _REFUSED.get(type(refused), "started")
                said = occurrence.model_copy(update={"status": status, "slot_id": None, "message": refused.message})
                return self._recorded(user_id, series_id, said)
            if booking.already_held:  # held already (booked by hand, or by another series): not this series' own
                held = booked.model_copy(update={"status": "already_booked", "message": booking.message.rstrip(".")})
                return self._recorded(user_id, series_id, held)
            return _booked(booked, booking)
        free, _closed = self._free(occurrence.date, occurrence.duration_minutes, self.service._clock())
        near = _nearest(free, minutes_of(occurrence.time), None)
        why = words.series_occurrence("taken", None, occurrence.time, near, "taken a moment ago")
        said = occurrence.model_copy(update={"status": "taken", "slot_id": None, "nearest": near, "waitlist": True})
        return self._recorded(user_id, series_id, said.model_copy(update={"message": why}))

    def _free(self, date: dt.date, duration: int, now: dt.datetime) -> tuple[list[Slot], dict[Any, Any]]:
        """The free slots of this length that day, and its closed ones: one strongly consistent Query."""
        taken, closed = self.service._day(date)
        return self.service._free_slots(date, duration, now, taken | closed.keys()), closed

    def _another_court(self, occurrence: Occurrence, tried: set[str]) -> str | None:
        free, _closed = self._free(occurrence.date, occurrence.duration_minutes, self.service._clock())
        return next((s.court for s in free if s.time == occurrence.time and s.court not in tried), None)

    def _book_all(self, request: SeriesBookRequest) -> Series:
        """All the dates in one transaction, or nothing: refused naming every date that cannot be booked."""
        service, user_id = self.service, request.user_id
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            preview = self.preview(user_id, request.series)
            blocked = [o for o in preview.occurrences if o.status != "free"]
            if blocked:
                raise _blocked(blocked)
            now = service._clock()
            active, version = service._active(user_id, now)
            limit = service.facility.max_active_bookings
            count = len(preview.occurrences)
            if len(active) + count > limit:
                raise LimitReached(limit, words.series_all_or_none_limit(count, len(active), limit))
            bookings = [_new_booking(o, user_id) for o in preview.occurrences]
            held = [(b.date, service._overlapping(active, user_id, b)) for b in bookings]  # on this very read
            if any(h is not None for _d, h in held):
                raise AlreadyBooked("", words.series_all_or_none_blocked([(d, h.message) for d, h in held if h]))
            series_id = str(uuid.uuid4())
            items, roles, weeks = self._all_items(bookings, active, version, now)
            booked = [_booked(o, b) for o, b in zip(preview.occurrences, bookings, strict=True)]
            series = preview.model_copy(
                update={"series_id": series_id, "created_at": now, "all_or_none": True, "occurrences": booked}
            )
            items.append({"Put": self._series_put(series, now)})
            roles.append(("series", None))
            if len(items) > MAX_TRANSACTION_ITEMS:
                per_date = -(-(len(items) - 2) // count)  # slots, booking, closed check and (at most) a week
                raise InvalidRequest(words.series_all_or_none_too_many(count, (MAX_TRANSACTION_ITEMS - 2) // per_date))
            try:
                reasons = service._transact(items)
            except ServiceUnavailable:
                if service._item(series_key(user_id, series_id)) is not None:
                    return self.get(user_id, series_id)  # it was written; only its answer was lost
                raise
            if reasons is None:
                return _series(_header(series), booked, "report")
            self._refuse_all(roles, reasons, weeks)
            backoff()  # the person's list changed under us: read again
        raise ServiceUnavailable(words.TOO_BUSY_USER)

    def _refuse_all(
        self, roles: list[tuple[str, Booking | None]], reasons: list[dict[str, Any]], weeks: dict[int, tuple[str, int]]
    ) -> None:
        """Raise what a cancelled all-or-none transaction means (a date taken or closed a moment ago, a full week);
        return when only the person's list changed (read again)."""
        for index, ((role, booking), reason) in enumerate(zip(roles, reasons, strict=False)):
            if reason.get("Code") != "ConditionalCheckFailed" or booking is None:
                continue
            if role in ("slot", "booking"):
                raise SlotTaken(words.series_taken_meanwhile(booking.court, booking.date, booking.time))
            if role == "closed" and (shut := self.service._closed_words(booking, reason)) is not None:
                raise Closed(f"All or none: nothing was booked. {shut}")
            if role == "week":
                week, gained = weeks[index]
                most = self.service.facility.max_bookings_per_week or 0
                had = int(reason.get("Item", {}).get("count", {}).get("N", "0"))
                raise LimitReached(most, words.series_all_or_none_week(gained, had, most, monday_of(week)))

    def _all_items(
        self, bookings: list[Booking], active: dict[str, dict[str, Any]], version: int | None, now: dt.datetime
    ) -> tuple[list[dict[str, Any]], list[tuple[str, Booking | None]], dict[int, tuple[str, int]]]:
        """Every write of an all-or-none series, each with its role and date's booking (and the weeks' places)."""
        service = self.service
        items: list[dict[str, Any]] = []
        roles: list[tuple[str, Booking | None]] = []
        listed = dict(active)
        for booking in bookings:
            starts_at = service._starts_at(booking)
            puts = service._booking_puts(booking, starts_at, now, week_of(booking.date))
            items += [*puts, service._closed_check(booking)]
            roles += [("slot", booking)] * (len(puts) - 1) + [("booking", booking), ("closed", booking)]
            listed[booking.booking_id] = _summary(booking, starts_at)
        weeks: dict[int, tuple[str, int]] = {}
        for week, gained in Counter(week_of(b.date) for b in bookings).items():
            weeks[len(items)] = (week, gained)
            first = next(b for b in bookings if week_of(b.date) == week)
            items.append(service._week_change(bookings[0].user_id, week, gained))
            roles.append(("week", first))
        items.append(service._user_update(bookings[0].user_id, listed, version))
        roles.append(("active", None))
        return items, roles, weeks

    # --- reading ------------------------------------------------------------------------------------------
    def get(self, user_id: str, series_id: str) -> Series:
        """One of the person's series, each date with its booking's state now (someone else's: not found)."""
        item = self.service._item(series_key(user_id, series_id))
        if item is None:
            raise NotFound(series_id, words.no_such_series(series_id))
        return self._shown([item])[0]

    def series(self, user_id: str) -> SeriesList:
        """The person's series, newest first: one Query, and one read of their dates' bookings."""
        items = self.service._query_all(
            {
                "TableName": self.service._table,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :s)",
                "ExpressionAttributeValues": {":pk": {"S": f"USER#{user_id}"}, ":s": {"S": SERIES}},
                "ConsistentRead": True,
            }
        )
        shown = sorted(self._shown(items), key=lambda s: s.created_at or dt.datetime.min, reverse=True)
        return SeriesList(series=shown, message=words.series_listed(len(shown)))

    def _shown(self, items: list[dict[str, Any]]) -> list[Series]:
        """Series items as they are now: each date's outcome, a booked one as its booking is now."""
        now = self.service._clock()
        outcomes = [sorted(_outcomes(i).values(), key=lambda o: o.date) for i in items]
        ids = dict.fromkeys(o.booking_id for dates in outcomes for o in dates if o.booking_id)  # each once
        bookings = self._bookings(list(ids))
        shown = []
        for item, dates in zip(items, outcomes, strict=True):
            header = json.loads(item["series"]["S"])
            if "cancelled_at" in item:
                header["cancelled_at"] = item["cancelled_at"]["S"]
            now_dates = [_now_of(o, bookings.get(o.booking_id or ""), self.service, now) for o in dates]
            shown.append(_series(header, now_dates, "shown"))
        return shown

    def _bookings(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The booking items of these ids, read strongly consistently."""
        items = self.service._batch_items([booking_key(i) for i in ids])
        return {item["booking_id"]["S"]: item for item in items}

    # --- cancelling ---------------------------------------------------------------------------------------
    def cancel(self, user_id: str, series_id: str, date: dt.date | None = None) -> Series:
        """Cancel the series' booked dates that have not started (each with the booking's own cancel, so the
        holder's cut-off applies and a waitlist may claim the court); with `date`, only that one (a skip)."""
        series = self.get(user_id, series_id)
        targets = [o for o in series.occurrences if o.status == "booked" and (date is None or o.date == date)]
        if date is not None and not targets:
            raise NotFound(series_id, words.no_occurrence_on(date))
        refused: dict[str, str] = {}
        for occurrence in targets:
            assert occurrence.booking_id is not None
            try:
                self.service.cancel(user_id, occurrence.booking_id)
            except TooLate as late:
                if date is not None:
                    raise  # a skip inside the cut-off is refused as a cancel is (409 TOO_LATE)
                refused[occurrence.booking_id] = late.message  # the rest of the series is cancelled all the same
            except NotFound:
                continue  # its item is gone (retention passed): nothing left to cancel
        if date is None:
            now = self.service._clock()
            self.service._call(
                "update_item",
                TableName=self.service._table,
                Key=series_key(user_id, series_id),
                UpdateExpression="SET cancelled_at = :at",
                ExpressionAttributeValues={":at": {"S": now.astimezone(dt.UTC).isoformat()}},
            )
        shown = self.get(user_id, series_id)
        if refused:
            dates = [
                o.model_copy(update={"message": refused.get(o.booking_id or "", o.message)}) for o in shown.occurrences
            ]
            shown = shown.model_copy(update={"occurrences": dates})
        return shown

    # --- items and words ----------------------------------------------------------------------------------
    def _series_put(self, series: Series, now: dt.datetime) -> dict[str, Any]:
        last = self.schedule.wall_time(series.last, "23:59") or dt.datetime.combine(series.last, dt.time(23, 59))
        outcomes = {o.date.isoformat(): {"S": o.model_dump_json()} for o in series.occurrences}
        return {
            "TableName": self.service._table,
            "Item": series_key(series.user_id, series.series_id or "")
            | {
                "series_id": {"S": series.series_id or ""},
                "user_id": {"S": series.user_id},
                "created_at": {"S": now.astimezone(dt.UTC).isoformat()},
                "series": {"S": json.dumps(_header(series), default=str)},
                "occurrences": {"M": outcomes},
                "expires_at": self.service._expires(last),
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }

    def _record(self, user_id: str, series_id: str, occurrence: Occurrence) -> dict[str, Any]:
        """The Update that writes one date's outcome into the series item (which must exist)."""
        return {
            "Update": {
                "TableName": self.service._table,
                "Key": series_key(user_id, series_id),
                "UpdateExpression": "SET occurrences.#d = :o",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#d": occurrence.date.isoformat()},
                "ExpressionAttributeValues": {":o": {"S": occurrence.model_dump_json()}},
            }
        }

    def _recorded(self, user_id: str, series_id: str, occurrence: Occurrence) -> Occurrence:
        self.service._call("update_item", **self._record(user_id, series_id, occurrence)["Update"])
        return occurrence


def _header(series: Series) -> dict[str, Any]:
    """What a series is, without its dates' outcomes and words (as its item keeps it)."""
    return series.model_dump(mode="json", exclude={"occurrences", "message"})


def _series(header: dict[str, Any], occurrences: list[Occurrence], kind: str) -> Series:
    """A series and its words: a preview's, a booking's report, or the series as it is now ("shown")."""
    name = words.series_name(header["weekdays"], header["time"], header.get("every_weeks", 1))
    span = words.series_span(dt.date.fromisoformat(str(header["first"])), dt.date.fromisoformat(str(header["last"])))
    counts = words.series_counts(Counter(o.status for o in occurrences))
    if kind == "preview":
        head = f"{name[0].upper()}{name[1:]} {span}: {counts}."
    elif kind == "report":
        booked = sum(o.status == "booked" for o in occurrences)
        head = f"Booked {booked} of {len(occurrences)} dates {name} {span}:"
    else:
        cancelled = " (cancelled)" if header.get("cancelled_at") else ""
        head = f"Your series {name} {span}{cancelled}: {counts}."
    lines = words.series_lines([(o.date, _said(o)) for o in occurrences])
    return Series.model_validate({**header, "occurrences": occurrences, "message": f"{head}\n{lines}"})


def _series_id(user_id: str, idempotency_key: str | None) -> str:
    """A new series' id: random, or (with an idempotency key) the same for every retry of one request."""
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"courtbooking:series:{user_id}:{idempotency_key}"))


def _outcomes(item: dict[str, Any]) -> dict[dt.date, Occurrence]:
    found = (Occurrence.model_validate_json(v["S"]) for v in item.get("occurrences", {}).get("M", {}).values())
    return {o.date: o for o in found}


def _pending(occurrence: Occurrence) -> Occurrence:
    """A free date as the series item keeps it until its booking is made (what a fault part-way leaves)."""
    if occurrence.status != "free":
        return occurrence
    said = "not booked: the booking was interrupted; book the series again with the same key"
    return occurrence.model_copy(update={"status": "pending", "slot_id": None, "message": said})


def _preferred(seen: list[tuple[Occurrence, list[str]]], court: str | None, courts: list[str]) -> str | None:
    """The court a series is booked on where it can be: the one named, else the one free on most of its dates."""
    if court is not None:
        return court
    counts = Counter(c for _o, frees in seen for c in frees)
    return max(courts, key=lambda c: (counts[c], -courts.index(c))) if counts else None


def _on_court(occurrence: Occurrence, frees: list[str], chosen: str | None) -> Occurrence:
    if occurrence.status != "free":
        return occurrence
    court = chosen if chosen in frees else frees[0]
    slot_id = Schedule.slot_id(court, occurrence.date, occurrence.time)
    said = words.series_occurrence("free", court, occurrence.time, [])
    return occurrence.model_copy(update={"court": court, "slot_id": slot_id, "message": said})


def _nearest(free: list[Slot], target: int, court: str | None) -> list[Slot]:
    """The three free starts that day nearest the series' start, on its court when it names one."""
    return nearest([s for s in free if court in (None, s.court)], target, court)[:3]


def _booked(occurrence: Occurrence, booking: Booking) -> Occurrence:
    said = words.series_occurrence("booked", booking.court, booking.time, [])
    return occurrence.model_copy(
        update={
            "status": "booked",
            "court": booking.court,
            "booking_id": booking.booking_id,
            "slot_id": None,
            "message": said,
        }
    )


def _new_booking(occurrence: Occurrence, user_id: str) -> Booking:
    assert occurrence.court is not None
    return Booking(
        booking_id=str(uuid.uuid4()),
        court=occurrence.court,
        date=occurrence.date,
        time=occurrence.time,
        duration_minutes=occurrence.duration_minutes,
        user_id=user_id,
        message=words.booked(occurrence.court, occurrence.date, occurrence.time, occurrence.duration_minutes),
    )


def _blocked(blocked: list[Occurrence]) -> ServiceError:
    """The refusal of an all-or-none series some of whose dates cannot be booked: every such date named."""
    said = words.series_all_or_none_blocked([(o.date, o.message or o.status) for o in blocked])
    kinds = {o.status for o in blocked}
    if "taken" in kinds:
        return SlotTaken(said)
    if "already_booked" in kinds:
        return AlreadyBooked("", said)
    if kinds <= {"closed"}:
        return Closed(said)
    return SlotInvalid(said)


def _now_of(
    occurrence: Occurrence, item: dict[str, Any] | None, service: BookingService, now: dt.datetime
) -> Occurrence:
    """A booked date as its booking is now: cancelled, played, or still booked (its court and time now; a booking
    moved to another day says where, and stays this date's). A booking whose item is gone (its retention passed)
    was played."""
    if occurrence.booking_id is None or occurrence.status != "booked":
        return occurrence
    if item is None:
        return occurrence.model_copy(update={"status": "played", "message": f"played on {occurrence.court}"})
    booking = _booking_from(occurrence.booking_id, item["user_id"]["S"], item)
    moved = {"court": booking.court, "time": booking.time}
    if booking.status == "cancelled":
        return occurrence.model_copy(
            update={**moved, "status": "cancelled", "message": words.cancelled(booking).rstrip(".")}
        )
    if service.schedule.start_instant(booking.date, booking.time) <= now:
        return occurrence.model_copy(update={**moved, "status": "played", "message": f"played on {booking.court}"})
    said = words.series_occurrence("booked", booking.court, booking.time, [])
    if booking.date != occurrence.date:
        said = f"moved to {booking.message.rstrip('.')}"
    return occurrence.model_copy(update={**moved, "message": said})


def _said(occurrence: Occurrence) -> str:
    return occurrence.message or occurrence.status.replace("_", " ")


__all__ = ["MAX_OCCURRENCES", "Recurring", "series_key"]
