"""The keys of the bookings table's items, and the pause between attempts of a conditional write.

Shared by BookingService and the closures built on it (docs/club.md lists every item).
"""

from __future__ import annotations

import datetime as dt
import random
from time import sleep
from typing import Any

try:  # Lambda's managed Python runtime ships it, for SnapStart; the local run and the tests do not
    from snapshot_restore_py import register_after_restore
except ImportError:
    pass
else:
    # A SnapStart snapshot holds `random`'s state: every environment restored from it would draw the
    # same jitter (ours, botocore's, openai's) and back off in step. Reseed from os.urandom on restore.
    register_after_restore(random.seed)

MAX_WRITE_ATTEMPTS = 8


def day_key(date: dt.date) -> str:
    return f"DAY#{date.isoformat()}"


def slot_key(time: str, court: str) -> str:
    return f"SLOT#{time}#{court}"


def slot_item_key(date: dt.date, time: str, court: str) -> dict[str, Any]:
    """The key of the slot item of `court` at `time` that day (present: that slot is booked)."""
    return {"pk": {"S": day_key(date)}, "sk": {"S": slot_key(time, court)}}


def user_key(user_id: str) -> dict[str, Any]:
    """The item holding a user's upcoming bookings (the per-user limit, "my bookings")."""
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "ACTIVE"}}


def booking_key(booking_id: str) -> dict[str, Any]:
    """The item of one booking, read by id with a strongly consistent GetItem."""
    return {"pk": {"S": f"BOOKING#{booking_id}"}, "sk": {"S": "BOOKING"}}


def backoff() -> None:
    """A short random pause before reading again: racing writers do not collide in step."""
    sleep(random.uniform(0.005, 0.05))  # noqa: S311 - jitter, not cryptography
