"""Which request bodies the API reads, and how a body that cannot be read is refused.

Every body the API accepts is JSON. `curl -d '{...}'` labels its body
`application/x-www-form-urlencoded` unless told otherwise, so that label (and a
missing one) is read as JSON too; any other media type is refused with 415
rather than guessed at. A body that cannot be read at all (not base64 when it
says so, not UTF-8, JSON nested too deeply or with an integer too long to read) is a 400 that
says why, before any route sees it: the request is the caller's mistake, never
a 500.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import sys
from typing import Any

from courtbooking.models import ErrorCode

JSON = "application/json"
READ_AS_JSON = ("", JSON, "application/x-www-form-urlencoded", "text/plain")


def request_headers(event: dict[str, Any]) -> dict[str, str]:
    """An API Gateway event's headers with lower-case names (HTTP header names ignore case)."""
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


class BodyRefused(Exception):
    """A body the API will not read: a stable `code` (INVALID_REQUEST or UNSUPPORTED_MEDIA_TYPE), and why."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def as_json_request(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its body labelled JSON, or BodyRefused for a body of another kind or one that cannot be read."""
    headers = request_headers(event)
    content_type = headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if event.get("body"):
        if media_type != JSON and media_type not in READ_AS_JSON and not media_type.endswith("+json"):
            raise BodyRefused(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE, f"send the body as JSON (Content-Type: {JSON}), not {media_type}"
            )
        text = _text(event)
        check_json(text)
        if text.lstrip(" \t\n\r").startswith("["):  # the router would quietly read an array as its first item
            raise _invalid("body: Input should be a valid dictionary or object to extract fields from, not an array")
    # The router reads a body as JSON only when the header starts with exactly "application/json"
    # (media types ignore case; "APPLICATION/JSON" is JSON too); with any other label, even on an
    # empty body, it answers its own 415 or fails (multipart without a boundary). So relabel.
    if content_type.strip().startswith(JSON):
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


# No request nests deeper than 2; this bound sits far below any parser's recursion limit, so a
# body that passes here can never make the router's own parse (deeper in the stack) recurse out.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def check_json(text: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH (a RecursionError would otherwise become a 500).

    Counted on the text, not by parsing: a parse succeeds or fails by how deep the stack
    already is, so a body just short of the limit here could still overflow in the router,
    which parses deeper down. Brackets inside strings do not count; malformed JSON is left
    to the router, which names the problem. Also refuses an integer too long to convert.
    """
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH:
        brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
        if max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_JSON_DEPTH:
            raise _invalid(f"the JSON body is nested too deeply to read (more than {MAX_JSON_DEPTH} levels)")
    # An integer longer than Python's int_max_str_digits makes json.loads raise a plain ValueError,
    # which the router does not catch (it catches JSONDecodeError only): refuse it here.
    digits = sys.get_int_max_str_digits()
    if digits and len(text) > digits:
        try:
            json.loads(text)
        except json.JSONDecodeError:
            return
        except ValueError:
            raise _invalid(f"a number in the JSON body has more than {digits} digits") from None


def _invalid(why: str) -> BodyRefused:
    return BodyRefused(ErrorCode.INVALID_REQUEST, f"invalid request: {why}")
