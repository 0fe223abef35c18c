"""Errors a caller can cause, each with the stable code its envelope carries."""

from __future__ import annotations

from .models import ErrorCode


class ServiceError(Exception):
    """A refusal the caller can act on; becomes `{"success": false, "error": {...}}`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SlotTaken(ServiceError):
    def __init__(self, message: str = "That slot has just been booked by someone else.") -> None:
        super().__init__(ErrorCode.SLOT_TAKEN, message)


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
