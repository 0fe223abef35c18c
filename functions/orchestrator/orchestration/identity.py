"""Who is asking: the rule the orchestrator applies to every API request."""

from __future__ import annotations

import re
from typing import Any

from courtbooking.errors import InvalidRequest, Unauthorized
from courtbooking.models import IDEMPOTENCY_KEY_PATTERN, USER_ID_PATTERN

from .http_body import request_headers

GUEST = "guest"
USER_ID_HEADER = "x-user-id"
_USER_ID = re.compile(USER_ID_PATTERN)


def caller_id(event: dict[str, Any], require_token: bool = False) -> str:
    """The JWT `sub` claim when an authorizer validated a token; else `X-User-Id`; else `guest`.

    API Gateway builds `requestContext`, so a client cannot forge the authorizer
    block; with an authorizer present any `X-User-Id` header is ignored. With
    `require_token` (AUTH_MODE=jwt) a request without validated claims is refused,
    so a route deployed without the authorizer fails closed, never open.
    """
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or {}
    if "sub" in claims:
        subject = claims["sub"]
        if not isinstance(subject, str) or not _USER_ID.fullmatch(subject):
            raise Unauthorized("the token's subject is not a user id this service accepts")
        return subject
    if require_token:
        raise Unauthorized("sign in first: send a valid bearer token in the Authorization header")
    header = request_headers(event).get(USER_ID_HEADER)
    if header is None or header == "":
        return GUEST
    if not _USER_ID.fullmatch(header):
        raise InvalidRequest(
            "X-User-Id must be exactly 1 to 128 characters of letters, digits and . _ @ : + - | "
            "(no spaces or other characters, which are refused rather than trimmed)"
        )
    return header


IDEMPOTENCY_HEADER = "idempotency-key"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def idempotency_key(event: dict[str, Any]) -> str | None:
    """The Idempotency-Key header (1 to 128 printable ASCII characters), or None."""
    value = request_headers(event).get(IDEMPOTENCY_HEADER)
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        raise InvalidRequest("Idempotency-Key must be 1 to 128 printable ASCII characters without spaces")
    return value
