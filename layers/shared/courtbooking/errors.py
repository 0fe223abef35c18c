"""Errors a caller can cause, each with the stable code its envelope carries."""

from __future__ import annotations

from . import words
from .models import ErrorCode


class ServiceError(Exception):
    """A refusal the caller can act on; becomes `{"success": false, "error": {...}}`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SlotTaken(ServiceError):
    def __init__(self, message: str = words.SLOT_JUST_TAKEN) -> None:
        super().__init__(ErrorCode.SLOT_TAKEN, message)


class SlotFree(ServiceError):
    """A waitlist was asked for a start that is free: book it instead."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.SLOT_FREE, message)


class SlotInvalid(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.SLOT_INVALID, message)


class InvalidRequest(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.INVALID_REQUEST, message)


class ServiceUnavailable(ServiceError):
    """DynamoDB (or another dependency) is throttling or unreachable after retries; safe to retry."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.SERVICE_UNAVAILABLE, message)


class NotFound(ServiceError):
    """No such booking for this user. Deliberately the same answer whether the booking
    does not exist or belongs to someone else, so ids cannot be probed."""

    def __init__(self, booking_id: str, message: str | None = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, message or words.not_found(booking_id))


class LimitReached(ServiceError):
    """MAX_ACTIVE_BOOKINGS (the default message), or another limit named by its own message (the weekly one)."""

    def __init__(self, limit: int, message: str | None = None) -> None:
        super().__init__(ErrorCode.LIMIT_REACHED, message or words.limit_reached(limit))


class AlreadyBooked(ServiceError):
    """The person holds another court at an overlapping time: one court at a time per person."""

    def __init__(self, held: str, message: str | None = None) -> None:
        super().__init__(ErrorCode.ALREADY_BOOKED, message or words.overlapping(held))


class TooLate(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.TOO_LATE, message)


class BookingCancelled(ServiceError):
    """The booking was cancelled: its record is kept (for its invite), but it cannot be moved."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.CANCELLED, message)


class Unauthorized(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.UNAUTHORIZED, message)


class Forbidden(ServiceError):
    """Signed in, but not allowed: an admin route or an admin's chat from someone outside the admin group."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.FORBIDDEN, message)


class Closed(ServiceError):
    """The slot is inside a closure of its court (or of the facility): the message names its reason and end."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.CLOSED, message)
