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
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from pydantic import BaseModel

from courtbooking import config, idempotency
from courtbooking.aws import lambda_client
from courtbooking.envelope import describe_validation
from courtbooking.errors import ServiceError, ServiceUnavailable
from courtbooking.models import (
    HHMM_PATTERN,
    Availability,
    Booking,
    BookingList,
    BookSlotRequest,
    ChatRequest,
    ChatResponse,
    ErrorCode,
    ErrorResponse,
)
from orchestration.http_body import BodyRefused, as_json_request
from orchestration.identity import caller_id, idempotency_key
from orchestration.invocation import DownstreamFailure, Invoker, LambdaInvoker, Service
from orchestration.workflow import ChatWorkflow, Services

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
    ErrorCode.ALREADY_BOOKED: HTTPStatus.CONFLICT,
    ErrorCode.TOO_LATE: HTTPStatus.CONFLICT,
    ErrorCode.REQUEST_IN_PROGRESS: HTTPStatus.CONFLICT,
    ErrorCode.SLOT_INVALID: HTTPStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.IDEMPOTENCY_CONFLICT: HTTPStatus.UNPROCESSABLE_ENTITY,
}

_invoker: Invoker | None = None


# --- what each route can answer, as the OpenAPI description publishes it ------------
# Every error the orchestrator writes is an ErrorResponse; API Gateway's own answers
# (its JWT authorizer, stage throttling, payload limit, integration timeout) are {"message"}.


class GatewayMessage(BaseModel):
    """An answer written by API Gateway itself, not by this function."""

    message: str


