"""GET /availability: what is free, without chat."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from courtbooking.contracts import Availability
from courtbooking.models import HHMM_PATTERN

from ..responses import ANY_ROUTE, BAD_REQUEST, CALLS_SERVICES, NO_422, SIGNED_IN, answer, responses
from . import services

router = Router()


@router.get(
    "/availability",
    responses=responses(
        {200: "The free slots that match, and the nearest alternatives when none match the asked time."},
        {400: answer(f"{BAD_REQUEST}; a court that does not exist; a duration that is not whole slots or too long.")},
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def availability(
    date: Annotated[dt.date | None, Query(description="YYYY-MM-DD; default today")] = None,
    time: Annotated[str | None, Query(pattern=HHMM_PATTERN, description="HH:MM")] = None,
    court: Annotated[str | None, Query(max_length=64)] = None,
    duration_minutes: Annotated[int | None, Query(ge=1, le=1440)] = None,
) -> Availability:
    """Free slots on a date (optionally at a time or on a court); book one with POST /bookings."""
    query = {
        "date": date.isoformat() if date else None,
        "time": time,
        "court": court,
        "duration_minutes": duration_minutes,
    }
    return services(router).availability(query)
