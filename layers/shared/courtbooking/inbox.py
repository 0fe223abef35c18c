"""Holders' inboxes: what happened to a person's booking without them, told in their next chat answer.

    conversations table   id = "INBOX#<user>"   notices (a list of Notice JSON strings), user_id, version

A cancel by an admin or by a closure appends its Notice in the cancel's own transaction (DynamoDB
transactions span tables), and so does a waitlist's claim, in the transaction of the release it
claims; the orchestrator reads the inbox with the conversation and empties it,
conditional on the version it read. The booking function may write only INBOX#* keys there (IAM).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import words
from .contracts import Notice
from .models import Booking


def notice_update(
    table: str, cancelled: Booking, by: str, reason: str | None, now: dt.datetime, expires: int
) -> dict[str, Any]:
    """A transaction's Update appending to the holder's inbox the notice that their booking was cancelled."""
    notice = Notice(
        kind="cancelled_by_admin" if by == "admin" else "cancelled_by_closure",
        booking=cancelled.model_copy(update={"cancelled_by_id": None}),  # the holder's view: never whose id
        message=words.notice_cancelled(cancelled, by, reason),
        at=now.astimezone(dt.UTC),
    )
    return _append(table, cancelled.user_id, notice, expires)


def claim_notice(table: str, booking: Booking, now: dt.datetime, expires: int) -> dict[str, Any]:
    """A transaction's Update appending to a waiting person's inbox that their waitlist became `booking`."""
    notice = Notice(
        kind="waitlist_claimed", booking=booking, message=words.notice_claimed(booking), at=now.astimezone(dt.UTC)
    )
    return _append(table, booking.user_id, notice, expires)


def _append(table: str, user_id: str, notice: Notice, expires: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table,
            "Key": {"id": {"S": f"INBOX#{user_id}"}},
            "UpdateExpression": "SET notices = list_append(if_not_exists(notices, :empty), :n), "
            "user_id = :u, expires_at = :exp ADD version :one",
            "ExpressionAttributeValues": {
                ":empty": {"L": []},
                ":n": {"L": [{"S": notice.model_dump_json()}]},
                ":u": {"S": user_id},
                ":exp": {"N": str(expires)},
                ":one": {"N": "1"},
            },
        }
    }
