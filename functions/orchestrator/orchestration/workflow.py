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
from time import monotonic
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from courtbooking.booking_service import summarise
from courtbooking.clock import utc_now
from courtbooking.config import Facility
from courtbooking.errors import ServiceError, ServiceUnavailable
from courtbooking.idempotency import fingerprint
from courtbooking.models import Availability, Booking, BookingList, ChatResponse, ErrorCode, Intent, Slot

from .invocation import DownstreamFailure, Invoker, Service

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_BOOKING_ATTEMPTS = 3
# API Gateway gives an integration 30 s; keep the whole workflow well inside it.
REQUEST_BUDGET_SECONDS = 25.0
MIN_CALL_SECONDS = 1.0
HINT = 'Try something like "Book a court tomorrow at 3pm" or "What is free on Saturday afternoon?"'


class Refused(ServiceError):
    """A service answered `success: false` with this code."""


class Services:
    """Typed calls to the three services for one API request.

    The request's id goes to every service's logs, and all calls share one time
    budget so the whole request is answered inside API Gateway's 30 s limit: a
    call gets at most what is left, and none starts without a useful amount left.
    """

    def __init__(
        self,
        invoker: Invoker,
        correlation_id: str | None = None,
        budget_seconds: float = REQUEST_BUDGET_SECONDS,
    ) -> None:
        self._invoker = invoker
        self._correlation_id = correlation_id
        self._deadline = monotonic() + budget_seconds

    def parse(self, message: str, now: dt.datetime) -> Intent:
        return self._call(Service.INTENT_PARSER, {"message": message, "now": now.isoformat()}, Intent)

    def availability(self, query: dict[str, Any]) -> Availability:
        return self._call(Service.AVAILABILITY, {"intent": query}, Availability)

    def book(
        self,
        slot_id: str,
        user_id: str,
        duration_minutes: int | None = None,
        idempotency_key: str | None = None,
        request_fingerprint: str | None = None,
    ) -> Booking:
        payload: dict[str, Any] = {"slot_id": slot_id, "user_id": user_id, "duration_minutes": duration_minutes}
        if idempotency_key:
            payload |= {"idempotency_key": idempotency_key, "request_fingerprint": request_fingerprint}
        return self._call(Service.BOOKING, payload, Booking)

    def bookings(self, user_id: str) -> BookingList:
        return self._call(Service.BOOKING, {"operation": "list", "user_id": user_id}, BookingList)

    def booking(self, user_id: str, booking_id: str) -> Booking:
        return self._call(Service.BOOKING, {"operation": "get", "user_id": user_id, "booking_id": booking_id}, Booking)

    def cancel(self, user_id: str, booking_id: str) -> Booking:
        payload = {"operation": "cancel", "user_id": user_id, "booking_id": booking_id}
        return self._call(Service.BOOKING, payload, Booking)

    def _call(self, service: Service, payload: dict[str, Any], model: type[ModelT]) -> ModelT:
        if self._correlation_id:
            payload = {**payload, "correlation_id": self._correlation_id}
        remaining = self._deadline - monotonic()
        if remaining < MIN_CALL_SECONDS:
            raise DownstreamFailure(service, "timed out", "the request's time budget was used up before calling it")
        answer = self._invoker.invoke(service, payload, timeout=remaining)
        if not isinstance(answer, dict) or "success" not in answer:
            raise DownstreamFailure(service, "answered malformed output", "no success/data envelope")
        try:
            if answer["success"] is True:
                return model.model_validate(answer["data"])
            code, message = answer["error"]["code"], answer["error"]["message"]
        except (KeyError, TypeError, ValidationError) as exc:
            raise DownstreamFailure(service, "answered malformed output", str(exc)[:300]) from None
        if code == ErrorCode.SERVICE_UNAVAILABLE:
            raise ServiceUnavailable(f"the {service} service is unavailable: {message}")
        raise Refused(ErrorCode(code) if code in ErrorCode.__members__ else code, message)


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
            return ChatResponse(status="needs_input", intent=intent, response=f"Sorry, I did not understand. {HINT}")

        wants_booking = intent.action == "book" and (intent.time is not None or intent.window is not None)
        if intent.date is None and not (intent.time or intent.window or intent.action == "check"):
            return ChatResponse(
                status="needs_input", intent=intent, response=f"Which day and time would you like? {HINT}"
            )
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
                    response=f"{booking.message} Your booking id is {booking.booking_id}.",
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
            if intent.window is not None and intent.window.start <= booking.time < intent.window.end:
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
        asked = intent.time or (f"{intent.window.start}-{intent.window.end}" if intent.window else "then")
        day = f"{availability.date:%A %d %B}"
        if availability.alternatives:
            return ChatResponse(
                status="alternatives",
                intent=intent,
                slots=availability.alternatives,
                response=f"Nothing is free at {asked} on {day}. Nearest free: {summarise(availability.alternatives)}.",
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
            listed = "; ".join(f"{b.court} on {b.date:%A %d %B} at {b.time}" for b in mine)
            return ChatResponse(
                status="needs_input",
                intent=intent,
                bookings=mine,
                response=(
                    f"Which booking? Say its day and time. Yours: {listed}. Nothing was cancelled."
                    if mine
                    else "You have no upcoming bookings."
                ),
            )
        matches = [
            b
            for b in mine
            if (intent.date is None or b.date == intent.date)
            and (intent.time is None or b.time == intent.time)
            and (intent.window is None or intent.window.start <= b.time < intent.window.end)
            and (intent.court is None or b.court == intent.court)
        ]
        if not matches:
            return ChatResponse(
                status="needs_input",
                intent=intent,
                bookings=mine,
                response="You have no upcoming booking that matches." if mine else "You have no upcoming bookings.",
            )
        if len(matches) > 1:
            listed = "; ".join(f"{b.court} on {b.date:%A %d %B} at {b.time}" for b in matches)
            return ChatResponse(
                status="needs_input",
                intent=intent,
                bookings=matches,
                response=f"Several bookings match: {listed}. Which one? Say its day and time. Nothing was cancelled.",
            )
        cancelled = self._services.cancel(user_id, matches[0].booking_id)
        return ChatResponse(status="cancelled", intent=intent, booking=cancelled, response=cancelled.message)


def _held(intent: Intent, held: Booking) -> ChatResponse:
    """The answer when the person already holds what they asked for: that booking, nothing new."""
    return ChatResponse(
        status="booked",
        intent=intent,
        booking=held.model_copy(update={"already_held": True}),
        response=f"You already have {held.message.removeprefix('You already have ')} Booking id "
        f"{held.booking_id}; nothing new was booked.",
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
        return intent.window.start <= slot.time < intent.window.end
    return False
