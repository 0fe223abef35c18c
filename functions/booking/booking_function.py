"""Booking Lambda: a user's bookings on DynamoDB (conditional writes, no AI).

Operations (the event's `operation`, default "book"):
- book   {"slot_id", "user_id", "duration_minutes"?, "idempotency_key"?}
- list   {"operation": "list", "user_id"}                  upcoming bookings of the user
- get    {"operation": "get", "user_id", "booking_id"}     a cancelled one too (status "cancelled")
- cancel {"operation": "cancel", "user_id", "booking_id"}  again: the cancelled booking, nothing written
- move   {"operation": "move", "user_id", "booking_id", "slot_id", "duration_minutes"?}   atomically;
         a cancelled booking is CANCELLED
Every operation acts for exactly one user; another user's booking is NOT_FOUND.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from courtbooking import config, idempotency, observability
from courtbooking.aws import dynamodb_client
from courtbooking.booking_service import BookingService
from courtbooking.envelope import service_handler
from courtbooking.errors import SlotTaken
from courtbooking.models import Booking, BookingRequest, BookRequest, ListBookingsRequest, MoveBookingRequest

logger = Logger()
tracer = Tracer()
metrics = observability.metrics()


@lru_cache(maxsize=1)
def booking_service() -> BookingService:
    return BookingService(dynamodb_client(), config.table_name(), config.facility())


def book(request: BookRequest) -> Booking:
    def book_once(payload: dict[str, Any]) -> dict[str, Any]:
        try:
            booking = booking_service().book(request.slot_id, request.user_id, request.duration_minutes)
        except SlotTaken:
            metrics.add_metric(name="SlotConflicts", unit=MetricUnit.Count, value=1)
            raise
        metrics.add_metric(name="BookingsMade", unit=MetricUnit.Count, value=1)
        logger.info("booked", extra={"booking_id": booking.booking_id, "slot_id": request.slot_id})
        return booking.model_dump(mode="json")

    if request.idempotency_key is None:
        return Booking.model_validate(book_once({}))
    same_request = request.request_fingerprint or idempotency.fingerprint(request.slot_id, request.duration_minutes)
    answer = idempotency.run_once(
        book_once, user_id=request.user_id, key=request.idempotency_key, request_fingerprint=same_request
    )
    return Booking.model_validate(answer)


@service_handler(BookingRequest, logger.set_correlation_id)
def _handle(request: BookingRequest) -> BaseModel:
    operation = request.root
    if isinstance(operation, BookRequest):
        return book(operation)
    if isinstance(operation, ListBookingsRequest):
        return booking_service().upcoming(operation.user_id)
    if isinstance(operation, MoveBookingRequest):
        moved = booking_service().move(
            operation.user_id, operation.booking_id, operation.slot_id, operation.duration_minutes
        )
        logger.info("moved", extra={"booking_id": moved.booking_id, "slot_id": operation.slot_id})
        return moved
    if operation.operation == "get":
        return booking_service().get(operation.user_id, operation.booking_id)
    cancelled = booking_service().cancel(operation.user_id, operation.booking_id)
    logger.info("cancelled", extra={"booking_id": cancelled.booking_id})
    return cancelled


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: Any, context: Any) -> dict[str, Any]:
    idempotency.register_context(context)
    return _handle(event, context)
