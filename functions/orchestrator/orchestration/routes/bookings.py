"""/bookings: book a slot by its id, list mine (to come, played or cancelled), read one (or its calendar
invite), move one, cancel one; always the caller's own."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from courtbooking import config, words
from courtbooking.clock import utc_now
from courtbooking.contracts import BookingList, BookingPage, BookSlotRequest, MoveSlotRequest
from courtbooking.errors import InvalidRequest
from courtbooking.models import Booking, HistoryWhen

from .. import calendar
from ..responses import (
    ANY_ROUTE,
    BAD_BOOKING_ID,
    BAD_HEADERS,
    BAD_REQUEST,
    CALLS_SERVICES,
    LARGE_BODY,
    NO_422,
    NOT_FOUND,
    SIGNED_IN,
    answer,
    file,
    responses,
)
from . import caller, key, services

router = Router()
CURSOR_PATTERN = r"^[A-Za-z0-9_\-=]+$"  # models.Cursor's

# What reading one booking (or its invite) can answer besides the booking: GET /bookings/{id} and its calendar.
READ_ONE = ({400: answer(BAD_BOOKING_ID)}, NOT_FOUND, NO_422, ANY_ROUTE, SIGNED_IN, CALLS_SERVICES)


@router.post(
    "/bookings",
    responses=responses(
        {201: "Booked.", 200: "The caller already held this very slot: that booking (already_held), nothing new."},
        {
            400: answer(f"{BAD_REQUEST}{BAD_HEADERS}."),
            409: answer(
                "SLOT_TAKEN: someone holds the slot; LIMIT_REACHED: the most upcoming bookings allowed are held, "
                "or the most in that week (MaxBookingsPerWeek); ALREADY_BOOKED: the caller holds another court at "
                "an overlapping time; CLOSED: the court is closed then (the message names why and until when); "
                "REQUEST_IN_PROGRESS: the same Idempotency-Key is still being answered (Retry-After).",
                retry_after=True,
            ),
            422: answer(
                "SLOT_INVALID: no such slot, a slot that has started, is past the booking horizon or has a "
                "duration that is not whole slots; IDEMPOTENCY_CONFLICT: the key was used for another request."
            ),
        },
        ANY_ROUTE,
        SIGNED_IN,
        LARGE_BODY,
        CALLS_SERVICES,
    ),
)
def create_booking(request: Annotated[BookSlotRequest, Body(embed=False)]) -> Response[Booking]:
    """Book a slot by its slot_id (from GET /availability). Honours the Idempotency-Key header."""
    booking = services(router).book(
        request.slot_id, caller(router), request.duration_minutes, idempotency_key=key(router)
    )
    return Response(
        status_code=HTTPStatus.OK if booking.already_held else HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=booking.model_dump(mode="json"),
    )


@router.get(
    "/bookings",
    responses=responses(
        {
            200: "The caller's bookings: upcoming (the default, soonest first, always one page), past (played, newest "
            "first) or cancelled (newest first); next_cursor fetches the next page."
        },
        {
            400: answer(
                "INVALID_REQUEST: when is not upcoming, past or cancelled; since or until is not YYYY-MM-DD, or since "
                "is after until; a cursor this service did not give; limit not 1 to 100; a cursor or limit with "
                f"when=upcoming{BAD_HEADERS}."
            )
        },
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def my_bookings(
    when: Annotated[HistoryWhen | None, Query(description="upcoming (default), past or cancelled")] = None,
    since: Annotated[dt.date | None, Query(description="First day, included (YYYY-MM-DD)")] = None,
    until: Annotated[dt.date | None, Query(description="Last day, included (YYYY-MM-DD)")] = None,
    cursor: Annotated[
        str | None, Query(min_length=1, max_length=512, pattern=CURSOR_PATTERN, description="next_cursor of a page")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="Most bookings in a page (default 20)")] = None,
) -> BookingPage:
    """The caller's bookings: those to come (one strongly consistent read), or their history, page by page."""
    user = caller(router)
    if since is not None and until is not None and since > until:
        raise InvalidRequest(words.since_after_until(since, until))  # the booking function's words for it
    if when in (None, "upcoming"):
        if cursor is not None or limit is not None:
            raise InvalidRequest(
                "cursor and limit page when=past and when=cancelled; upcoming bookings are always one page"
            )
        return upcoming_page(services(router).bookings(user), since, until)
    return services(router).history(user, when, since, until, cursor, limit)


