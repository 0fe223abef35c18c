"""Booking Lambda: slot + user -> confirmed booking (DynamoDB conditional write, no AI)."""

from __future__ import annotations

from functools import lru_cache

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from courtbooking import config
from courtbooking.aws import dynamodb_client
from courtbooking.booking_service import BookingService
from courtbooking.envelope import service_handler
from courtbooking.errors import SlotTaken
from courtbooking.models import Booking, BookingRequest

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@lru_cache(maxsize=1)
def booking_service() -> BookingService:
    return BookingService(dynamodb_client(), config.table_name(), config.facility())


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@service_handler(BookingRequest, logger.set_correlation_id)
def handler(request: BookingRequest) -> Booking:
    try:
        booking = booking_service().book(request.slot_id, request.user_id, request.duration_minutes)
    except SlotTaken:
        metrics.add_metric(name="SlotConflicts", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name="BookingsMade", unit=MetricUnit.Count, value=1)
    logger.info("booked", extra={"booking_id": booking.booking_id, "slot_id": request.slot_id})
    return booking
