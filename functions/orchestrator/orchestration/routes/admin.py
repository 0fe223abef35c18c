"""The club's staff (docs/club.md): closures, the front desk's day sheet, and anyone's booking.

Every route is for admins only: the verified token's groups claim must name the admin group
(orchestration.identity.admin_id). Anyone else gets 403 FORBIDDEN, and so does everyone with
sign-in off; nothing is read or written for them. The booking function does the work and writes
the audit line of every change.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import BaseModel, ConfigDict, Field

from courtbooking.contracts import Closure, ClosureList, ClosureResult, DaySheet, Reason
from courtbooking.models import WALL_TIME_PATTERN, Booking, WallTime

from ..identity import admin_id
from ..responses import (
    ADMINS_ONLY,
    ANY_ROUTE,
    BAD_REQUEST,
    CALLS_SERVICES,
    LARGE_BODY,
    NO_422,
    SIGNED_IN,
    answer,
    responses,
)
from . import services

router = Router()

BAD_ID = "INVALID_REQUEST: an id that is not 1 to 64 letters, digits or -."
NO_BOOKING = {404: answer("NOT_FOUND: no booking with this id.")}
ADMIN_ROUTE = (NO_422, ANY_ROUTE, SIGNED_IN, ADMINS_ONLY, CALLS_SERVICES)
# WallTime checks its form in a validator, which the published schema cannot show: say it there too.
WALL_TIME_SCHEMA = {"pattern": WALL_TIME_PATTERN, "description": "A wall time in the facility's zone, no offset."}


class ClosureBody(BaseModel):
    """POST /closures: a court (left out: every court) closed from `start` to `end`, wall times in the
    facility's zone, for a reason. The closure request without who asks: that is the token's."""

    model_config = ConfigDict(extra="forbid")

    court: str | None = Field(default=None, max_length=64, description="Leave out to close every court.")
    start: Annotated[WallTime, Field(examples=["2026-12-14T08:00"], json_schema_extra=WALL_TIME_SCHEMA)]
    end: Annotated[WallTime, Field(examples=["2026-12-18T21:00"], json_schema_extra=WALL_TIME_SCHEMA)]
    reason: Reason
    cancel_affected: bool = Field(
        default=False, strict=True, description="Cancel the bookings inside it; each holder is told why."
    )


def admin() -> str:
    """The admin asking (the token's sub); 401 or 403 for anyone else."""
    return admin_id(router.current_event.raw_event)


@router.post(
    "/closures",
    responses=responses(
        {201: "Closed: the closure, the bookings inside it still standing, and those it cancelled."},
        {
            400: answer(
                f"{BAD_REQUEST}; no such court, an end not after the start or already past, a wall time that does "
                "not exist, longer than the most allowed."
            )
        },
        LARGE_BODY,
        *ADMIN_ROUTE,
    ),
)
def close(request: Annotated[ClosureBody, Body(embed=False)]) -> Response[ClosureResult]:
    """Close a court, or the whole facility, for a while: its slots are not offered or booked until it ends.
    A 503 means it was interrupted: it is listed with complete false; delete it or close again."""
    closed = services(router).close(
        admin(), request.court, request.start, request.end, request.reason, request.cancel_affected
    )
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=closed.model_dump(mode="json"),
    )


@router.get(
    "/closures",
    responses=responses({200: "Every closure that has not ended yet."}, {400: answer(BAD_REQUEST)}, *ADMIN_ROUTE),
)
def list_closures() -> ClosureList:
    """Every closure not yet over, incomplete ones included."""
    return services(router).closures(admin())


@router.delete(
    "/closures/<closure_id>",
    responses=responses(
        {200: "Reopened: the closure removed; its slots can be booked again."},
        {400: answer(BAD_ID), 404: answer("NOT_FOUND: no closure with this id.")},
        *ADMIN_ROUTE,
    ),
)
def reopen(closure_id: str) -> Closure:
    """Remove a closure (also one whose creation was interrupted): its slots can be booked again."""
    return services(router).reopen(admin(), closure_id)


@router.get(
    "/admin/day",
    responses=responses(
        {200: "Every booking of the day with its holder, the day's hours and its closures."},
        {400: answer(f"{BAD_REQUEST}: date is YYYY-MM-DD.")},
        *ADMIN_ROUTE,
    ),
)
def day_sheet(date: Annotated[dt.date, Query(description="YYYY-MM-DD, in the facility's zone")]) -> DaySheet:
    """The front desk's sheet of a day: every booking by time and court, with its holder."""
    return services(router).day_sheet(admin(), date)


@router.get(
    "/admin/bookings/<booking_id>",
    responses=responses({200: "The booking, whoever holds it."}, {400: answer(BAD_ID)}, NO_BOOKING, *ADMIN_ROUTE),
)
def any_booking(booking_id: str) -> Booking:
    """Anyone's booking, a cancelled one too: who cancelled it (holder, admin, closure) and why."""
    return services(router).admin_booking(admin(), booking_id)


@router.delete(
    "/admin/bookings/<booking_id>",
    responses=responses(
        {200: "Cancelled by an admin: the booking with status cancelled; its holder is told in their next chat."},
        {
            400: answer(f"{BAD_ID} A reason that is blank or over 200 characters."),
            409: answer("TOO_LATE: the booking has started or is over."),
        },
        NO_BOOKING,
        *ADMIN_ROUTE,
    ),
)
def cancel_any(
    booking_id: str,
    reason: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Why: told to the holder with the news.")
    ] = None,
) -> Booking:
    """Cancel anyone's booking, inside the cancellation cut-off too; the slot is free again at once."""
    return services(router).admin_cancel(admin(), booking_id, reason)
