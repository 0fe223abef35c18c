"""Which request bodies the API reads, and how a body that cannot be read is refused.

Every body the API accepts is JSON. `curl -d '{...}'` labels its body
`application/x-www-form-urlencoded` unless told otherwise, so that label (and a
missing one) is read as JSON too; any other media type is refused with 415
rather than guessed at. A body that cannot be read at all (not base64 when it
says so, not UTF-8, JSON nested too deeply for the parser) is a 400 that
says why, before any route sees it: the request is the caller's mistake, never
a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from http import HTTPStatus
from typing import Any

JSON = "application/json"
READ_AS_JSON = ("", JSON, "application/x-www-form-urlencoded", "text/plain")


def request_headers(event: dict[str, Any]) -> dict[str, str]:
    """An API Gateway event's headers with lower-case names (HTTP header names ignore case)."""
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


class BodyRefused(Exception):
    """A body the API will not read: `status` (400 or 415), a stable `code`, and why."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def as_json_request(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its body labelled JSON, or BodyRefused for a body of another kind or one that cannot be read."""
    headers = request_headers(event)
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if not event.get("body"):
        return event
    if media_type != JSON and media_type not in READ_AS_JSON and not media_type.endswith("+json"):
        raise BodyRefused(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            f"send the body as JSON (Content-Type: {JSON}), not {media_type}",
        )
    check_depth(_text(event))
    if media_type == JSON:
        return event
    return {**event, "headers": {**headers, "content-type": JSON}}


def _text(event: dict[str, Any]) -> str:
    body = event["body"]
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else str(body).encode()
    except (binascii.Error, ValueError):
        raise _invalid("the body is marked base64 but could not be decoded") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("the body is not UTF-8 text") from None


def check_depth(text: str) -> None:
    """Refuse JSON nested too deeply for the parser (a RecursionError would otherwise become a 500).

    Parsing here costs what the router's own parse costs; malformed JSON is left to the
    router, which names the problem.
    """
    try:
        json.loads(text)
    except RecursionError:
        raise _invalid("the JSON body is nested too deeply to read") from None
    except ValueError:
        return


def _invalid(why: str) -> BodyRefused:
    return BodyRefused(HTTPStatus.BAD_REQUEST, "INVALID_REQUEST", f"invalid request: {why}")