def _answer(description: str, model: Any = ErrorResponse, retry_after: bool = False) -> OpenAPIResponse:
    response: OpenAPIResponse = {
        "description": description,
        "content": {content_types.APPLICATION_JSON: {"model": model}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
        }
    return response


def _responses(success: dict[int, str], *errors: dict[int, OpenAPIResponse]) -> dict[int, OpenAPIResponse]:
    """The route's success answer (its body from the return annotation) and its error answers."""
    declared: dict[int, OpenAPIResponse] = {status: {"description": text} for status, text in success.items()}
    for group in errors:
        declared.update(group)
    return declared


BAD_REQUEST = "INVALID_REQUEST: malformed JSON, a field missing or out of range, or a body that is not UTF-8"
BAD_HEADERS = "; an X-User-Id (sign-in off) or Idempotency-Key header that is not allowed"
NO_422 = _answer(
    "Not answered by this route. (Request validation lists 422 on every route; this API answers bad input with 400.)"
)
ANY_ROUTE = {
    415: _answer("UNSUPPORTED_MEDIA_TYPE: a body sent with a media type other than JSON."),
    429: _answer("Too Many Requests: API Gateway's stage throttling.", GatewayMessage),
}
SIGNED_IN = {
    401: _answer(
        "With sign-in on (AuthMode=jwt), no valid bearer token: API Gateway's authorizer answers "
        '{"message": "Unauthorized"}; a request that reaches the function without claims gets UNAUTHORIZED.',
        ErrorResponse | GatewayMessage,
    )
}
LARGE_BODY = {413: _answer("Request Entity Too Large: API Gateway's payload limit.", GatewayMessage)}
CALLS_SERVICES = {
    502: _answer("SERVICE_FAILED: a service crashed, answered outside its contract or refused unexpectedly (named)."),
    503: _answer(
        "SERVICE_UNAVAILABLE: DynamoDB throttled or unreachable after bounded retries; retry after Retry-After "
        "seconds (with the same Idempotency-Key, if one was sent). API Gateway answers "
        '{"message": "Service Unavailable"} if the integration ever took longer than 30 seconds.',
        ErrorResponse | GatewayMessage,
        retry_after=True,
    ),
    504: _answer("SERVICE_TIMEOUT: a service timed out (named)."),
}
NOT_FOUND = _answer("NOT_FOUND: no such booking of yours (someone else's is answered the same).")


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


@app.get(
    "/health",
    security=[{}],
    responses=_responses(
        {200: 'The API is up and can read the bookings: {"status": "ok", "dynamodb": "ok"}.'},
        {422: NO_422},
        ANY_ROUTE,
        CALLS_SERVICES,
    ),
)
def health() -> dict[str, str]:
    """Up, and able to read DynamoDB: one read of today's bookings through the availability service."""
    services().availability({"date": None})
    return {"status": "ok", "dynamodb": "ok"}


@app.post(
    "/chat",
    responses=_responses(
        {200: "What was understood and done: status booked, alternatives, available, unavailable, ..."},
        {
            400: _answer(
                f"{BAD_REQUEST} (the message missing, empty or over 500 characters){BAD_HEADERS}; a court that "
                "does not exist."
            ),
            404: _answer("NOT_FOUND: the booking to cancel was cancelled a moment ago by another request."),
            409: _answer(
                "LIMIT_REACHED: the most upcoming bookings allowed are held; TOO_LATE: the booking to cancel has "
                "started; REQUEST_IN_PROGRESS: the same Idempotency-Key is still being answered (Retry-After).",
                retry_after=True,
            ),
            422: _answer("IDEMPOTENCY_CONFLICT: the Idempotency-Key was used for another message."),
        },
        ANY_ROUTE,
        SIGNED_IN,
        LARGE_BODY,
        CALLS_SERVICES,
    ),
)
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


@app.get(
    "/availability",
    responses=_responses(
        {200: "The free slots that match, and the nearest alternatives when none match the asked time."},
        {400: _answer(f"{BAD_REQUEST}; a court that does not exist."), 422: NO_422},
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
    return services().availability(query)


@app.post(
    "/bookings",
    responses=_responses(
        {201: "Booked.", 200: "The caller already held this very slot: that booking (already_held), nothing new."},
        {
            400: _answer(f"{BAD_REQUEST}{BAD_HEADERS}."),
            409: _answer(
                "SLOT_TAKEN: someone holds the slot; LIMIT_REACHED: the most upcoming bookings allowed are held; "
                "ALREADY_BOOKED: the caller holds another court at an overlapping time; "
                "REQUEST_IN_PROGRESS: the same Idempotency-Key is still being answered (Retry-After).",
                retry_after=True,
            ),
            422: _answer(
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
    key = idempotency_key(app.current_event.raw_event)
    booking = services().book(request.slot_id, caller(), request.duration_minutes, idempotency_key=key)
    return Response(
        status_code=HTTPStatus.OK if booking.already_held else HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=booking.model_dump(mode="json"),
    )


@app.get(
    "/bookings",
    responses=_responses(
        {200: "The caller's upcoming bookings."},
        {400: _answer(f"INVALID_REQUEST{BAD_HEADERS}."), 422: NO_422},
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def my_bookings() -> BookingList:
    """The caller's upcoming bookings."""
    return services().bookings(caller())


@app.get(
    "/bookings/<booking_id>",
    responses=_responses(
        {200: "The booking."},
        {400: _answer(f"INVALID_REQUEST: a booking id that is not 1 to 64 letters, digits or -{BAD_HEADERS}.")},
        {404: NOT_FOUND, 422: NO_422},
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def get_booking(booking_id: str) -> Booking:
    """One of the caller's bookings; anyone else's is 404, exactly like a missing one."""
    return services().booking(caller(), booking_id)


@app.delete(
    "/bookings/<booking_id>",
    responses=_responses(
        {200: "Cancelled: the booking with status cancelled; the slot is free again."},
        {400: _answer(f"INVALID_REQUEST: a booking id that is not 1 to 64 letters, digits or -{BAD_HEADERS}.")},
        {404: NOT_FOUND, 409: _answer("TOO_LATE: the booking has started or is over."), 422: NO_422},
        ANY_ROUTE,
        SIGNED_IN,
        CALLS_SERVICES,
    ),
)
def cancel_booking(booking_id: str) -> Booking:
    """Cancel one of the caller's bookings that has not started; the slot is free again at once."""
    return services().cancel(caller(), booking_id)


@app.exception_handler(RequestValidationError)
def invalid_request(exc: RequestValidationError) -> Response:
    return _error(HTTPStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST, describe_validation(exc.errors(), root="body"))


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
    except BodyRefused as exc:
        body = {"error": {"code": exc.code, "message": exc.message}}
        return {
            "statusCode": exc.status,
            "headers": {"Content-Type": content_types.APPLICATION_JSON},
            "body": json.dumps(body),
            "isBase64Encoded": False,
        }
    return app.resolve(event, context)
