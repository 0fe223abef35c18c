"""How every error becomes an HTTP answer: one status per code, one Retry-After rule, one shape.

`{"error": {"code", "message"}}` with the status of STATUS_OF. An answer that
may be retried as it is (DynamoDB throttled, the same Idempotency-Key still in
progress) carries `Retry-After`, from RETRY_AFTER_SECONDS only. A code the
orchestrator does not know (a service answered outside its contract) is a 502.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from courtbooking.envelope import describe_validation
from courtbooking.errors import ServiceError, ServiceUnavailable
from courtbooking.models import ErrorCode

from .http_body import BodyRefused
from .services import DownstreamFailure

logger = Logger(child=True)

STATUS_OF: dict[ErrorCode, HTTPStatus] = {
    ErrorCode.INVALID_REQUEST: HTTPStatus.BAD_REQUEST,
    ErrorCode.UNAUTHORIZED: HTTPStatus.UNAUTHORIZED,
    ErrorCode.FORBIDDEN: HTTPStatus.FORBIDDEN,
    ErrorCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorCode.SLOT_TAKEN: HTTPStatus.CONFLICT,
    ErrorCode.SLOT_FREE: HTTPStatus.CONFLICT,
    ErrorCode.LIMIT_REACHED: HTTPStatus.CONFLICT,
    ErrorCode.ALREADY_BOOKED: HTTPStatus.CONFLICT,
    ErrorCode.TOO_LATE: HTTPStatus.CONFLICT,
    ErrorCode.CANCELLED: HTTPStatus.CONFLICT,
    ErrorCode.CLOSED: HTTPStatus.CONFLICT,
    ErrorCode.REQUEST_IN_PROGRESS: HTTPStatus.CONFLICT,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.SLOT_INVALID: HTTPStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.IDEMPOTENCY_CONFLICT: HTTPStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.SERVICE_FAILED: HTTPStatus.BAD_GATEWAY,
    ErrorCode.SERVICE_UNAVAILABLE: HTTPStatus.SERVICE_UNAVAILABLE,
    ErrorCode.SERVICE_TIMEOUT: HTTPStatus.GATEWAY_TIMEOUT,
}
# The only answers worth retrying unchanged, and how long to wait first.
RETRY_AFTER_SECONDS: dict[ErrorCode, int] = {ErrorCode.SERVICE_UNAVAILABLE: 2, ErrorCode.REQUEST_IN_PROGRESS: 1}


def headers_for(code: ErrorCode) -> dict[str, str]:
    seconds = RETRY_AFTER_SECONDS.get(code)
    return {"Content-Type": content_types.APPLICATION_JSON, **({"Retry-After": str(seconds)} if seconds else {})}


def error(code: ErrorCode, message: str) -> Response:
    return Response(
        status_code=STATUS_OF[code],
        content_type=content_types.APPLICATION_JSON,
        body={"error": {"code": str(code), "message": message}},
        headers={k: v for k, v in headers_for(code).items() if k != "Content-Type"},
    )


def refused_body(refusal: BodyRefused) -> dict[str, Any]:
    """The proxy answer for a body refused before routing (the same shape and rule as every error)."""
    return {
        "statusCode": STATUS_OF[refusal.code],
        "headers": headers_for(refusal.code),
        "body": json.dumps({"error": {"code": str(refusal.code), "message": refusal.message}}),
        "isBase64Encoded": False,
    }


def register(app: APIGatewayHttpResolver) -> None:
    """Turn every error a route can raise into its answer."""

    @app.exception_handler(RequestValidationError)
    def invalid_request(exc: RequestValidationError) -> Response:
        return error(ErrorCode.INVALID_REQUEST, describe_validation(exc.errors(), root="body"))

    @app.exception_handler(ServiceUnavailable)
    def unavailable(exc: ServiceUnavailable) -> Response:
        logger.warning("dependency unavailable", extra={"reason": exc.message})
        message = f"{exc.message}. Please try again in a moment (with the same Idempotency-Key, if you sent one)."
        return error(ErrorCode.SERVICE_UNAVAILABLE, message)

    @app.exception_handler(ServiceError)
    def refused(exc: ServiceError) -> Response:
        if not isinstance(exc.code, ErrorCode) or exc.code not in STATUS_OF:
            logger.error("a service refused the request", extra={"code": str(exc.code), "reason": exc.message})
            return error(ErrorCode.SERVICE_FAILED, f"a service refused the request: {exc.message}")
        return error(exc.code, exc.message)

    @app.exception_handler(DownstreamFailure)
    def downstream_failed(exc: DownstreamFailure) -> Response:
        logger.error(
            "downstream service failed", extra={"service": str(exc.service), "kind": exc.kind, "detail": exc.detail}
        )
        if exc.timed_out:
            return error(ErrorCode.SERVICE_TIMEOUT, f"the {exc.service} service timed out")
        return error(ErrorCode.SERVICE_FAILED, f"the {exc.service} service {exc.kind}")
