"""Who is asking, and whether they are one of the club's admins: the rules the orchestrator applies to every
API request."""

from __future__ import annotations

import json
import re
from typing import Any

from courtbooking import config
from courtbooking.errors import Forbidden, InvalidRequest, Unauthorized
from courtbooking.models import IDEMPOTENCY_KEY_PATTERN, USER_ID_PATTERN

from .http_body import request_headers

GUEST = "guest"
USER_ID_HEADER = "x-user-id"
_USER_ID = re.compile(USER_ID_PATTERN)


def _claims(event: dict[str, Any]) -> dict[str, Any]:
    """The claims API Gateway's JWT authorizer verified (it builds `requestContext`; a client cannot)."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or {}
    return claims if isinstance(claims, dict) else {}


def caller_id(event: dict[str, Any], require_token: bool = False) -> str:
    """The JWT `sub` claim when an authorizer validated a token; else `X-User-Id`; else `guest`.

    API Gateway builds `requestContext`, so a client cannot forge the authorizer
    block; with an authorizer present any `X-User-Id` header is ignored. With
    `require_token` (AUTH_MODE=jwt) a request without validated claims is refused,
    so a route deployed without the authorizer fails closed, never open.
    """
    claims = _claims(event)
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


# --- the club's admins ---------------------------------------------------------------------------

NOT_AN_ADMIN = "This is for the club's staff: your account is not in the admins group."
NO_ADMINS_WITHOUT_SIGN_IN = "There are no admins without sign-in (AUTH_MODE=none)."


def groups(claim: Any) -> list[str]:
    """The group names of a verified groups claim, exactly as written.

    API Gateway's HTTP API hands a list claim to the function as one string, "[admins staff]";
    a JSON list string ('["admins", "staff"]') and a real list are read too. A bare string is one name.
    """
    if isinstance(claim, list):
        return [g for g in claim if isinstance(g, str)]
    if not isinstance(claim, str):
        return []
    if not (claim.startswith("[") and claim.endswith("]")):
        return [claim]
    try:
        parsed = json.loads(claim)
    except ValueError:
        parsed = None
    if isinstance(parsed, list) and all(isinstance(g, str) for g in parsed):
        return parsed
    return claim[1:-1].split()  # API Gateway's "[a b]" ("[7 true]" too): group names hold no spaces


def admin_refusal(event: dict[str, Any]) -> str | None:
    """Why the caller is not an admin; None when they are.

    Only the verified token counts: its groups claim (GROUPS_CLAIM) must name ADMIN_GROUP exactly
    (no case folding). No header and no body field can make anyone an admin, and with sign-in off
    (AUTH_MODE=none) nobody is one.
    """
    if config.auth_mode() != "jwt":
        return NO_ADMINS_WITHOUT_SIGN_IN
    if config.admin_group() in groups(_claims(event).get(config.groups_claim())):
        return None
    return NOT_AN_ADMIN


def is_admin(event: dict[str, Any]) -> bool:
    return admin_refusal(event) is None


def admin_id(event: dict[str, Any]) -> str:
    """The admin's user id (the token's `sub`); 401 UNAUTHORIZED without a valid token, 403 FORBIDDEN for
    anyone not in the admin group, and always with sign-in off."""
    if config.auth_mode() != "jwt":
        raise Forbidden(NO_ADMINS_WITHOUT_SIGN_IN)
    user = caller_id(event, require_token=True)
    refusal = admin_refusal(event)
    if refusal is not None:
        raise Forbidden(refusal)
    return user
