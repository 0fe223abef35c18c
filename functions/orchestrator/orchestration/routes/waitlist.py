"""/waitlist: wait for a start that is taken, list the caller's waitlists, leave one; always the caller's own.

A cancel or a move that frees the court hands it to the first eligible person waiting, by itself
(the booking function's claim, in the transaction that frees it): GET /waitlist then shows the
entry `claimed` with its booking, and the next chat answer says so.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from courtbooking.contracts import JoinWaitlistBody, WaitlistEntries, WaitlistEntry

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
from . import caller, services

router = Router()


@router.post(
    "/waitlist",
    responses=responses(
        {
            201: "On the waitlist: the entry, waiting.",
            200: "Already on this very waitlist: that entry (already_waiting).",
        },
        {
            400: answer(
                f"{BAD_REQUEST}; a court that does not exist; a deadline (until) without its UTC offset, passed, or "
                f"after the start{BAD_HEADERS}."
            ),
            409: answer(
                "SLOT_FREE: the start is free now (on the court named, or on some court): book it; LIMIT_REACHED: "
                "the waitlist holds WaitlistMaxPerSlot people already, or the caller waits on WaitlistMaxPerPerson; "
                "ALREADY_BOOKED: the caller holds that slot, or another court at an overlapping time."
            ),
            422: answer(
                "SLOT_INVALID: no such start (opening hours, whole slots), one that has started, or past the booking "
                "horizon."
            ),
        },
        ANY_ROUTE,
        SIGNED_IN,
        LARGE_BODY,
        CALLS_SERVICES,
    ),
)
def join_waitlist(request: Annotated[JoinWaitlistBody, Body(embed=False)]) -> Response[WaitlistEntry]:
    """Wait for a taken start, on a court or any court, until a deadline (at the latest the start)."""
    entry = services(router).join_waitlist(caller(router), request)
    return Response(
        status_code=HTTPStatus.OK if entry.already_waiting else HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=entry.model_dump(mode="json"),
    )


@router.get(
    "/waitlist",
    responses=responses(
        {200: "The caller's waitlists whose start has not passed: waiting, claimed (with the booking) or expired."},
        {400: answer(f"INVALID_REQUEST{BAD_HEADERS}.")},
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def my_waitlists() -> WaitlistEntries:
    """The caller's waitlists, soonest first: one strongly consistent read."""
    return services(router).waitlist(caller(router))


@router.delete(
    "/waitlist/<entry_id>",
    responses=responses(
        {200: "Left: the entry as it was; those behind move up. A claimed entry is only taken off the list."},
        {
            400: answer(f"INVALID_REQUEST: an entry id that is not 1 to 64 letters, digits or -{BAD_HEADERS}."),
            404: answer("NOT_FOUND: no such waitlist entry of yours (someone else's is answered the same)."),
        },
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def leave_waitlist(entry_id: str) -> WaitlistEntry:
    """Leave one of the caller's waitlists."""
    return services(router).leave_waitlist(caller(router), entry_id)
