"""What the orchestrator does: the chat workflow and the REST operations.

`Services` makes typed calls to the three services through an `Invoker` (boto3
Lambda in AWS); `ChatWorkflow` runs intent parser -> availability -> booking in
that fixed order and decides what to answer. The rules live here, in the
layer, so they are tested without Lambda; the orchestrator handler only turns
HTTP into these calls and their outcome back into HTTP.

The message is data, never instructions: whatever the parser returns, at most
one slot is booked, and only a slot that matches the asked date and the asked
time or window, because those checks are made here, in code, after parsing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from courtbooking.clock import utc_now
from courtbooking.config import Facility
from courtbooking.idempotency import fingerprint
from courtbooking.models import Availability, Booking, ChatResponse, ErrorCode, Intent, Slot
from courtbooking.schedule import fits, starts_in

from . import replies
from .services import Refused, Services

MAX_BOOKING_ATTEMPTS = 3


class ChatWorkflow:
    def __init__(self, services: Services, facility: Facility, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._services = services
        self._facility = facility
        self._clock = clock

    def chat(self, message: str, user_id: str, idempotency_key: str | None = None) -> ChatResponse:
        now = self._clock()
        intent = self._services.parse(message, now)
        if intent.action == "list":
            mine = self._services.bookings(user_id)
            return ChatResponse(status="bookings", intent=intent, bookings=mine.bookings, response=mine.message)
        if intent.action == "cancel":
            return self._cancel(intent, user_id)
        if not intent.understood:
            return ChatResponse(status="needs_input", intent=intent, response=replies.NOT_UNDERSTOOD)

        wants_booking = intent.action == "book" and (intent.time is not None or intent.window is not None)
        if intent.date is None and not (intent.time or intent.window or intent.action == "check"):
            return ChatResponse(status="needs_input", intent=intent, response=replies.WHICH_DAY_AND_TIME)
        date = intent.date or now.astimezone(self._facility.timezone).date()
        availability = self._availability(intent, date)

        if not wants_booking:
            if availability.slots:
                return ChatResponse(
                    status="available", intent=intent, slots=availability.slots, response=availability.message
                )
            return ChatResponse(status="unavailable", intent=intent, response=availability.message)

        held = self._already_held(intent, date, user_id)
        if held is not None:  # asked twice, or a retry whose first answer was lost: one booking, not two
            return _held(intent, held)
        request_fingerprint = fingerprint(message) if idempotency_key else None
        candidates = [s for s in availability.slots if _matches(s, intent, date)]
        for slot in candidates[:MAX_BOOKING_ATTEMPTS]:
            try:
                booking = self._try_booking(slot, user_id, idempotency_key, request_fingerprint)
            except Refused as refusal:
                if refusal.code != ErrorCode.ALREADY_BOOKED:
                    raise
                # The same request a moment faster (or another booking of theirs at this time): say which.
                held = self._already_held(intent, date, user_id)
                if held is not None:
                    return _held(intent, held)
                return ChatResponse(status="unavailable", intent=intent, response=refusal.message)
            if booking is not None and booking.already_held:
                return _held(intent, booking)
            if booking is not None:
                return ChatResponse(
                    status="booked",
                    intent=intent,
                    booking=booking,
                    slots=[slot],
                    response=replies.booked(booking),
                )
        if availability.slots:  # every candidate went to someone faster: look again for alternatives
            availability = self._availability(intent, date, exclude={s.slot_id for s in availability.slots})
        return self._offer_alternatives(intent, availability)

    # --- steps ---------------------------------------------------------------
    def _availability(self, intent: Intent, date: dt.date, exclude: set[str] | None = None) -> Availability:
        query = {
            "date": date.isoformat(),
            "time": intent.time,
            "window": intent.window.model_dump() if intent.window else None,
            "court": intent.court,
            "duration_minutes": intent.duration_minutes,
        }
        availability = self._services.availability(query)
        if exclude:
            availability.slots = [s for s in availability.slots if s.slot_id not in exclude]
        return availability

    def _already_held(self, intent: Intent, date: dt.date, user_id: str) -> Booking | None:
        """The caller's own upcoming booking that already answers this request, if any."""
        for booking in self._services.bookings(user_id).bookings:
            if booking.date != date or (intent.court and booking.court != intent.court):
                continue
            if intent.time is not None and booking.time == intent.time:
                return booking
            if intent.window is not None and starts_in(booking.time, intent.window):
                return booking
        return None

    def _try_booking(
        self, slot: Slot, user_id: str, idempotency_key: str | None, request_fingerprint: str | None
    ) -> Booking | None:
        try:
            return self._services.book(
                slot.slot_id, user_id, slot.duration_minutes, idempotency_key, request_fingerprint
            )
        except Refused as refusal:
            if refusal.code in (ErrorCode.SLOT_TAKEN, ErrorCode.SLOT_INVALID):
                return None
            raise

    def _offer_alternatives(self, intent: Intent, availability: Availability) -> ChatResponse:
        if availability.alternatives:
            return ChatResponse(
                status="alternatives",
                intent=intent,
                slots=availability.alternatives,
                response=replies.nothing_at(intent, availability, availability.alternatives),
            )
        if availability.slots:
            return ChatResponse(
                status="alternatives", intent=intent, slots=availability.slots, response=availability.message
            )
        return ChatResponse(status="unavailable", intent=intent, response=availability.message)

    def _cancel(self, intent: Intent, user_id: str) -> ChatResponse:
        """Cancel the one upcoming booking that matches what was said; if several match, cancel none."""
        mine = self._services.bookings(user_id).bookings
        if not (intent.date or intent.time or intent.window or intent.court):
            return ChatResponse(
                status="needs_input",
                intent=intent,
                bookings=mine,
                response=replies.which_booking(mine),
            )
        matches = [
            b
            for b in mine
            if (intent.date is None or b.date == intent.date)
            and (intent.time is None or b.time == intent.time)
            and (intent.window is None or starts_in(b.time, intent.window))
            and (intent.court is None or b.court == intent.court)
        ]
        if not matches:
            return ChatResponse(
                status="needs_input",
                intent=intent,
                bookings=mine,
                response=replies.NO_MATCH if mine else replies.NO_UPCOMING,
            )
        if len(matches) > 1:
            return ChatResponse(
                status="needs_input",
                intent=intent,
                bookings=matches,
                response=replies.several_match(matches),
            )
        cancelled = self._services.cancel(user_id, matches[0].booking_id)
        return ChatResponse(status="cancelled", intent=intent, booking=cancelled, response=cancelled.message)


def _held(intent: Intent, held: Booking) -> ChatResponse:
    """The answer when the person already holds what they asked for: that booking, nothing new."""
    return ChatResponse(
        status="booked",
        intent=intent,
        booking=held.model_copy(update={"already_held": True}),
        response=replies.held(held),
    )


def _matches(slot: Slot, intent: Intent, date: dt.date) -> bool:
    """The slot is what the person asked for: the asked day, the asked start or window, the asked court.

    Availability already filters; this check in the workflow means nothing else
    than what was asked can ever be booked, whatever a service answered.
    """
    if slot.date != date or (intent.court is not None and slot.court != intent.court):
        return False
    if intent.time is not None:
        return slot.time == intent.time
    if intent.window is not None:
        return fits(slot.time, slot.duration_minutes, intent.window)
    return False
