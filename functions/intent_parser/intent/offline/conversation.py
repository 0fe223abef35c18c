"""Step 8, the conversation: what a message says on its own, resolved against the context.

In this order:

1. a move (`moves`): "move my 5pm to Thursday", or a correction of the booking in focus;
2. an offer taken (`offers`), by its place or by its time and court on the day in focus:
   the answer is that slot, with the context's `offer_action` (book or move);
3. a reply ("yes", "no thanks") stays a reference: the caller answers it against what it asked;
4. an answer to "Which booking?" ("the 5pm one") names it (`booking`), for the move or cancel
   asked about, never for a new booking;
5. a follow-up inherits from the context what it does not say; a fresh request only the day.

A message that gives something of its own (a date, time, court or length) is a follow-up
when the last answer asked for a time or a day, when its words ask for no action of their
own ("5pm", "Friday", "what about Friday?"), or when it carries on ("and ...", "then",
"instead", "actually"). It inherits the action (unless it asks its own), the date, the time
or window (when it gives neither), the court (unless it named one, even one that does not
exist) and the length. Anything else that books, checks or cancels without a date is about
the day in focus. A move inherits nothing: its target is only what was said.
"""

from __future__ import annotations

from dataclasses import replace

from courtbooking.models import Action, ConversationContext
from courtbooking.schedule import minutes_of

from .action import asks, carries_on
from .moves import Read, as_move, booking_ref, read_move
from .offers import match_offer
from .scan import Reading, Span


def in_conversation(reading: Reading, normal: str, context: ConversationContext, read: Read) -> Reading:
    """`reading` (what `normal` says on its own) in the conversation `context`; `read` reads a part of `normal`."""
    move = read_move(normal, reading, context, read)
    if move is not None:
        return move
    offer = reading.offer
    if offer is None and context.offers and reading.action not in ("cancel", "list"):
        offer = match_offer(reading, context.offers, context.date)
    if offer is not None:
        return _take_offer(reading, offer, context)
    if reading.reply is None and reading.says_anything and context.pending == "booking":
        return _which_booking(reading, asks(normal), context)
    if reading.reply is None and reading.says_anything and _follows_on(normal, context):
        return _inherit(reading, asks(normal), context)
    return _in_focus(reading, context)


def _follows_on(normal: str, context: ConversationContext) -> bool:
    return context.pending in ("time", "day") or carries_on(normal) or asks(normal) is None


def _take_offer(reading: Reading, offer: int, context: ConversationContext) -> Reading:
    """The offered slot taken: its day, time and court; the length asked, for a booking."""
    slot = context.offers[offer]
    duration = reading.duration
    if duration is None and context.offer_action == "book":
        duration = context.duration_minutes
    return Reading(
        action=context.offer_action,
        date=slot.date,
        time=minutes_of(slot.time),
        court=slot.court,
        duration=duration,
        offer=offer,
        reply=reading.reply,
    )


def _inherit(reading: Reading, asked: Action | None, context: ConversationContext) -> Reading:
    action = reading.action if asked is not None else context.action or reading.action
    if action == "move":  # "Friday" after "Which day?" for a move
        return as_move(reading, None)
    inherited = replace(
        reading,
        action=action,
        date=reading.date or (None if reading.impossible_date else context.date),
        court=reading.court or (None if reading.unknown_court else context.court),
        duration=reading.duration or context.duration_minutes,
    )
    if reading.time is None and reading.window is None and not reading.impossible_time:
        inherited.time = minutes_of(context.time) if context.time else None
        window = context.window
        inherited.window = Span(minutes_of(window.start), minutes_of(window.end)) if window else None
    if inherited.unknown_court and inherited.court is None and inherited.action == "book":
        inherited.action = "check"  # as for a single message: no such court, so show what is free
    return inherited


def _which_booking(reading: Reading, asked: Action | None, context: ConversationContext) -> Reading:
    """The answer to "Which booking?" ("the 5pm one"): that booking, for the move or cancel asked about.
    Never a new booking: when the context does not say what was asked, only the booking is named."""
    action = reading.action if asked is not None else context.action
    if action == "move":
        return as_move(Reading(), booking_ref(reading))
    if action != "cancel" and asked is None:
        return Reading(booking=booking_ref(reading))
    described = _in_focus(replace(reading, action=action), context)
    return replace(described, booking=booking_ref(described))


def _in_focus(reading: Reading, context: ConversationContext) -> Reading:
    """A booking, check or cancel without a date is about the day in focus."""
    if reading.action in ("book", "check", "cancel") and reading.date is None and not reading.impossible_date:
        return replace(reading, date=context.date)
    return reading
