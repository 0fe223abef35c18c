"""GET /health: up, and able to read the bookings."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..responses import ANY_ROUTE, CALLS_SERVICES, NO_422, responses
from . import services

router = Router()


@router.get(
    "/health",
    security=[{}],
    responses=responses(
        {200: 'The API is up and can read the bookings: {"status": "ok", "dynamodb": "ok"}.'},
        NO_422,
        ANY_ROUTE,
        CALLS_SERVICES,
    ),
)
def health() -> dict[str, str]:
    """Up, and able to read DynamoDB: one read of today's bookings through the availability service."""
    services(router).availability({"date": None})
    return {"status": "ok", "dynamodb": "ok"}
