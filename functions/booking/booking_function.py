"""Booking Lambda: a user's bookings on DynamoDB (conditional writes, no AI), and the club staff's operations.

Operations (the event's `operation`, default "book"), each for exactly one user:
- book     {"slot_id", "user_id", "duration_minutes"?, "idempotency_key"?}
- book_first  {"operation": "book_first", "user_id", "slot_ids": [..3], "ask": {date, time|window, court?},
           "instead"?, "duration_minutes"?, "idempotency_key"?}   a chat's booking in one call: held, limit,
           booked (the first free slot) or taken (with what is free instead)
- list     {"operation": "list", "user_id", "with_waitlist"?}  upcoming bookings of the user (and waitlists)
- get      {"operation": "get", "user_id", "booking_id"}     a cancelled one too (status "cancelled")
- cancel   {"operation": "cancel", "user_id", "booking_id"}  again: the cancelled booking, nothing written
- move     {"operation": "move", "user_id", "booking_id", "slot_id", "duration_minutes"?}   atomically;
           a cancelled booking is CANCELLED
- history  {"operation": "history", "user_id", "when"?, "since"?, "until"?, "cursor"?, "limit"?}
           upcoming, past (the default) or cancelled, newest first, a page at a time
- waitlist_join   {"operation": "waitlist_join", "user_id", "date", "time", "duration_minutes"?, "court"?,
                  "until"?}   wait for a taken start; a freed court goes to the first eligible by itself
- waitlist_list   {"operation": "waitlist_list", "user_id"}         waiting, claimed (with the booking) or expired
- waitlist_leave  {"operation": "waitlist_leave", "user_id", "entry_id"}
- series_preview  {"operation": "series_preview", "user_id", "series": {weekdays, time, weeks|until, court?,
                  first?, duration_minutes?}}   every date: free, taken (nearest free, waitlist), closed, beyond
                  the horizon; nothing written
- series_book     {... "operation": "series_book", "all_or_none"?, "idempotency_key"?}   the free dates, each
                  atomically (or all in one transaction, or nothing); the report names every date
- series_list     {"operation": "series_list", "user_id"};  series_get  {..., "series_id"}
- series_cancel   {"operation": "series_cancel", "user_id", "series_id", "date"?}   the dates not started (or one)
Another user's booking (or waitlist entry) is NOT_FOUND. For an admin the orchestrator has checked (`admin_id`):
- admin_get     {"operation": "admin_get", "admin_id", "booking_id"}      anyone's, with who cancelled it
- admin_cancel  {"operation": "admin_cancel", "admin_id", "booking_id", "reason"?}   the holder is told
- day_sheet     {"operation": "day_sheet", "admin_id", "date"}            every booking of a day, its holder
- close         {"operation": "close", "admin_id", "court"?, "start", "end", "reason", "cancel_affected"?}
- closures      {"operation": "closures", "admin_id"}
- reopen        {"operation": "reopen", "admin_id", "closure_id"}
Every admin change (admin_cancel, close, reopen) logs one structured `audit` line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel
from recurring import Recurring

from courtbooking import config, idempotency, observability
from courtbooking.aws import dynamodb_client
from courtbooking.booking_service import BookingService
from courtbooking.clock import utc_now
from courtbooking.closures import ClubAdmin
from courtbooking.contracts import (
    AdminBookingRequest,
    BookFirstRequest,
    BookingAttempt,
    BookingByIdRequest,
    BookingRequest,
    BookRequest,
    CloseRequest,
    ClosuresRequest,
    DaySheetRequest,
    HistoryRequest,
    ListBookingsRequest,
    MoveBookingRequest,
    ReopenRequest,
    Series,
    SeriesBookRequest,
    SeriesCancelRequest,
    SeriesGetRequest,
    SeriesListRequest,
    SeriesPreviewRequest,
    WaitlistJoinRequest,
    WaitlistLeaveRequest,
    WaitlistListRequest,
)
from courtbooking.envelope import service_handler
from courtbooking.errors import ServiceError, SlotTaken
from courtbooking.models import Booking
from courtbooking.waitlist import Waitlist

logger = Logger()
metrics = observability.metrics()


@lru_cache(maxsize=1)
def booking_service() -> BookingService:
    return BookingService(
        dynamodb_client(), config.table_name(), config.facility(), inbox_table=config.conversations_table_name()
    )


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


def book_first(request: BookFirstRequest) -> BookingAttempt:
    def attempt_once(payload: dict[str, Any]) -> dict[str, Any]:
        attempt = booking_service().book_first(request)
        if attempt.outcome == "booked":
            metrics.add_metric(name="BookingsMade", unit=MetricUnit.Count, value=1)
            assert attempt.booking is not None
            logger.info("booked", extra={"booking_id": attempt.booking.booking_id, "slot_ids": request.slot_ids})
        elif attempt.outcome == "taken" and request.slot_ids:
            metrics.add_metric(name="SlotConflicts", unit=MetricUnit.Count, value=1)
        return attempt.model_dump(mode="json")

    if request.idempotency_key is None:
        return BookingAttempt.model_validate(attempt_once({}))
    same_request = request.request_fingerprint or idempotency.fingerprint(*request.slot_ids, request.duration_minutes)
    answer = idempotency.run_once(
        attempt_once, user_id=request.user_id, key=request.idempotency_key, request_fingerprint=same_request
    )
    return BookingAttempt.model_validate(answer)


def move(request: MoveBookingRequest) -> Booking:
    moved = booking_service().move(request.user_id, request.booking_id, request.slot_id, request.duration_minutes)
    logger.info("moved", extra={"booking_id": moved.booking_id, "slot_id": request.slot_id})
    return moved


def by_id(request: BookingByIdRequest) -> Booking:
    if request.operation == "get":
        return booking_service().get(request.user_id, request.booking_id)
    cancelled = booking_service().cancel(request.user_id, request.booking_id)
    logger.info("cancelled", extra={"booking_id": cancelled.booking_id})
    return cancelled


def join_waitlist(request: WaitlistJoinRequest) -> BaseModel:
    entry = Waitlist(booking_service()).join(request)
    logger.info("waitlist joined", extra={"entry_id": entry.entry_id, "already_waiting": entry.already_waiting})
    return entry


def leave_waitlist(request: WaitlistLeaveRequest) -> BaseModel:
    entry = Waitlist(booking_service()).leave(request.user_id, request.entry_id)
    logger.info("waitlist left", extra={"entry_id": entry.entry_id})
    return entry


def book_series(request: SeriesBookRequest) -> BaseModel:
    def book_once(payload: dict[str, Any]) -> dict[str, Any]:
        report = Recurring(booking_service()).book(request)
        booked = sum(o.status == "booked" for o in report.occurrences)
        metrics.add_metric(name="BookingsMade", unit=MetricUnit.Count, value=booked)
        logger.info("series booked", extra={"series_id": report.series_id, "booked": booked})
        return report.model_dump(mode="json")

    if request.idempotency_key is None:
        return Series.model_validate(book_once({}))
    same_request = idempotency.fingerprint(request.series.model_dump_json(), request.all_or_none)
    answer = idempotency.run_once(
        book_once, user_id=request.user_id, key=request.idempotency_key, request_fingerprint=same_request
    )
    return Series.model_validate(answer)


def cancel_series(request: SeriesCancelRequest) -> BaseModel:
    series = Recurring(booking_service()).cancel(request.user_id, request.series_id, request.date)
    logger.info("series cancelled", extra={"series_id": request.series_id, "date": str(request.date or "")})
    return series


def upcoming(request: ListBookingsRequest) -> BaseModel:
    mine = booking_service().upcoming(request.user_id)
    if not request.with_waitlist:
        return mine
    waiting = Waitlist(booking_service()).entries(request.user_id)
    said = f"{mine.message} {waiting.message}" if waiting.entries else mine.message
    return mine.model_copy(update={"waitlist": waiting.entries, "message": said})


def history(request: HistoryRequest) -> BaseModel:
    return booking_service().history(
        request.user_id, request.when, request.since, request.until, request.cursor, request.limit
    )


def admin_booking(request: AdminBookingRequest) -> Booking:
    service = booking_service()
    if request.operation == "admin_get":
        return service.get_any(request.booking_id)

    def cancel() -> Booking:
        holder = service.get_any(request.booking_id).user_id
        return service.cancel(holder, request.booking_id, by="admin", by_id=request.admin_id, reason=request.reason)

    return audited(
        request.admin_id,
        "cancel_booking",
        cancel,
        lambda cancelled: {"bookings": [cancelled.booking_id]},
        booking_id=request.booking_id,
        reason=request.reason,
    )


def close(request: CloseRequest) -> BaseModel:
    return audited(
        request.admin_id,
        "close",
        lambda: ClubAdmin(booking_service()).close(request),
        lambda made: {
            "closure_id": made.closure.closure_id,
            "bookings": [b.booking_id for b in (*made.affected, *made.cancelled)],
            "cancelled": [b.booking_id for b in made.cancelled],
        },
        **request.model_dump(mode="json", include={"court", "start", "end", "reason", "cancel_affected"}),
    )


def reopen(request: ReopenRequest) -> BaseModel:
    return audited(
        request.admin_id,
        "reopen",
        lambda: ClubAdmin(booking_service()).reopen(request.closure_id),
        lambda _closure: {"bookings": []},
        closure_id=request.closure_id,
    )


def audited(
    admin_id: str, action: str, act: Callable[[], Any], told: Callable[[Any], dict[str, Any]], **details: Any
) -> Any:
    """Do an admin's change and log one `audit` line of it: who, what, when, the bookings affected (`told`
    of the answer), and how it ended: done, or the refusal's code."""
    line = {"admin": admin_id, "action": action, "at": utc_now().isoformat(), **details}
    try:
        answer = act()
    except ServiceError as refused:
        logger.info("audit", extra={"audit": {**line, "bookings": [], "outcome": str(refused.code)}})
        raise
    logger.info("audit", extra={"audit": {**line, **told(answer), "outcome": "done"}})
    return answer


