"""Orchestrator Lambda, the only entry point of the HTTP API.

POST /chat runs the workflow (intent parser -> availability -> booking); the
REST routes (/availability, /bookings) call the same services for clients that
do not want chat. Thin on purpose: it validates the request, works out who is
asking, calls the layer, and maps outcomes to HTTP status codes.
"""

from __future__ import annotations

import binascii
import datetime as dt
import json
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.logging import correlation_paths

from courtbooking import config, idempotency
from courtbooking.aws import lambda_client
from courtbooking.envelope import describe_validation_errors
from courtbooking.errors import ServiceError, ServiceUnavailable
from courtbooking.http_body import UnsupportedMediaType, as_json_request
from courtbooking.identity import caller_id, idempotency_key
from courtbooking.invocation import DownstreamFailure, Invoker, LambdaInvoker, Service
from courtbooking.models import (
    Availability,
    Booking,
    BookingList,
    BookSlotRequest,
    ChatRequest,
    ChatResponse,
    ErrorCode,
)
from courtbooking.workflow import ChatWorkflow, Services

logger = Logger()
tracer = Tracer()
app = APIGatewayHttpResolver(enable_validation=True)
app.enable_swagger(
    path="/swagger",
    title="Court booking API",
    version="1.0.0",
    description=(
        "Book tennis courts in plain words (POST /chat) or step by step (GET /availability, POST /bookings). "
        "With sign-in on, send `Authorization: Bearer <token>`; GET /swagger?format=json is this document."
    ),
    security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
    security=[{"bearer": []}],
)

RETRY_AFTER_SECONDS = "2"
STATUS_OF = {
    ErrorCode.INVALID_REQUEST: HTTPStatus.BAD_REQUEST,
    ErrorCode.UNAUTHORIZED: HTTPStatus.UNAUTHORIZED,
    ErrorCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorCode.SLOT_TAKEN: HTTPStatus.CONFLICT,
    ErrorCode.LIMIT_REACHED: HTTPStatus.CONFLICT,
    ErrorCode.TOO_LATE: HTTPStatus.CONFLICT,
    ErrorCode.REQUEST_IN_PROGRESS: HTTPStatus.CONFLICT,
    ErrorCode.SLOT_INVALID: HTTPStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.IDEMPOTENCY_CONFLICT: HTTPStatus.UNPROCESSABLE_ENTITY,
}

_invoker: Invoker | None = None


def use_invoker(invoker: Invoker | None) -> None:
    """Reach the services through this invoker (tests); None goes back to boto3 Lambda."""
    global _invoker
    _invoker = invoker


def services() -> Services:
    global _invoker
    if _invoker is None:
        names = {
            Service.INTENT_PARSER: config.function_name(config.INTENT_PARSER_FUNCTION),
            Service.AVAILABILITY: config.function_name(config.AVAILABILITY_FUNCTION),
            Service.BOOKING: config.function_name(config.BOOKING_FUNCTION),
        }
        _invoker = LambdaInvoker(lambda_client, names)
    return Services(_invoker, correlation_id=app.current_event.request_context.request_id)


def caller() -> str:
    return caller_id(app.current_event.raw_event, require_token=config.auth_mode() == "jwt")


def _error(status: HTTPStatus, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body={"error": {"code": code, "message": message}},
        headers=headers,
    )


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/chat")
def chat(request: Annotated[ChatRequest, Body(embed=False)]) -> ChatResponse:
    """Book, check, list or cancel in plain words: {"message": "Book a court tomorrow at 3pm"}."""
    user, key = caller(), idempotency_key(app.current_event.raw_event)
    workflow = ChatWorkflow(services(), config.facility())
    if key is None:
        return workflow.chat(request.message, user)

    def chat_once(payload: dict[str, Any]) -> dict[str, Any]:
        return workflow.chat(request.message, user, idempotency_key=key).model_dump(mode="json")

    answer = idempotency.run_once(
        chat_once, user_id=user, key=key, request_fingerprint=idempotency.fingerprint(request.message)
    )
    return ChatResponse.model_validate(answer)


