"""/series: recurring bookings, always the caller's own. Preview every date first, then book the free ones (each
atomically) or all of them or none; list, show (each date with its status now), cancel, or skip one date.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from courtbooking.contracts import BookSeriesBody, Series, SeriesList
from courtbooking.errors import InvalidRequest
from courtbooking.models import SeriesSpec

from ..responses import (
    ANY_ROUTE,
    BAD_HEADERS,
    BAD_REQUEST,
    CALLS_SERVICES,
    LARGE_BODY,
    NO_422,
    SIGNED_IN,
    answer,
    responses,
)
from . import caller, key, services

router = Router()

BAD_SERIES = (
    f"{BAD_REQUEST}; not exactly one of weeks and until; a weekday named twice; a court that does not exist; a "
    "series that begins before today, ends before it begins, has no date or more than 26; a length that is not "
    "whole slots"
)
BAD_SERIES_ID = f"INVALID_REQUEST: a series id that is not 1 to 64 letters, digits or -{BAD_HEADERS}."
NO_SERIES = answer("NOT_FOUND: no such series of yours (someone else's is answered the same).")


@router.post(
    "/series/preview",
    responses=responses(
        {200: "Every date: free (slot_id), taken (nearest, waitlist), closed, beyond_horizon, ...; nothing written."},
        {400: answer(f"{BAD_SERIES}{BAD_HEADERS}.")},
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        LARGE_BODY,
        CALLS_SERVICES,
    ),
)
def preview_series(request: Annotated[SeriesSpec, Body(embed=False)]) -> Series:
    """What a series would be, date by date, before anything is booked."""
    return services(router).preview_series(caller(router), request)


@router.post(
    "/series",
    responses=responses(
        {201: "The series and its report: every date booked, or why not (taken, limit, closed, beyond_horizon)."},
        {
            400: answer(f"{BAD_SERIES}; all or none past 100 writes in one transaction{BAD_HEADERS}."),
            409: answer(
                "All or none only, nothing booked: SLOT_TAKEN (a date is taken), CLOSED (a date is closed), "
                "LIMIT_REACHED (the dates would pass MaxActiveBookings or a week's limit), ALREADY_BOOKED (the "
                "caller holds one of its times); IDEMPOTENCY_CONFLICT / REQUEST_IN_PROGRESS for a reused key."
            ),
            422: answer(
                "SLOT_INVALID (all or none only): a date beyond the booking horizon, started, or no such start."
            ),
        },
        ANY_ROUTE,
        SIGNED_IN,
        LARGE_BODY,
        CALLS_SERVICES,
    ),
)
def book_series(request: Annotated[BookSeriesBody, Body(embed=False)]) -> Response[Series]:
    """Book a series: the free dates, each atomically, or (all_or_none) every date in one transaction or none."""
    spec = SeriesSpec.model_validate(request.model_dump(exclude={"all_or_none"}))
    report = services(router).book_series(caller(router), spec, request.all_or_none, idempotency_key=key(router))
    return Response(
        status_code=HTTPStatus.CREATED, content_type=content_types.APPLICATION_JSON, body=report.model_dump(mode="json")
    )


@router.get(
    "/series",
    responses=responses(
        {200: "The caller's series, newest first, each date with its status now (booked, played, cancelled, ...)."},
        {400: answer(f"INVALID_REQUEST{BAD_HEADERS}.")},
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def my_series() -> SeriesList:
    """The caller's series."""
    return services(router).series_list(caller(router))


@router.get(
    "/series/<series_id>",
    responses=responses(
        {200: "The series, each date with its status now."},
        {400: answer(BAD_SERIES_ID), 404: NO_SERIES},
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def one_series(series_id: str) -> Series:
    """One of the caller's series."""
    return services(router).series(caller(router), series_id)


@router.delete(
    "/series/<series_id>",
    responses=responses(
        {200: "Cancelled: every booked date that has not started (one inside the cut-off stays, and says so)."},
        {400: answer(BAD_SERIES_ID), 404: NO_SERIES},
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def cancel_series(series_id: str) -> Series:
    """Cancel a series' dates that have not started."""
    return services(router).cancel_series(caller(router), series_id)


@router.delete(
    "/series/<series_id>/dates/<date>",
    responses=responses(
        {200: "That date's booking is cancelled (a skip); the rest of the series stands."},
        {
            400: answer(f"INVALID_REQUEST: a date that is not YYYY-MM-DD; {BAD_SERIES_ID}"),
            404: answer("NOT_FOUND: no such series of yours, or no booked date of it that day not yet started."),
            409: answer("TOO_LATE: inside the cancellation cut-off."),
        },
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def skip_date(series_id: str, date: str) -> Series:
    """Skip one date of a series."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise InvalidRequest(f"{date!r} is not a date (YYYY-MM-DD).") from None
    return services(router).cancel_series(caller(router), series_id, day)