OPERATIONS: dict[type[BaseModel], Callable[[Any], BaseModel]] = {
    BookRequest: book,
    BookFirstRequest: book_first,
    ListBookingsRequest: upcoming,
    BookingByIdRequest: by_id,
    MoveBookingRequest: move,
    HistoryRequest: history,
    AdminBookingRequest: admin_booking,
    DaySheetRequest: lambda r: ClubAdmin(booking_service()).day_sheet(r.date),
    CloseRequest: close,
    ClosuresRequest: lambda _r: ClubAdmin(booking_service()).closures(),
    ReopenRequest: reopen,
    WaitlistJoinRequest: join_waitlist,
    WaitlistListRequest: lambda r: Waitlist(booking_service()).entries(r.user_id),
    WaitlistLeaveRequest: leave_waitlist,
    SeriesPreviewRequest: lambda r: Recurring(booking_service()).preview(r.user_id, r.series),
    SeriesBookRequest: book_series,
    SeriesListRequest: lambda r: Recurring(booking_service()).series(r.user_id),
    SeriesGetRequest: lambda r: Recurring(booking_service()).get(r.user_id, r.series_id),
    SeriesCancelRequest: cancel_series,
}


@service_handler(BookingRequest, logger.set_correlation_id)
def _handle(request: BookingRequest) -> BaseModel:
    operation = request.root
    return OPERATIONS[type(operation)](operation)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: Any, context: Any) -> dict[str, Any]:
    idempotency.register_context(context)
    return _handle(event, context)