def upcoming_page(mine: BookingList, since: dt.date | None, until: dt.date | None) -> BookingPage:
    """The upcoming bookings as a page, kept to the days asked for (the list is small: MaxActiveBookings)."""
    if since is None and until is None:
        return BookingPage(when="upcoming", bookings=mine.bookings, message=mine.message)
    kept = [b for b in mine.bookings if (since is None or b.date >= since) and (until is None or b.date <= until)]
    return BookingPage(when="upcoming", bookings=kept, message=words.upcoming(kept))


@router.get(
    "/bookings/<booking_id>",
    responses=responses(
        {200: "The booking."},
        *READ_ONE,
    ),
)
def get_booking(booking_id: str) -> Booking:
    """One of the caller's bookings; anyone else's is 404, exactly like a missing one."""
    return services(router).booking(caller(router), booking_id)


@router.get(
    "/bookings/<booking_id>/calendar",
    responses=responses(
        {},  # the answer is a file, not JSON:
        {
            200: file(
                "The booking's calendar invite (iCalendar, RFC 5545): UID the booking id, METHOD:PUBLISH while "
                "it stands, METHOD:CANCEL once cancelled; SEQUENCE grows with every move and the cancel.",
                calendar.MEDIA_TYPE,
                {
                    "Content-Disposition": 'attachment; filename="court-booking-<booking_id>.ics"',
                    "X-Content-Type-Options": "nosniff",
                },
            )
        },
        *READ_ONE,
    ),
)
def booking_calendar(booking_id: str) -> Response[str]:
    """One of the caller's bookings as a calendar invite (.ics); anyone else's is 404, exactly like a missing one."""
    booking = services(router).booking(caller(router), booking_id)
    return Response(
        status_code=HTTPStatus.OK,
        content_type=calendar.CONTENT_TYPE,
        body=calendar.invite(booking, config.facility(), utc_now()).decode(),
        headers={
            "Content-Disposition": f'attachment; filename="{calendar.filename(booking.booking_id)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.patch(
    "/bookings/<booking_id>",
    responses=responses(
        {200: "Moved: the booking as it now is (same id); the old slot is free again."},
        {
            400: answer(f"{BAD_BOOKING_ID}; {BAD_REQUEST}."),
            409: answer(
                "SLOT_TAKEN: someone holds the new slot (the booking is unchanged); ALREADY_BOOKED: the caller "
                "holds another court at an overlapping time; CLOSED: the court is closed then (why, until when); "
                "TOO_LATE: the booking has started or the cancellation cut-off has passed; CANCELLED: the "
                "booking was cancelled (book a new slot instead)."
            ),
            422: answer(
                "SLOT_INVALID: no such slot, a slot that has started, is past the booking horizon or has a "
                "duration that is not whole slots."
            ),
        },
        NOT_FOUND,
        ANY_ROUTE,
        SIGNED_IN,
        LARGE_BODY,
        CALLS_SERVICES,
    ),
)
def move_booking(booking_id: str, request: Annotated[MoveSlotRequest, Body(embed=False)]) -> Booking:
    """Move one of the caller's bookings to another slot (and length), atomically: moved whole, or unchanged."""
    return services(router).move(caller(router), booking_id, request.slot_id, request.duration_minutes)


@router.delete(
    "/bookings/<booking_id>",
    responses=responses(
        {
            200: "Cancelled: the booking with status cancelled; the slot is free again. Cancelling it again "
            "answers the same, and changes nothing."
        },
        {
            400: answer(BAD_BOOKING_ID),
            409: answer("TOO_LATE: inside the cancellation cut-off (CancelCutoffMinutes before the start), or over."),
        },
        NOT_FOUND,
        NO_422,
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def cancel_booking(booking_id: str) -> Booking:
    """Cancel one of the caller's bookings that has not started; the slot is free again at once."""
    return services(router).cancel(caller(router), booking_id)
