"""What the routes can answer, as the OpenAPI description (GET /swagger) publishes it.

Each route declares its own answers beside it (orchestration/routes/); the groups
every route shares are here. Every error the orchestrator writes is an
`ErrorResponse`; API Gateway's own answers (its JWT authorizer, stage
throttling, payload limit, integration timeout) are `{"message"}`.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from courtbooking.contracts import ErrorResponse


class GatewayMessage(BaseModel):
    """An answer written by API Gateway itself, not by this function."""

    message: str


def answer(description: str, model: Any = ErrorResponse, retry_after: bool = False) -> OpenAPIResponse:
    response: OpenAPIResponse = {
        "description": description,
        "content": {content_types.APPLICATION_JSON: {"model": model}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
        }
    return response


def file(description: str, media_type: str, headers: dict[str, str]) -> OpenAPIResponse:
    """A success answer that is a file of another media type than JSON, with the headers it always carries."""
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string"}}},
        "headers": {
            name: {"description": text, "required": True, "schema": {"type": "string"}}
            for name, text in headers.items()
        },
    }


def responses(success: dict[int, str], *errors: dict[int, OpenAPIResponse]) -> dict[int, OpenAPIResponse]:
    """The route's success answer (its body from the return annotation) and its error answers."""
    declared: dict[int, OpenAPIResponse] = {status: {"description": text} for status, text in success.items()}
    for group in errors:
        declared.update(group)
    return declared


BAD_REQUEST = "INVALID_REQUEST: malformed JSON, a field missing or out of range, or a body that is not UTF-8"
BAD_HEADERS = "; an X-User-Id (sign-in off) or Idempotency-Key header that is not allowed"
BAD_BOOKING_ID = f"INVALID_REQUEST: a booking id that is not 1 to 64 letters, digits or -{BAD_HEADERS}."
NO_422 = {
    422: answer(
        "Not answered by this route. (Request validation lists 422 on every route; "
        "this API answers bad input with 400.)"
    )
}
ANY_ROUTE = {
    415: answer("UNSUPPORTED_MEDIA_TYPE: a body sent with a media type other than JSON."),
    429: answer("Too Many Requests: API Gateway's stage throttling.", GatewayMessage),
}
SIGNED_IN = {
    401: answer(
        "With sign-in on (AuthMode=jwt), no valid bearer token: API Gateway's authorizer answers "
        '{"message": "Unauthorized"}; a request that reaches the function without claims gets UNAUTHORIZED.',
        ErrorResponse | GatewayMessage,
    )
}
LARGE_BODY = {413: answer("Request Entity Too Large: API Gateway's payload limit.", GatewayMessage)}
CALLS_SERVICES = {
    502: answer("SERVICE_FAILED: a service crashed, answered outside its contract or refused unexpectedly (named)."),
    503: answer(
        "SERVICE_UNAVAILABLE: DynamoDB throttled or unreachable after bounded retries; retry after Retry-After "
        "seconds (with the same Idempotency-Key, if one was sent). API Gateway answers "
        '{"message": "Service Unavailable"} if the integration ever took longer than 30 seconds.',
        ErrorResponse | GatewayMessage,
        retry_after=True,
    ),
    504: answer("SERVICE_TIMEOUT: a service timed out (named)."),
}
NOT_FOUND = {404: answer("NOT_FOUND: no such booking of yours (someone else's is answered the same).")}
ADMINS_ONLY = {
    403: answer(
        "FORBIDDEN: only the club's admins: the verified token's groups claim (GroupsClaim) must name AdminGroup. "
        "With sign-in off (AuthMode=none) always: there are no admins without sign-in. Nothing else (a header, "
        "a body field) makes a caller an admin."
    )
}