@app.get("/availability")
def availability(
    date: Annotated[dt.date | None, Query(description="YYYY-MM-DD; default today")] = None,
    time: Annotated[str | None, Query(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM")] = None,
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
    return services().availability(query)


@app.post("/bookings")
def create_booking(request: Annotated[BookSlotRequest, Body(embed=False)]) -> Response[Booking]:
    """Book a slot by its slot_id (from GET /availability). Honours the Idempotency-Key header."""
    key = idempotency_key(app.current_event.raw_event)
    booking = services().book(request.slot_id, caller(), request.duration_minutes, idempotency_key=key)
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=booking.model_dump(mode="json"),
    )


@app.get("/bookings")
def my_bookings() -> BookingList:
    """The caller's upcoming bookings."""
    return services().bookings(caller())


@app.get("/bookings/<booking_id>")
def get_booking(booking_id: str) -> Booking:
    """One of the caller's bookings; anyone else's is 404, exactly like a missing one."""
    return services().booking(caller(), booking_id)


@app.delete("/bookings/<booking_id>")
def cancel_booking(booking_id: str) -> Booking:
    """Cancel one of the caller's bookings that has not started; the slot is free again at once."""
    return services().cancel(caller(), booking_id)


@app.exception_handler(RequestValidationError)
def invalid_request(exc: RequestValidationError) -> Response:
    return _error(HTTPStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST, describe_validation_errors(exc.errors()))


@app.exception_handler(UnicodeDecodeError)
def undecodable_body(exc: UnicodeDecodeError) -> Response:
    return _error(HTTPStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST, "invalid request: the body is not UTF-8 text")


@app.exception_handler(binascii.Error)
def bad_base64_body(exc: binascii.Error) -> Response:
    return _error(HTTPStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST, "invalid request: the body could not be decoded")


@app.exception_handler(ServiceUnavailable)
def unavailable(exc: ServiceUnavailable) -> Response:
    logger.warning("dependency unavailable", extra={"reason": exc.message})
    return _error(
        HTTPStatus.SERVICE_UNAVAILABLE,
        ErrorCode.SERVICE_UNAVAILABLE,
        f"{exc.message}. Please try again in a moment (with the same Idempotency-Key, if you sent one).",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


@app.exception_handler(ServiceError)
def refused(exc: ServiceError) -> Response:
    status = STATUS_OF.get(exc.code) if isinstance(exc.code, ErrorCode) else None
    if status is None:
        logger.error("a service refused the request", extra={"code": str(exc.code), "reason": exc.message})
        return _error(HTTPStatus.BAD_GATEWAY, "SERVICE_FAILED", f"a service refused the request: {exc.message}")
    headers = {"Retry-After": "1"} if exc.code == ErrorCode.REQUEST_IN_PROGRESS else None
    return _error(status, exc.code, exc.message, headers=headers)


@app.exception_handler(DownstreamFailure)
def downstream_failed(exc: DownstreamFailure) -> Response:
    logger.error(
        "downstream service failed", extra={"service": str(exc.service), "kind": exc.kind, "detail": exc.detail}
    )
    if exc.timed_out:
        return _error(HTTPStatus.GATEWAY_TIMEOUT, "SERVICE_TIMEOUT", f"the {exc.service} service timed out")
    return _error(HTTPStatus.BAD_GATEWAY, "SERVICE_FAILED", f"the {exc.service} service {exc.kind}")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    idempotency.register_context(context)
    try:
        event = as_json_request(event)
    except UnsupportedMediaType as exc:
        body = {"error": {"code": "UNSUPPORTED_MEDIA_TYPE", "message": exc.message}}
        return {
            "statusCode": HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "headers": {"Content-Type": content_types.APPLICATION_JSON},
            "body": json.dumps(body),
            "isBase64Encoded": False,
        }
    return app.resolve(event, context)
