"""Step 8a, moves: "move it to 5pm", "move my 5pm to Thursday", "reschedule my Friday booking to Saturday".

The message is split at the move word's " to " (else its " for "): the part before
describes the booking (`Intent.booking`, None for "it": the one in focus), the part after
says where it goes. Each part is read by the same readers as a whole message, the target
as "at ..." so that "change it to 6" is 6 o'clock. Without " to ", words that name a
booking ("my 5pm", "the booking") describe it, and anything else is the target ("switch
courts"); "push it back an hour" moves the booking's time by the length said.

A correction of a booked slot is a move too ("actually court B", "make it 5pm", "make it
2 hours") when a booking is in focus and no offers are pending. Move wording while a new
booking is being made ("switch to court B" before anything is booked) corrects that
request instead. A move's target is only what was said: never a date from the context.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from courtbooking.models import BookingRef, ConversationContext
from courtbooking.schedule import hhmm, minutes_of

from .action import asks
from .scan import CORRECTION, Reading

Read = Callable[[str], Reading]  # reads a part of the (normalised) message on its own

_MOVE = re.compile(
    r"\b(?:move|moving|reschedule|re\s*schedule|rearrange|postpone|shift)\b"
    r"|\b(?:change|switch|swap)\s+(?=(?:it|that|this|my|our|the|to|over|courts?|times?|days?|dates?)\b)"
    r"|\b(?:push|bring)\b(?=.*\b(?:back|forward|later|earlier)\b)"
)
_SPLIT_TO = re.compile(r"\bto\b")
_SPLIT_FOR = re.compile(r"\bfor\b")
_NAMES_BOOKING = re.compile(
    r"^\s*(?:my|our)\b|\b(?:booking|reservation|game|session)\b|^\s*the\s+(?:\d{1,2}(?:st|nd|rd|th)|last)\s+one\b"
)
_SHIFT = re.compile(r"\b(?P<way>back|forward|later|earlier)\b")


def read_move(normal: str, whole: Reading, context: ConversationContext, read: Read) -> Reading | None:
    """The move `normal` asks for (`whole` is the whole message read on its own), or None."""
    match = _MOVE.search(normal)
    if match is not None:
        rest = normal[match.end() :]
        if not (_making_a_booking(context) and not _NAMES_BOOKING.search(rest)):
            return _split(rest, whole, context, read)
    if _corrects_booking(normal, whole, context):
        return as_move(whole, None)
    return None


def _split(rest: str, whole: Reading, context: ConversationContext, read: Read) -> Reading:
    split = _SPLIT_TO.search(rest) or _SPLIT_FOR.search(rest)
    if split is not None:
        return as_move(read("at " + rest[split.end() :]), booking_ref(read(rest[: split.start()])))
    way = _SHIFT.search(rest)
    if way is not None and whole.duration:
        return _shift(read(rest), way.group("way"), whole.duration, context)
    if _NAMES_BOOKING.search(rest):
        return as_move(Reading(), booking_ref(read(rest)))
    return as_move(read(rest), None)


def _shift(booking: Reading, way: str, minutes: int, context: ConversationContext) -> Reading:
    """'push it back an hour', 'move my 5pm forward 30 minutes': the booking's time, moved by the length."""
    base = booking.time
    if base is None and context.booking is not None:
        base = minutes_of(context.booking.time)
    moved = base + (-minutes if way in ("forward", "earlier") else minutes) if base is not None else None
    return as_move(Reading(time=moved if moved is not None and 0 <= moved < 24 * 60 else None), booking_ref(booking))


def as_move(target: Reading, booking: BookingRef | None) -> Reading:
    """A move of `booking` (None: the one in focus) to what `target` says, and only that."""
    return Reading(
        action="move",
        date=target.date,
        time=target.time,
        window=target.window,
        court=target.court,
        duration=target.duration,
        booking=booking,
        impossible_date=target.impossible_date,
        impossible_time=target.impossible_time,
        unknown_court=target.unknown_court,
    )


def booking_ref(part: Reading) -> BookingRef | None:
    """Which booking a part of the message describes ("my 5pm": time 17:00; "the second one": place 1)."""
    if part.date is None and part.time is None and part.court is None and part.place is None:
        return None
    time = hhmm(part.time) if part.time is not None else None
    return BookingRef(date=part.date, time=time, court=part.court, place=part.place)


def names_move(normal: str) -> bool:
    """Move wording ("move", "reschedule", "change it to"): a booking may be named by its place."""
    return _MOVE.search(normal) is not None


def _making_a_booking(context: ConversationContext) -> bool:
    return context.booking is None and context.action in ("book", "check")


def _corrects_booking(normal: str, whole: Reading, context: ConversationContext) -> bool:
    """'actually court B', 'make it 5pm' about the booking in focus, with no offers to choose from."""
    if context.booking is None or context.offers or asks(normal) is not None:
        return False
    gives = whole.date or whole.time is not None or whole.window or whole.court or whole.duration
    return bool(gives) and CORRECTION.search(normal) is not None
