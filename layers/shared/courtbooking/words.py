"""Every sentence the availability and booking services say about slots and bookings, in one voice.

The services decide and return data; the words for it are made here, so the
voice is one and is changed in one place. (The chat's own sentences are the
orchestrator's: orchestration/replies.py.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Facility
    from .models import Booking, Slot


def day(date: dt.date) -> str:
    """Wednesday 2 December"""
    return f"{date:%A} {date.day} {date:%B}"


def day_and_year(date: dt.date) -> str:
    return f"{date:%A} {date.day} {date:%B %Y}"


def length(minutes: int) -> str:
    """90 minutes, 1 hour, 2 hours, 2 hours 30 minutes."""
    hours, rest = divmod(minutes, 60)
    if hours == 0 or (rest and hours < 2):
        return f"{minutes} minutes"
    whole = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{whole} {rest} minutes" if rest else whole


def courts_list(facility: Facility) -> str:
    return ", ".join(facility.courts)


# --- bookings -------------------------------------------------------------------------------


def booking_summary(court: str, date: dt.date, time: str, duration: int) -> str:
    """Court A on Wednesday 2 December at 15:00 for 1 hour."""
    return f"{court} on {day(date)} at {time} for {length(duration)}."


def booked(court: str, date: dt.date, time: str, duration: int) -> str:
    return f"Booked {booking_summary(court, date, time, duration)}"


def moved(court: str, date: dt.date, time: str, duration: int) -> str:
    return f"Moved to {booking_summary(court, date, time, duration)}"


def already_have(summary: str) -> str:
    return f"You already have {summary}"


def cancelled(booking: Booking) -> str:
    return f"Cancelled {booking.court} on {day(booking.date)} at {booking.time}."


def already_cancelled(booking: Booking) -> str:
    return f"That booking was already cancelled: {booking.court} on {day(booking.date)} at {booking.time}."


def upcoming(bookings: Sequence[Booking]) -> str:
    if not bookings:
        return "You have no upcoming bookings."
    lines = "; ".join(f"{b.court} on {day(b.date)} at {b.time}" for b in bookings)
    return f"Your upcoming bookings: {lines}."


# --- what is free -----------------------------------------------------------------------------


def summarise(slots: Iterable[Slot]) -> str:
    """'15:00 (Court A, Court B), 16:00 (Court C)' in time order."""
    by_time: dict[str, list[str]] = {}
    for slot in slots:
        by_time.setdefault(slot.time, []).append(slot.court)
    return ", ".join(f"{t} ({', '.join(courts)})" for t, courts in sorted(by_time.items()))


def describe(date: dt.date, matching: Sequence[Slot], alternatives: Sequence[Slot]) -> str:
    if matching:
        return f"{len(matching)} free slot{'s' if len(matching) != 1 else ''} on {day(date)}: {summarise(matching)}."
    if alternatives:
        return f"Nothing free at the time asked on {day(date)}. Nearest free: {summarise(alternatives)}."
    return f"Nothing is free on {day(date)}."


# --- refusals: each names the rule ---------------------------------------------------------------


def no_such_court(name: str, facility: Facility) -> str:
    return f"there is no court called {name!r}; courts: {courts_list(facility)}"


def no_such_court_in_slot_id(name: str, facility: Facility) -> str:
    return (
        f"there is no court called {name!r} (a slot id names a court exactly as configured); "
        f"courts: {courts_list(facility)}"
    )


def slot_id_form(slot_id: str, form: str) -> str:
    return f"slot_id {slot_id!r} is not of the form {form}, e.g. 2026-12-02T15:00|Court A"


def slot_id_not_real(slot_id: str) -> str:
    return f"slot_id {slot_id!r} does not hold a real date and time"


def duration_not_whole_slots(step: int) -> str:
    return f"duration_minutes must be a multiple of {step}"


def duration_too_long(most: int) -> str:
    return f"a booking may last at most {most} minutes"


def wall_time_skipped(time: str, date: dt.date, facility: Facility) -> str:
    return f"{time} does not exist on {day_and_year(date)} in {facility.timezone}: the clocks go forward"


def in_the_past(date: dt.date) -> str:
    return f"{day_and_year(date)} is in the past."


def beyond_horizon(facility: Facility, last: dt.date) -> str:
    return f"Courts can be booked up to {facility.horizon_days} days ahead (until {day(last)})."


def not_a_start(time: str, duration: int, facility: Facility) -> str:
    return (
        f"{time} for {duration} minutes is not a bookable start: courts open "
        f"{facility.opening:%H:%M}-{facility.closing:%H:%M} in {facility.slot_minutes}-minute slots"
    )


def already_started(date: dt.date, time: str) -> str:
    return f"{date.isoformat()} {time} has already started"


def slot_taken(court: str, date: dt.date, time: str) -> str:
    return f"{court} at {time} on {day(date)} is already booked."


SLOT_JUST_TAKEN = "That slot has just been booked by someone else."


def limit_reached(limit: int) -> str:
    return f"You already have {limit} upcoming bookings, the most allowed; cancel one to book another."


def overlapping(held: str) -> str:
    return f"You already have {held}, at the same time; one person can hold one court at a time."


def not_found(booking_id: str) -> str:
    return f"You have no booking with id {booking_id}."


def was_cancelled(booking_id: str, when: dt.datetime) -> str:
    return f"Booking {booking_id} was cancelled on {day_and_year(when)} at {when:%H:%M}; book a new slot instead."


def too_late(date: dt.date, time: str) -> str:
    return f"The booking on {day(date)} at {time} has started or is over."


# --- faults -------------------------------------------------------------------------------------


def dynamodb_throttled(code: str) -> str:
    return f"DynamoDB is throttling or unavailable ({code}); try again shortly"


def dynamodb_unreachable(kind: str) -> str:
    return f"DynamoDB could not be reached ({kind}); try again shortly"


def may_or_may_not_be_booked(why: str) -> str:
    return f"{why}; the booking may or may not have been made: check your bookings before retrying"


TOO_BUSY_USER = "too many simultaneous requests for this user; try again"
TOO_BUSY_BOOKING = "too many simultaneous requests for this booking; try again"
