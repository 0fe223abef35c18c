"""A person's bookings looking back, a page at a time: played (newest first) or cancelled.

Only booking items carry the keys of the `History` index (docs/club.md): history_pk =
`USER#<user>`, history_sk = `<start UTC ISO>#<booking id>`. A page is one or more Queries
of the caller's own history_pk, newest first; the cursor is the last item's history_sk in
base64url, and the key to start after is rebuilt from it and the caller's own id, so a
cursor can never reach another person's bookings. The index is eventually consistent, so
history may lag a moment; "my bookings" (upcoming) stays one strongly consistent GetItem.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from . import words
from .errors import InvalidRequest

INDEX = "History"
# history_sk: a start instant as BookingService writes it (UTC, whole seconds), then the booking's id.
_HISTORY_SK = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00)#([A-Za-z0-9\-]{1,64})")
# Greater than "#" (what follows the instant in every history_sk): "<instant>$" sorts after every start at it.
_AFTER = "$"


def history_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def history_keys(user_id: str, starts_at: str, booking_id: str) -> dict[str, Any]:
    """The index keys of a booking item (`starts_at`: its start, UTC ISO, as BookingService writes it)."""
    return {"history_pk": {"S": history_pk(user_id)}, "history_sk": {"S": f"{starts_at}#{booking_id}"}}


def instant_key(instant: dt.datetime) -> str:
    """An instant written as the starts in history_sk are, so the two compare as strings."""
    return instant.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def encode_cursor(history_sk: str) -> str:
    return base64.urlsafe_b64encode(history_sk.encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    """(history_sk, booking id) of a cursor this service gave, or InvalidRequest: only its own exact form."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidRequest(words.cursor_not_ours()) from None
    found = _HISTORY_SK.fullmatch(text)
    if found is None or encode_cursor(text) != cursor:
        raise InvalidRequest(words.cursor_not_ours())
    try:
        dt.datetime.fromisoformat(found[1])
    except ValueError:
        raise InvalidRequest(words.cursor_not_ours()) from None
    return text, found[2]


def bounds(
    when: str, since: dt.date | None, until: dt.date | None, now: dt.datetime, zone: ZoneInfo
) -> tuple[str | None, str | None]:
    """(low, high) of history_sk for `when` (None: unbounded): the days, in the facility's zone, as UTC
    instants; a past booking is one started by now."""
    low = instant_key(_midnight(since, zone)) if since else None
    high = instant_key(_midnight(until + dt.timedelta(days=1), zone)) if until else None
    if when == "past":
        started = instant_key(now) + _AFTER
        high = started if high is None else min(high, started)
    return low, high


def read(
    call: Callable[..., Any],
    table: str,
    user_id: str,
    when: str,
    span: tuple[str | None, str | None],
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` booking items of the user's history within `span`, newest first, and the cursor of
    the next page (None: there is none). Queries page on until `limit` items are found (the status filter
    makes pages sparse) or the user's history is exhausted; one item more is read to know whether there
    is a next page."""
    low, high = span
    start_after = None
    if cursor is not None:
        sk, booking_id = decode_cursor(cursor)
        if high is None or sk < high:
            high = sk  # only what is older than the cursor (the start key below skips the cursor's own item)
            # Rebuilt from the caller's own id: a cursor of someone else's only sets a place in one's own.
            start_after = {
                "history_pk": {"S": history_pk(user_id)},
                "history_sk": {"S": sk},
                "pk": {"S": f"BOOKING#{booking_id}"},
                "sk": {"S": "BOOKING"},
            }
    if low is not None and high is not None and low >= high:
        return [], None  # an empty span (days still to come, or nothing older than the cursor in it)
    values: dict[str, Any] = {":pk": {"S": history_pk(user_id)}, ":c": {"S": "cancelled"}}
    condition = "history_pk = :pk"
    if low is not None and high is not None:
        condition += " AND history_sk BETWEEN :low AND :high"  # every history_sk differs from both: strict
    elif high is not None:
        condition += " AND history_sk <= :high"
    elif low is not None:
        condition += " AND history_sk >= :low"
    values.update({k: {"S": v} for k, v in ((":low", low), (":high", high)) if v is not None})
    kwargs: dict[str, Any] = {
        "TableName": table,
        "IndexName": INDEX,
        "KeyConditionExpression": condition,
        "FilterExpression": "#st = :c" if when == "cancelled" else "attribute_not_exists(#st) OR #st <> :c",
        "ExpressionAttributeNames": {"#st": "status"},
        "ExpressionAttributeValues": values,
        "ScanIndexForward": False,
        "Limit": limit + 1,
    }
    if start_after:
        kwargs["ExclusiveStartKey"] = start_after
    found: list[dict[str, Any]] = []
    while len(found) <= limit:
        page = call("query", **kwargs)
        found += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    if len(found) <= limit:
        return found, None
    return found[:limit], encode_cursor(found[limit - 1]["history_sk"]["S"])


def _midnight(date: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(), tzinfo=zone)
