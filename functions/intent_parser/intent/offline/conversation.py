"""Step 8, the conversation: what a message says on its own, resolved against the context.

In this order:

1. a move (`moves`): "move my 5pm to Thursday", or a correction of the booking in focus
   ("actually court B", "make it 5pm", "can we do 5 instead");
2. "cancel that" / "cancel it" while offers are pending and nothing is booked declines the
   offers (reply "no"): there is nothing to cancel but the question;
3. an offer taken (`offers`), by its place or by its time and court on the day in focus:
   the answer is that slot, with the context's `offer_action` (book or move);
4. a reply ("yes", "no thanks") stays a reference: the caller answers it against what it asked;
5. an answer to "Which booking?" ("the 5pm one") names it (`booking`), for the move or cancel
   asked about, never for a new booking;
6. a follow-up inherits from the context what it does not say; a fresh request only the day.

A message that gives something of its own (a date, time, court or length) is a follow-up
when the last answer asked for a time or a day, when its words ask for no action of their
own ("5pm", "Friday", "what about Friday?"), or when it carries on ("and ...", "then",
"instead", "actually"). It inherits the action (unless it asks its own), the date, the time
or window (when it gives neither), the court (unless it named one, even one that does not
exist) and the length. Anything else that books, checks or cancels without a date is about
the day in focus. A move inherits nothing: its target is only what was said.

A history or a closure is never resolved here (`parser` answers it as said), and after
one a follow-up inherits no action: nothing is closed that was not asked in so many words.

A question ("what about Friday?", "how about 4pm?") is a check unless it answers "What time?" or
"Which day?": it never books or moves, nor takes an offer by its time (the answer offers it again).

After a booking (a booking in focus, no offers pending, no question asked), a follow-up
without words of its own that book or move ("what about 7?", "and saturday?") is a
question: a check of the inherited day, time and court, never a second booking or a move
made without asking. An explicit correction is still a move (step 1).

A follow-up that adds a day in a conversation about courts (a booking or a check) reads a
bare weekday from the day in focus: the first such day on or after it ("book mon 10am",
"and tue 10am", "and wed 10am" said on a Wednesday is next week's Wednesday). An
alternative ("what about Friday?"), an answer to "Which day?" and a list read it from today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from courtbooking.models import Action, ConversationContext
from courtbooking.schedule import minutes_of

from .action import adds_on, asks, asks_about, carries_on
from .moves import Read, as_move, booking_ref, read_move
from .offers import match_offer
from .scan import Reading, Span


def in_conversation(reading: Reading, normal: str, context: ConversationContext, read: Read) -> Reading:
    """`reading` (what `normal` says on its own) in the conversation `context`; `read` reads a part of `normal`."""
    if context.action in ("history", "close"):
        # After a history or a closure a follow-up is read on its own: nothing closes unless it says so.
        context = context.model_copy(update={"action": None})
    move = read_move(normal, reading, context, read)
    if move is not None:
        return move
    if _declines_offers(reading, normal, context):
        return Reading(reply="no")
    offer = reading.offer
    question = asks_about(normal) and context.pending not in ("time", "day")
    if offer is None and context.offers and reading.action not in ("cancel", "list") and not question:
        offer = match_offer(reading, context.offers, context.date)
    if offer is not None:
        return _take_offer(reading, offer, context)
    if reading.reply is None and reading.says_anything and context.pending == "booking" and not question:
        return _which_booking(reading, asks(normal), context)
    if reading.reply is None and reading.says_anything and _follows_on(normal, context):
        asked = asks(normal)
        return _inherit(_from_focus(reading, normal, context), asked, context, adds_on(normal), question)
    return _in_focus(reading, context)


# A cancel that names nothing but what is in focus: "cancel that", "actually, cancel it", "scrap that".
_CANCEL_IT = re.compile(
    r"(?:(?:cancel\w*|call|off|scrap|drop|ditch|un-?book|it|that|this|them|those|actually|oh|ok|okay|so|no|just"
    r"|please|sorry|then|thanks|um|hmm)\b[\s,.!?]*)+"
)


def _declines_offers(reading: Reading, normal: str, context: ConversationContext) -> bool:
    """'cancel that', 'cancel it' with offers pending and nothing booked: no to the offers, not a cancel.
    A cancel that names a booking ("cancel my booking", "cancel the second one") stays a cancel."""
    if reading.action != "cancel" or not context.offers or context.booking is not None:
        return False
    return not reading.says_anything and _CANCEL_IT.fullmatch(normal) is not None


def _after_booking(context: ConversationContext) -> bool:
    """A booking is in focus and nothing is pending: what follows is a question about it, or a change."""
    return context.booking is not None and not context.offers and context.pending is None


def _from_focus(reading: Reading, normal: str, context: ConversationContext) -> Reading:
    """A bare weekday in a follow-up that adds a day ("and wed"): the first such day on or after the day
    in focus, in a booking or a check; otherwise as read (the next one from today)."""
    focus = context.date
    if not reading.bare_weekday or reading.date is None or focus is None or reading.date >= focus:
        return reading
    if context.pending == "day" or context.action not in ("book", "check") or not adds_on(normal):
        return reading
    weeks = -(-(focus - reading.date).days // 7)
    return replace(reading, date=reading.date + dt.timedelta(days=7 * weeks))


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


def _inherit(
    reading: Reading, asked: Action | None, context: ConversationContext, adds: bool = False, question: bool = False
) -> Reading:
    action = reading.action if asked is not None else context.action or reading.action
    another_day = (
        adds and reading.date is not None and context.booking is not None and reading.date != context.booking.date
    )
    changes = ("book", "move", "cancel") if question else ("book", "move") if _after_booking(context) else ()
    if asked is None and action in changes and not another_day:
        action = "check"  # "what about 7?" after a booking, or any "what about ...?": ask, never book, move, cancel
    if another_day and action == "move":
        action = "book"  # "and tue 10am" after booking Monday: one more, as said
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
    """A booking, check or cancel without a date is about the day in focus; one named by its place
    ("cancel the second one") is about that booking alone."""
    if reading.place is not None:
        asked = context.action if context.pending == "booking" and context.action in ("cancel", "move") else None
        return replace(reading, action=reading.action or asked)
    if (
        reading.action in ("book", "check", "cancel", "waitlist")
        and reading.date is None
        and not reading.impossible_date
    ):
        return replace(reading, date=context.date)
    return reading
