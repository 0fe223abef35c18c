"""The chat workflow: intent parser -> availability -> booking, in that fixed order.

The rules (what gets booked, when alternatives are offered) live here, in the
layer, so they are tested without Lambda; the orchestrator handler only turns
HTTP into a call to `ChatWorkflow.chat` and its outcome back into HTTP.

The message is data, never instructions: whatever the parser returns, at most
one slot is booked, and only a slot that matches the asked date and the asked
time or window, because those checks are made here, in code, after parsing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .booking_service import summarise, utc_now
from .config import Facility
from .errors import ServiceError, ServiceUnavailable
from .invocation import DownstreamFailure, Invoker, Service
from .models import Availability, Booking, ChatResponse, ErrorCode, Intent, Slot

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_BOOKING_ATTEMPTS = 3
HINT = 'Try something like "Book a court tomorrow at 3pm" or "What is free on Saturday afternoon?"'


class Refused(ServiceError):
    """A service answered `success: false` with this code."""


class ChatWorkflow:
    def __init__(self, invoker: Invoker, facility: Facility, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._invoker = invoker
        self._facility = facility
        self._clock = clock

    def chat(self, message: str, user_id: str, correlation_id: str | None = None) -> ChatResponse:
        now = self._clock()
        self._correlation_id = correlation_id
        intent = self._call(Service.INTENT_PARSER, {"message": message, "now": now.isoformat()}, Intent)

        if intent.action in ("cancel", "list"):
            return ChatResponse(
                status="needs_input",
                intent=intent,
                response="I can book courts and show what is free; changing existing bookings is not possible here.",
            )
        if not intent.understood:
            return ChatResponse(status="needs_input", intent=intent, response=f"Sorry, I did not understand. {HINT}")

        wants_booking = intent.action in (None, "book") and (intent.time is not None or intent.window is not None)
        if intent.date is None and not (intent.time or intent.window or intent.action == "check"):
            return ChatResponse(
                status="needs_input",
                intent=intent,
                response=f"Which day and time would you like? {HINT}",
            )
        date = intent.date or now.astimezone(self._facility.timezone).date()
        availability = self._availability(intent, date)

        if not wants_booking:
            if availability.slots:
                return ChatResponse(
                    status="available", intent=intent, slots=availability.slots, response=availability.message
                )
            return ChatResponse(status="unavailable", intent=intent, response=availability.message)

        for slot in availability.slots[:MAX_BOOKING_ATTEMPTS]:
            booking = self._try_booking(slot, user_id)
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
        availability = self._call(Service.AVAILABILITY, {"intent": query}, Availability)
        if exclude:
            availability.slots = [s for s in availability.slots if s.slot_id not in exclude]
        return availability

    def _try_booking(self, slot: Slot, user_id: str) -> Booking | None:
        payload = {"slot_id": slot.slot_id, "user_id": user_id, "duration_minutes": slot.duration_minutes}
        try:
            return self._call(Service.BOOKING, payload, Booking)
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

    # --- plumbing ----------------------------------------------------------
    def _call(self, service: Service, payload: dict[str, Any], model: type[ModelT]) -> ModelT:
        if self._correlation_id:
            payload = {**payload, "correlation_id": self._correlation_id}
        answer = self._invoker.invoke(service, payload)
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
