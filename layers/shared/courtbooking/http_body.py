"""Which request bodies the API reads as JSON.

Every body the API accepts is JSON. `curl -d '{...}'` labels its body
`application/x-www-form-urlencoded` unless told otherwise, so that label (and a
missing one) is read as JSON too; any other media type is refused with 415
rather than guessed at.
"""

from __future__ import annotations

from typing import Any

JSON = "application/json"
READ_AS_JSON = ("", JSON, "application/x-www-form-urlencoded", "text/plain")


def request_headers(event: dict[str, Any]) -> dict[str, str]:
    """An API Gateway event's headers with lower-case names (HTTP header names ignore case)."""
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


class UnsupportedMediaType(Exception):
    def __init__(self, media_type: str) -> None:
        super().__init__(f"send the body as JSON (Content-Type: {JSON}), not {media_type}")
        self.message = str(self)


def as_json_request(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its body labelled JSON, or UnsupportedMediaType for a body of another kind."""
    headers = request_headers(event)
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == JSON or not event.get("body"):
        return event
    if media_type not in READ_AS_JSON and not media_type.endswith("+json"):
        raise UnsupportedMediaType(media_type)
    return {**event, "headers": {**headers, "content-type": JSON}}
