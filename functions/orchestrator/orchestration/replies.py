"""Every sentence the chat says to a person, in one voice.

The workflow decides; the words are made here. What the services say about
slots and bookings (a booking's summary, a refusal's reason) comes from
`courtbooking.words` and is quoted, so both speak alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from courtbooking import words
from courtbooking.models import Availability, Booking, Intent, Slot

HINT = 'Try something like "Book a court tomorrow at 3pm" or "What is free on Saturday afternoon?"'
NOT_UNDERSTOOD = f"Sorry, I did not understand. {HINT}"
WHICH_DAY_AND_TIME = f"Which day and time would you like? {HINT}"
NO_UPCOMING = "You have no upcoming bookings."
NO_MATCH = "You have no upcoming booking that matches."


def booked(booking: Booking) -> str:
    return f"{booking.message} Your booking id is {booking.booking_id}."


def held(booking: Booking) -> str:
    summary = booking.message.removeprefix("You already have ")
    return f"You already have {summary} Booking id {booking.booking_id}; nothing new was booked."


def nothing_at(intent: Intent, availability: Availability, alternatives: Sequence[Slot]) -> str:
    asked = intent.time or (f"{intent.window.start}-{intent.window.end}" if intent.window else "then")
    return (
        f"Nothing is free at {asked} on {words.day(availability.date)}. Nearest free: {words.summarise(alternatives)}."
    )


def _listed(bookings: Sequence[Booking]) -> str:
    return "; ".join(f"{b.court} on {words.day(b.date)} at {b.time}" for b in bookings)


def which_booking(mine: Sequence[Booking]) -> str:
    if not mine:
        return NO_UPCOMING
    return f"Which booking? Say its day and time. Yours: {_listed(mine)}. Nothing was cancelled."


def several_match(matches: Sequence[Booking]) -> str:
    return f"Several bookings match: {_listed(matches)}. Which one? Say its day and time. Nothing was cancelled."
