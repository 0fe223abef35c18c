"""The weekly limit (MAX_BOOKINGS_PER_WEEK): a person's bookings per week, one counter item a week.

    pk = "USER#<user>"   sk = "WEEK#<YYYY-Www>"   `count`, ADDed +1 / -1 inside each booking's own transaction

A week is the ISO week (Monday to Sunday) of the booking's date, a date in the club's zone. An increase
is conditional on the count being below the limit, so the limit holds however many requests race; with
no limit it is counted all the same, so a limit set later counts what is held. A booking's item names
the week it is counted in (`week`): one written before counters existed is taken off no count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from . import words
from .errors import LimitReached


def week_of(date: dt.date) -> str:
    """The ISO week of a (local) date, as its counter's key names it: 2026-W49."""
    year, week, _weekday = date.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(week: str) -> dt.date:
    return dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def week_key(user_id: str, week: str) -> dict[str, Any]:
    """The item counting a user's bookings of one ISO week."""
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": f"WEEK#{week}"}}


def week_change(
    table: str, user_id: str, week: str, change: int, most: int | None, zone: ZoneInfo, retention_days: int
) -> dict[str, Any]:
    """A transaction's Update ADDing `change` to the count (an increase on condition that the count plus it is at
    most `most`, when there is a limit), expiring `retention_days` after the week's end."""
    week_end = dt.datetime.combine(monday_of(week) + dt.timedelta(days=7), dt.time(), tzinfo=zone)
    expires = int((week_end + dt.timedelta(days=retention_days)).timestamp())
    update: dict[str, Any] = {
        "TableName": table,
        "Key": week_key(user_id, week),
        "UpdateExpression": "SET expires_at = :exp ADD #n :change",
        "ExpressionAttributeNames": {"#n": "count"},
        "ExpressionAttributeValues": {":change": {"N": str(change)}, ":exp": {"N": str(expires)}},
    }
    if change > 0 and most is not None:
        # More than the limit at once (an all-or-none series) fails even on a week with no count yet.
        absent = "attribute_exists(#n) AND" if change > most else "attribute_not_exists(#n) OR"
        update["ConditionExpression"] = f"{absent} #n < :most"
        update["ExpressionAttributeValues"][":most"] = {"N": str(most - change + 1)}  # count + change <= most
        update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"  # the count, for the refusal's words
    return {"Update": update}


def full_week(week: str, most: int, reason: dict[str, Any]) -> LimitReached:
    """The refusal when an increase of the week's count failed its condition (`reason`: its CancellationReason,
    with the counter as it was)."""
    held = int(reason.get("Item", {}).get("count", {}).get("N", most))
    return LimitReached(most, words.weekly_limit_reached(most, held, monday_of(week)))
