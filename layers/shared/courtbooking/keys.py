"""The keys of the bookings table's items, and the pause between attempts of a conditional write.

Shared by BookingService and the closures built on it (docs/club.md lists every item).
"""

from __future__ import annotations

import datetime as dt
import random
from time import sleep
from typing import Any

MAX_WRITE_ATTEMPTS = 8


def day_key(date: dt.date) -> str:
    return f"DAY#{date.isoformat()}"


def slot_key(time: str, court: str) -> str:
    return f"SLOT#{time}#{court}"


def user_key(user_id: str) -> dict[str, Any]:
    """The item holding a user's upcoming bookings (the per-user limit, "my bookings")."""
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "ACTIVE"}}


def booking_key(booking_id: str) -> dict[str, Any]:
    """The item of one booking, read by id with a strongly consistent GetItem."""
    return {"pk": {"S": f"BOOKING#{booking_id}"}, "sk": {"S": "BOOKING"}}


def backoff() -> None:
    """A short random pause before reading again: racing writers do not collide in step."""
    sleep(random.uniform(0.005, 0.05))  # noqa: S311 - jitter, not cryptography
