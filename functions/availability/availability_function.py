"""Availability Lambda: intent -> free slots (DynamoDB, read only, no AI)."""

from __future__ import annotations

from functools import lru_cache

from aws_lambda_powertools import Logger

from courtbooking import config
from courtbooking.aws import dynamodb_client
from courtbooking.booking_service import BookingService
from courtbooking.contracts import Availability, AvailabilityRequest
from courtbooking.envelope import service_handler

logger = Logger()


@lru_cache(maxsize=1)
def booking_service() -> BookingService:
    return BookingService(dynamodb_client(), config.table_name(), config.facility())


@logger.inject_lambda_context
@service_handler(AvailabilityRequest, logger.set_correlation_id)
def handler(request: AvailabilityRequest) -> Availability:
    return booking_service().availability(request.intent)
