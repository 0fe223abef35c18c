"""BookingService: availability and bookings on DynamoDB (the items and transactions of docs/club.md).

Table design (single table; slots are computed, bookings, closures and counters stored):

    pk = "DAY#<date>"       sk = "SLOT#<HH:MM>#<court>"   one item per booked slot
    pk = "DAY#<date>"       sk = "CLOSED#<court>"         a court's closed hours that day (closures.py)
    pk = "BOOKING#<id>"     sk = "BOOKING"                one per booking, kept when cancelled (History index)
    pk = "USER#<user>"      sk = "ACTIVE"                 the user's upcoming bookings + version
    pk = "USER#<user>"      sk = "WEEK#<YYYY-Www>"        how many bookings the user has that ISO week

A booking writes all of its items in one transaction: each slot item on condition
that the slot does not exist (two requests can never hold one slot, however many
Lambda instances race), a check that the court's closed hours that day do not cover
it, the week's counter (conditional on MAX_BOOKINGS_PER_WEEK), and the user's item on
condition that its version is the one read (MAX_ACTIVE_BOOKINGS holds atomically).
Availability for a date is one Query on `DAY#<date>`; a booking by id and "my bookings"
are one strongly consistent GetItem each; history is a Query of the History index
(history.py). Cancelling frees the slots and keeps the booking's item, cancelled, by
whom and why. Every item but the user's ACTIVE one expires HISTORY_RETENTION_DAYS after
its booking's start (TTL `expires_at`). Every write of a booking grows its `sequence`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import closures, history, words
from .clock import utc_now
from .closures import ClosedInfo
from .config import Facility, conversations_table_name, history_retention_days
from .contracts import Availability, AvailabilityQuery, BookFirstRequest, BookingAttempt, BookingList, BookingPage
from .errors import (
    AlreadyBooked,
    BookingCancelled,
    Closed,
    InvalidRequest,
    LimitReached,
    NotFound,
    ServiceUnavailable,
    SlotInvalid,
    SlotTaken,
    TooLate,
)
from .inbox import notice_update
from .keys import MAX_WRITE_ATTEMPTS, backoff, booking_key, day_key, slot_item_key, user_key
from .models import Booking, Canceller, HistoryWhen, Slot
from .schedule import Schedule, fits, minutes_of, starts_in
from .waitlist import Claim, Claims
from .weeks import full_week, week_change, week_of

MAX_ALTERNATIVES = 5
NEARBY_DAYS = 2  # days offered with the asked time free, when the asked day has it taken
FAILED = "ConditionalCheckFailed"
_THROTTLING = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}
Active = tuple[dict[str, dict[str, Any]], int | None]  # a person's upcoming bookings {id: summary}, the version
Reasons = list[dict[str, Any]]  # a cancelled transaction's CancellationReasons, one per item, in order


class BookingService:
    def __init__(
        self,
        client: Any,
        table_name: str,
        facility: Facility,
        clock: Callable[[], dt.datetime] = utc_now,
        history_days: int | None = None,
        inbox_table: str | None = None,
    ) -> None:
        self._db = client
        self._table = table_name
        self.facility = facility
        self.schedule = Schedule(facility)
        self._clock = clock
        self._history_days = history_days or history_retention_days()
        self._inbox = inbox_table  # the conversations table, where holders' notices go (read when first needed)

    # --- reading -------------------------------------------------------------
    def _day(self, date: dt.date) -> tuple[set[tuple[str, str]], dict[tuple[str, str], ClosedInfo]]:
        """The booked slots of a date, and its closed ones with the closure shutting each: one strongly
        consistent Query of `DAY#<date>` (slot items and the courts' closed-hours markers)."""
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": day_key(date)}},
            "ProjectionExpression": "sk, court, #t, #cl",
            "ExpressionAttributeNames": {"#t": "time", "#cl": "closures"},
            "ConsistentRead": True,
        }
        return _taken_and_closed(self._query_all(kwargs))

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
        taken, closed = self._day(date)
        free = self._free_slots(date, duration, now, taken | closed.keys())

        def asked(court: str, start: str) -> bool:
            if asked_court not in (None, court):
                return False
            if query.time is not None:
                return start == query.time
            return query.window is None or fits(start, duration, query.window)

        matching = [s for s in free if asked(s.court, s.time)]
        target = minutes_of(query.time) if query.time else minutes_of(query.window.start) if query.window else None
        alternatives: list[Slot] = []
        other_days: list[Slot] = []
        if not matching and target is not None:
            alternatives = nearest(free, target, asked_court)
            if query.time is not None:
                other_days = self._same_time_nearby(date, query.time, duration, asked_court, now)
        message, shut = words.describe(date, matching, alternatives), None
        if not matching:
            ahead = [t for t in self.schedule.starts(duration, date) if self.schedule.start_instant(date, t) > now]
            wanted = [(c, t) for c in self.facility.courts for t in ahead if asked(c, t)]
            shut = self._closed_answer(closed, wanted, duration)
            message = f"{shut} {message}" if shut else message
        return Availability(
            date=date,
            slots=matching,
            alternatives=alternatives,
            other_days=other_days,
            closed=shut,
            message=message,
        )

    def _closed_answer(
        self, closed: dict[tuple[str, str], ClosedInfo], wanted: list[tuple[str, str]], duration: int
    ) -> str | None:
        """When a closure shuts every (court, start) asked for, which, why and until when (the first's); else None."""
        first: tuple[str, ClosedInfo] | None = None
        for court, start in wanted:
            units = self.schedule.units(start, duration)
            info = next((closed[(court, u)] for u in units if (court, u) in closed), None)
            if info is None:
                return None  # this one is not closed (it is booked): the answer is about bookings
            first = first or (court, info)
        return closures.closed_message(first[0], first[1], self.facility) if first else None

    def _same_time_nearby(
        self, date: dt.date, time: str, duration: int, court: str | None, now: dt.datetime
    ) -> list[Slot]:
        """The asked start on the nearest other days that have it free: after the asked day first, then
        before it, never in the past or beyond the horizon. One read for all the days looked at: a
        BatchGetItem of that start's slot items and the courts' closed-hours markers, not a Query per day."""
        nearby = (date + dt.timedelta(days=offset) for offset in (1, -1, 2, -2, 3, -3))
        days = [
            d for d in nearby if not self.schedule.date_problem(d, now) and time in self.schedule.starts(duration, d)
        ]
        courts = [c for c in self.facility.courts if court in (None, c)]
        units = self.schedule.units(time, duration)
        keys = [
            key
            for day in days
            for c in courts
            for key in (
                closures.marker_key(day, c),
                *(slot_item_key(day, u, c) for u in units),
            )
        ]
        by_day: dict[str, list[dict[str, Any]]] = {}
        for item in self._batch_items(
            keys, projection="pk, sk, court, #t, #cl", names={"#t": "time", "#cl": "closures"}
        ):
            by_day.setdefault(item["pk"]["S"], []).append(item)
        found: list[Slot] = []
        for day in days:
            taken, closed = _taken_and_closed(by_day.get(day_key(day), []))
            free = [
                s
                for s in self._free_slots(day, duration, now, taken | closed.keys())
                if s.time == time and court in (None, s.court)
            ]
            if free:
                found.append(free[0])
            if len(found) == NEARBY_DAYS:
                break
        return sorted(found, key=lambda s: s.date)

    def _free_slots(
        self, date: dt.date, duration: int, now: dt.datetime, unavailable: set[tuple[str, str]]
    ) -> list[Slot]:
        """Every slot of this length that day, not started, none of whose units is booked or closed."""
        slots = []
        for start in self.schedule.starts(duration, date):
            if self.schedule.start_instant(date, start) <= now:
                continue
            units = self.schedule.units(start, duration)
            for court in self.facility.courts:
                if all((court, unit) not in unavailable for unit in units):
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
    def book(
        self,
        slot_id: str,
        user_id: str,
        duration_minutes: int | None = None,
        read: Active | None = None,
        also: Callable[[Booking], list[dict[str, Any]]] | None = None,
    ) -> Booking:
        """Book a slot for a user, or raise SlotTaken / SlotInvalid / Closed / LimitReached / AlreadyBooked.
        Writes nothing on refusal.

        One transaction writes the slot items (each conditional on the slot being free),
        the booking item, a check of the court's closed hours that day, the week's counter
        (conditional on MAX_BOOKINGS_PER_WEEK) and the user's list of upcoming bookings
        (conditional on the version read), so neither a double booking, a booking inside a
        closure, nor more than either limit can slip through however many requests race.
        A person holds one court at a time: asking again for a slot they hold answers that
        booking (`already_held`), also when the same request arrives twice at once; an
        overlapping other slot is refused. `read`: the person's list as just read (`_active`), for the first try.
        `also`: more writes of the same transaction, made of the booking (a series records its date with it).
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
        week = week_of(date)
        puts = self._booking_puts(booking, starts_at, now, week)
        checks = [self._closed_check(booking), self._week_change(user_id, week, +1)]
        extra = also(booking) if also is not None else []
        roles = ["slot"] * (len(puts) - 1) + ["booking", "closed", "week", "active"] + ["also"] * len(extra)
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            active, version = read or self._active(user_id, now)
            read = None
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
                reasons = self._transact([*puts, *checks, user_update, *extra])
            except ServiceUnavailable as exc:
                if self._holds_despite(exc, booking):
                    return booking
                raise
            if reasons is None:
                return booking
            failed = _failed(roles, reasons)
            if failed & {"slot", "booking"} and self._holds(booking):
                return booking  # our own write, whose answer was lost and retried: the booking is ours
            self._refuse(failed, reasons, roles, booking, week)
            # The person's own list changed too: perhaps the same request, a moment faster. Read it again.
            backoff()
        raise ServiceUnavailable(words.TOO_BUSY_USER)

    def book_first(self, request: BookFirstRequest) -> BookingAttempt:
        """A chat's booking: one read of the person's list, then one transaction when the first slot is free.

        Held: an upcoming booking of theirs already answers what they asked (`ask`: its day, its court if
        named, its time or a start inside its window). Limit: they hold MAX_ACTIVE_BOOKINGS, or a slot's
        week is full. Booked: the first of `slot_ids` someone else did not take first. Taken: none was free;
        then what is free instead (`instead`, else `ask`) is looked up, without the slots just tried."""
        now = self._clock()
        read = self._active(request.user_id, now)
        mine = self._listed(request.user_id, read[0])
        held = next((b for b in mine if _answers(b, request.ask)), None)
        if held is not None:
            return BookingAttempt(outcome="held", booking=held, bookings=mine, message=words.already_have(held.message))
        if len(mine) >= self.facility.max_active_bookings:
            message = words.limit_reached(self.facility.max_active_bookings)
            return BookingAttempt(outcome="limit", bookings=mine, message=message)
        for slot_id in request.slot_ids:
            try:
                booking = self.book(slot_id, request.user_id, request.duration_minutes, read)
            except (SlotTaken, SlotInvalid):
                continue  # someone faster: the next slot, on the same read (its version guards the write)
            except LimitReached as full:
                return BookingAttempt(outcome="limit", bookings=mine, message=full.message)
            except AlreadyBooked:  # the same request a moment faster, on another court: that booking
                again = self._listed(request.user_id, self._active(request.user_id, now)[0])
                held = next((b for b in again if _answers(b, request.ask)), None)
                if held is None:
                    raise
                return BookingAttempt(
                    outcome="held", booking=held, bookings=again, message=words.already_have(held.message)
                )
            outcome = "held" if booking.already_held else "booked"
            return BookingAttempt(outcome=outcome, booking=booking, message=booking.message)
        query = request.instead or request.ask
        if not request.slot_ids and request.instead is None:
            return BookingAttempt(outcome="taken", bookings=mine, message=words.SLOT_JUST_TAKEN)
        free = self.availability(query)
        tried = set(request.slot_ids)
        free.slots = [s for s in free.slots if s.slot_id not in tried]
        return BookingAttempt(outcome="taken", bookings=mine, availability=free, message=free.message)

    def _refuse(self, failed: set[str], reasons: Reasons, roles: list[str], booking: Booking, week: str) -> None:
        """Raise the refusal a cancelled transaction of `booking` means, if it is one (else: read again).

        A closed slot is Closed; a slot taken while the booking itself and the person's list stood
        is SlotTaken; a full week (its condition is on the count itself, not on anything read) is
        LimitReached, unless this very booking changed meanwhile (then the count may be its own)."""
        if "closed" in failed:
            shut = self._closed_words(booking, reasons[roles.index("closed")])
            if shut is None:
                return  # reopened a moment ago: read again
            raise Closed(shut)
        if "slot" in failed and not failed & {"booking", "active"}:
            raise SlotTaken(words.slot_taken(booking.court, booking.date, booking.time))
        if "week" in failed and not failed & {"slot", "booking"}:
            raise full_week(week, self.facility.max_bookings_per_week or 0, reasons[roles.index("week")])

    def history(
        self,
        user_id: str,
        when: HistoryWhen = "past",
        since: dt.date | None = None,
        until: dt.date | None = None,
        cursor: str | None = None,
        limit: int = 20,
    ) -> BookingPage:
        """The user's bookings: upcoming (exactly `upcoming()`, one strongly consistent GetItem, all of them:
        MAX_ACTIVE_BOOKINGS is small, so neither a cursor nor a limit applies), played (past, newest first)
        or cancelled (newest first), `limit` a page, between the days `since` and `until` (facility's zone)."""
        if since and until and since > until:
            raise InvalidRequest(words.since_after_until(since, until))
        now = self._clock()
        during = words.period(since, until, self.schedule.local_now(now).date())
        if when == "upcoming":
            if cursor is not None:
                raise InvalidRequest(words.cursor_not_ours())  # upcoming is never paged: no cursor is given
            mine = self.upcoming(user_id).bookings
            shown = [b for b in mine if (since is None or b.date >= since) and (until is None or b.date <= until)]
            message = words.upcoming(shown) if not (since or until) or shown else f"No upcoming bookings{during}."
            return BookingPage(when=when, bookings=shown, message=message)
        span = history.bounds(when, since, until, now, self.facility.timezone)
        items, next_cursor = history.read(self._call, self._table, user_id, when, span, cursor, limit)
        bookings = [_booking_from(i["booking_id"]["S"], user_id, i) for i in items]
        message = words.history_page(when, bookings, during, first=cursor is None, more=next_cursor is not None)
        return BookingPage(when=when, bookings=bookings, next_cursor=next_cursor, message=message)

    def upcoming(self, user_id: str) -> BookingList:
        """The user's bookings that have not started yet, soonest first: one strongly consistent GetItem."""
        bookings = self._listed(user_id, self._active(user_id, self._clock())[0])
        return BookingList(bookings=bookings, message=words.upcoming(bookings))

    def _listed(self, user_id: str, active: dict[str, dict[str, Any]]) -> list[Booking]:
        return sorted((_booking_from(i, user_id, s) for i, s in active.items()), key=lambda b: (b.date, b.time))

    def get(self, user_id: str, booking_id: str) -> Booking:
        """One of the user's bookings. Someone else's booking is 'not found', exactly like a missing one.
        Who cancelled it is said as holder, admin or closure, never by id (get_any, for admins, says whose)."""
        return self._read(user_id, booking_id)[0]

    def get_any(self, booking_id: str) -> Booking:
        """Anyone's booking, with its holder and who cancelled it (their id too): for the club's admins."""
        item = self._item(booking_key(booking_id))
        if item is None:
            raise NotFound(booking_id, words.no_such_booking(booking_id))
        return _booking_from(booking_id, item["user_id"]["S"], item, admin=True)

    def _read(self, user_id: str, booking_id: str, admin: bool = False) -> tuple[Booking, dict[str, Any]]:
        """One of the user's bookings and its item (NotFound, the same, when it is someone else's)."""
        item = self._item(booking_key(booking_id))
        if item is None or item["user_id"]["S"] != user_id:
            raise NotFound(booking_id)
        return _booking_from(booking_id, user_id, item, admin=admin), item

    def cancel(
        self,
        user_id: str,
        booking_id: str,
        *,
        by: Canceller = "holder",
        by_id: str | None = None,
        reason: str | None = None,
    ) -> Booking:
        """Cancel one of the user's bookings that has not started; its slots are free at once.

        By its holder (`user_id`), up to CANCEL_CUTOFF_MINUTES before it starts; by an admin or a
        closure (`by_id`: the admin's or the closure's id, `user_id` the holder's, read with get_any)
        up to its start, and the holder is told: a Notice in their inbox. One transaction releases the
        slot items, marks the booking's item cancelled (conditional on it being as read; kept as
        history until its TTL), takes it off its week's count and the user's list, and leaves the
        notice. A booking already cancelled is answered as it is, and nothing is written.
        """
        if by != "holder" and not by_id:
            raise ValueError("an admin's or a closure's cancel names who (by_id)")
        admin = by != "holder"
        canceller, reason = (by_id, reason) if admin else (user_id, None)  # a holder's own cancel has no reason
        claims: Claims | None = None
        for attempt in range(MAX_WRITE_ATTEMPTS):
            booking, item = self._read(user_id, booking_id, admin=admin)
            if booking.status == "cancelled":
                return booking.model_copy(update={"message": words.already_cancelled(booking)})
            now = self._clock()
            start = self.schedule.start_instant(booking.date, booking.time)
            if start <= now:
                raise TooLate(words.too_late(booking.date, booking.time))
            if by == "holder":
                self._check_cut_off(booking, start, now, moving=False)
            cancelled = booking.model_copy(
                update={
                    "status": "cancelled",
                    "sequence": booking.sequence + 1,
                    "cancelled_at": now.astimezone(dt.UTC),
                    "cancelled_by": by,
                    "cancelled_by_id": canceller if admin else None,
                    "cancel_reason": reason,
                }
            )
            # a closed court: nobody's to claim; an admin's cancel is never the admin's own claim
            claims = claims or Claims(self, enabled=by != "closure", releaser=canceller)
            claim = claims.plan(booking, self.schedule.units(booking.time, booking.duration_minutes), now, attempt)
            keep = claim.units if claim else frozenset()
            items = [*self._releases(booking, keep), self._cancel_record(booking, start, now, by, canceller, reason)]
            counted = item.get("week", {}).get("S")
            if counted:
                items.append(self._week_change(user_id, counted, -1))
            items.append(self._forget(user_id, booking_id))
            if admin:
                inbox = self._inbox or conversations_table_name()
                items.append(notice_update(inbox, cancelled, by, reason, now, int(self._expires(now)["N"])))
            # the claim's items last: Claims.learn reads their reasons from the tail
            reasons = self._transact([*items, *claims.unchanged, *(claim.items if claim else [])])
            if reasons is None:
                said = words.cancelled_for_holder(booking) if admin else words.cancelled(booking)
                return cancelled.model_copy(update={"message": said})
            claims.learn(claim, reasons)  # a waiter who could not have it is passed over
            backoff()  # cancelled or moved a moment ago by another request: read it again
        raise ServiceUnavailable(words.TOO_BUSY_BOOKING)

    def move(self, user_id: str, booking_id: str, slot_id: str, duration_minutes: int | None = None) -> Booking:
        """Move one of the user's bookings to another slot (and length), or leave it exactly as it was.

        One transaction takes the new slot items (each free, or already this booking's),
        releases the old ones this booking no longer covers, rewrites the booking item
        (its id stays, its sequence grows; conditional on it being as read), checks the new
        day's closed hours, moves it between week counters when the week changes (the new one
        conditional on MAX_BOOKINGS_PER_WEEK) and rewrites the user's item (conditional on the
        version read). If the new slot is taken, nothing changes: SlotTaken (Closed, LimitReached);
        a cancelled booking is BookingCancelled. The same rules as booking apply: a slot that
        exists and has not started, within the horizon, one court at a time; and the holder's
        cut-off: no move within CANCEL_CUTOFF_MINUTES of the booking's start.
        """
        court, date, time = self.schedule.parse_slot_id(slot_id)
        now = self._clock()
        claims: Claims | None = None
        for attempt in range(MAX_WRITE_ATTEMPTS):
            old, item = self._read(user_id, booking_id)
            if old.status == "cancelled":
                when = self.schedule.local_now(old.cancelled_at or now)
                raise BookingCancelled(words.was_cancelled(booking_id, when))
            duration = self.schedule.check_duration(duration_minutes or old.duration_minutes)
            start = self.schedule.start_instant(old.date, old.time)
            if start <= now:
                raise TooLate(words.too_late(old.date, old.time))
            self._check_cut_off(old, start, now, moving=True)
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
            counted, week = item.get("week", {}).get("S"), week_of(date)
            weeks: list[dict[str, Any]] = []
            if week == week_of(old.date):
                week = counted  # the same week: counted (or not, written before counters) as it was
            else:
                weeks.append(self._week_change(user_id, week, +1))
                if counted:
                    weeks.append(self._week_change(user_id, counted, -1))
            claims = claims or Claims(self)
            new_keys = {(date, unit, court) for unit in self.schedule.units(time, duration)}
            freed = [
                u
                for u in self.schedule.units(old.time, old.duration_minutes)
                if (old.date, u, old.court) not in new_keys
            ]
            claim = claims.plan(old, freed, now, attempt)
            takes, booking_put, releases = self._move_items(old, moved, starts_at, now, week, claim)
            user_update = self._user_update(user_id, {**others, booking_id: _summary(moved, starts_at)}, version)
            closed_check = self._closed_check(moved, also=claim.booking if claim else None)
            items = [*takes, booking_put, *releases, closed_check, *weeks, user_update]
            roles = ["slot"] * len(takes) + ["booking"] + ["release"] * len(releases) + ["closed"]
            roles += ["week", "old week"][: len(weeks)]
            roles.append("active")
            items += claims.unchanged  # nobody joined the other queues since: else read again (a "queue" failure)
            roles += ["queue"] * len(claims.unchanged)
            if claim is not None:  # last: Claims.learn reads its items' reasons from the tail
                if (claim.booking.date, claim.booking.court) == (date, court):  # one marker, checked once (above)
                    claim.drop("claim closed")
                items += claim.items
                roles += claim.roles
            reasons = self._transact(items)
            if reasons is None:
                return moved
            failed = _failed(roles, reasons)
            claims.learn(claim, reasons)
            if claim is not None and "closed" in failed and "claim closed" not in claim.roles:
                claims.enabled = False  # the shared check failed: try again without the claim, to say why
                backoff()
                continue
            self._refuse(failed, reasons, roles, moved, week or week_of(date))
            backoff()  # the booking or the user's list changed under us: read both again
        raise ServiceUnavailable(words.TOO_BUSY_BOOKING)

    def _check_cut_off(self, booking: Booking, start: dt.datetime, now: dt.datetime, moving: bool) -> None:
        """TooLate once the holder's cut-off has passed (CANCEL_CUTOFF_MINUTES before the start; 0: none)."""
        cutoff = self.facility.cancel_cutoff_minutes
        deadline = start - dt.timedelta(minutes=cutoff)
        if cutoff and now > deadline:
            raise TooLate(words.cut_off(moving, booking, cutoff, self.schedule.local_now(deadline)))

    def _move_items(
        self, old: Booking, moved: Booking, starts_at: str, now: dt.datetime, week: str | None, claim: Claim | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
        """The new slot items (free, or already this booking's), the booking item (as read), the old slots released
        (but those a waitlist's `claim` rewrites)."""
        puts = self._booking_puts(moved, starts_at, now, week)
        for put in puts[:-1]:
            put["Put"]["ConditionExpression"] = "attribute_not_exists(pk) OR (booking_id = :id AND user_id = :u)"
            put["Put"]["ExpressionAttributeValues"] = _mine(old)
        puts[-1]["Put"] |= {
            "ConditionExpression": AS_READ,
            "ExpressionAttributeNames": {"#seq": "sequence"},
            "ExpressionAttributeValues": _as_read(old),
        }
        new_keys = {(moved.date, unit, moved.court) for unit in self.schedule.units(moved.time, moved.duration_minutes)}
        return puts[:-1], puts[-1], self._releases(old, keep=new_keys | (claim.units if claim else set()))

    def _releases(self, booking: Booking, keep: frozenset[Any] | set[Any] = frozenset()) -> list[dict[str, Any]]:
        """A Delete of each slot item the booking holds (but those in `keep`), conditional on it being this one's."""
        return [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": slot_item_key(booking.date, unit, booking.court),
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

    def _expires(self, instant: dt.datetime) -> dict[str, str]:
        """The TTL of an item: HISTORY_RETENTION_DAYS after `instant`."""
        return {"N": str(int((instant + dt.timedelta(days=self._history_days)).timestamp()))}

    def _booking_puts(
        self, booking: Booking, starts_at: str, now: dt.datetime, week: str | None
    ) -> list[dict[str, Any]]:
        """One conditional Put per slot the booking covers, and the booking's own item (with its History
        index keys and the week counter it is counted in, if any)."""
        common = {
            "booking_id": {"S": booking.booking_id},
            "user_id": {"S": booking.user_id},
            "created_at": {"S": now.astimezone(dt.UTC).isoformat()},
            "expires_at": self._expires(dt.datetime.fromisoformat(starts_at)),
            **_summary(booking, starts_at),
        }
        items = [
            slot_item_key(booking.date, unit, booking.court) | {"time": {"S": unit}} | common
            for unit in self.schedule.units(booking.time, booking.duration_minutes)
        ]
        record = booking_key(booking.booking_id) | common
        record |= history.history_keys(booking.user_id, starts_at, booking.booking_id)
        if week:
            record["week"] = {"S": week}
        items.append(record)
        return [
            {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
            for item in items
        ]

    def _closed_check(self, booking: Booking, also: Booking | None = None) -> dict[str, Any]:
        """The check that no unit of the booking is inside a closure of its court that day (the marker as it
        was, when it fails, to say which closure); with the units of `also` when it is on the same court and day
        (a transaction names an item once)."""
        units = self.schedule.units(booking.time, booking.duration_minutes)
        if also is not None and (also.date, also.court) == (booking.date, booking.court):
            units = sorted({*units, *self.schedule.units(also.time, also.duration_minutes)})
        check = closures.marker_check(self._table, booking.date, booking.court, units)
        check["ConditionCheck"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return check

    def _closed_words(self, booking: Booking, reason: dict[str, Any]) -> str | None:
        """Why the booking is inside a closure, from the marker its check saw (read again if it was not
        returned); None when the marker no longer shuts it."""
        key = closures.marker_key(booking.date, booking.court)
        marker = reason.get("Item") or self._item(key) or {}
        shut = closures.closed_units([key | marker])
        for unit in self.schedule.units(booking.time, booking.duration_minutes):
            if (booking.court, unit) in shut:
                return closures.closed_message(booking.court, shut[(booking.court, unit)], self.facility)
        return None

    def _week_change(self, user_id: str, week: str, change: int) -> dict[str, Any]:
        return week_change(
            self._table,
            user_id,
            week,
            change,
            self.facility.max_bookings_per_week,
            self.facility.timezone,
            self._history_days,
        )

    def _cancel_record(
        self, booking: Booking, start: dt.datetime, now: dt.datetime, by: str, by_id: str, reason: str | None
    ) -> dict[str, Any]:
        """The booking's item marked cancelled, when and by whom (and why), on condition it is as read."""
        values = {
            **_as_read(booking),
            ":c": {"S": "cancelled"},
            ":at": {"S": now.astimezone(dt.UTC).isoformat()},
            ":by": {"S": by},
            ":by_id": {"S": by_id},
            ":exp": self._expires(start),
            ":next": {"N": str(booking.sequence + 1)},
        }
        expression = "SET #st = :c, cancelled_at = :at, cancelled_by = :by, cancelled_by_id = :by_id, "
        expression += "expires_at = :exp, #seq = :next"
        if reason:
            expression += ", cancel_reason = :why"
            values[":why"] = {"S": reason}
        return {
            "Update": {
                "TableName": self._table,
                "Key": booking_key(booking.booking_id),
                "UpdateExpression": expression,
                "ConditionExpression": AS_READ,
                "ExpressionAttributeNames": {"#st": "status", "#seq": "sequence"},
                "ExpressionAttributeValues": values,
            }
        }

    def _forget(self, user_id: str, booking_id: str) -> dict[str, Any]:
        """The booking taken off the user's list of upcoming bookings."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": user_key(user_id),
                "UpdateExpression": "REMOVE bookings.#id SET version = if_not_exists(version, :zero) + :one",
                "ExpressionAttributeNames": {"#id": booking_id},
                "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}},
            }
        }

    def _holds(self, booking: Booking) -> bool:
        """Whether the booking's item exists, not cancelled (strongly consistent): written whole, or not at all."""
        item = self._item(booking_key(booking.booking_id))
        return item is not None and item.get("status", {}).get("S") != "cancelled"

    def _query_all(self, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        """Every item a Query answers, page after page."""
        items: list[dict[str, Any]] = []
        while True:
            page = self._call("query", **kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs = {**kwargs, "ExclusiveStartKey": page["LastEvaluatedKey"]}

    def _batch_items(
        self, keys: list[dict[str, Any]], projection: str | None = None, names: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """The items of these keys that exist, read strongly consistently: BatchGetItem, 100 keys a request,
        the unprocessed ones asked again after a pause (still unprocessed at the end: ServiceUnavailable)."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            asked: dict[str, Any] = {"Keys": keys[start : start + 100], "ConsistentRead": True}
            if projection is not None:
                asked["ProjectionExpression"] = projection
            if names:
                asked["ExpressionAttributeNames"] = names
            wanted = {self._table: asked}
            for _attempt in range(MAX_WRITE_ATTEMPTS * 2):
                page = self._call("batch_get_item", RequestItems=wanted)
                found += page.get("Responses", {}).get(self._table, [])
                wanted = page.get("UnprocessedKeys") or {}
                if not wanted:
                    break
                backoff()
            else:
                raise ServiceUnavailable(words.dynamodb_throttled("UnprocessedKeys"))
        return found

    def _item(self, key: dict[str, Any]) -> dict[str, Any] | None:
        """One item, read strongly consistently (None: there is none)."""
        return self._call("get_item", TableName=self._table, Key=key, ConsistentRead=True).get("Item")

    def _holds_despite(self, failure: ServiceUnavailable, booking: Booking) -> bool:
        """After DynamoDB failed to confirm a write: was it made? If even that cannot be read, say so."""
        try:
            return self._holds(booking)
        except ServiceUnavailable:
            raise ServiceUnavailable(words.may_or_may_not_be_booked(failure.message)) from failure

    def _active(self, user_id: str, now: dt.datetime) -> Active:
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

    def _transact(self, items: list[dict[str, Any]]) -> Reasons | None:
        """Run a transaction; None when it committed, else the cancellation reason of each item, in order
        ({"Code": ..., "Item"?: the item as it was, where asked for})."""
        try:
            # A fresh token per attempt: botocore's own retries of this call reuse it, so a retry
            # after a lost response cannot fail on the very items the first attempt wrote.
            self._call("transact_write_items", TransactItems=items, ClientRequestToken=str(uuid.uuid4()))
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons", [])
            return reasons or [{"Code": FAILED}] * len(items)
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


def _taken_and_closed(items: list[dict[str, Any]]) -> tuple[set[tuple[str, str]], dict[tuple[str, str], ClosedInfo]]:
    """(court, HH:MM) booked, and closed with the closure shutting each, from a day's slot items and markers."""
    taken = {(i["court"]["S"], i["time"]["S"]) for i in items if i["sk"]["S"].startswith("SLOT#")}
    return taken, closures.closed_units(items)


# The booking item is still as read: its owner's, and its sequence unchanged (absent: 0, written before sequences).
AS_READ = "user_id = :u AND (attribute_not_exists(#seq) OR #seq = :seq)"


def _answers(booking: Booking, ask: AvailabilityQuery) -> bool:
    """Whether a booking the person holds is what they are asking for (so asking again books nothing)."""
    if booking.date != ask.date or (ask.court and booking.court != ask.court):
        return False
    return booking.time == ask.time if ask.time else ask.window is not None and starts_in(booking.time, ask.window)


def _failed(roles: list[str], reasons: Reasons) -> set[str]:
    """The roles ("slot", "week", ...) of the items whose condition failed, by their place in the transaction."""
    return {role for role, reason in zip(roles, reasons, strict=False) if reason.get("Code") == FAILED}


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


def _booking_from(booking_id: str, user_id: str, item: dict[str, Any], *, admin: bool = False) -> Booking:
    """A booking from its item or its summary in the user's item (absent: confirmed, sequence 0).
    Who cancelled it by id only for an admin (`admin`); its holder sees only holder/admin/closure."""
    court, date, start = item["court"]["S"], dt.date.fromisoformat(item["date"]["S"]), item["booked_time"]["S"]
    duration = int(item["duration_minutes"]["N"])
    cancelled_at = item.get("cancelled_at", {}).get("S")  # only on a cancelled booking's item
    by, by_id = _canceller(item)
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
        cancelled_by=by,
        cancelled_by_id=by_id if admin else None,
        cancel_reason=item.get("cancel_reason", {}).get("S"),
        message=words.booking_summary(court, date, start, duration),
    )


def _canceller(item: dict[str, Any]) -> tuple[Any, str | None]:
    """(holder|admin|closure, their id) of a cancelled item. An item written before cancellers were named
    (no cancelled_by_id) holds the holder's own id in cancelled_by: it was its holder's cancel."""
    if "cancelled_by" not in item:
        return None, None
    if "cancelled_by_id" not in item:
        return "holder", item["cancelled_by"]["S"]
    return item["cancelled_by"]["S"], item["cancelled_by_id"]["S"]


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
