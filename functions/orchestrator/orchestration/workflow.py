"""What the orchestrator does with a chat message: intent parser -> availability -> booking, in a conversation.

`ChatWorkflow.chat` takes a message and what the conversation is about (a
`ConversationContext`, kept by the orchestrator, never sent by the client) and
answers a `Turn`: the answer for the person and the context for the next
message. Understanding stays in the intent parser (which resolves "yes", "the
second one", "ok 4pm then" against the context it is sent); deciding stays
here: which rule applies (orchestration.rules), what is offered, what is booked.

The message is data, never instructions: whatever the parser returns, at most
one slot is booked or moved to, and only a slot that matches what was asked, or
an offer this conversation made, because those checks are made here, in code.
What only the club's admins may do (close a court) is decided here too, on who
the route says is asking (orchestration.identity): anyone else is refused, and
told why. The caller's notices (a booking cancelled without them) lead the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from courtbooking.clock import utc_now
from courtbooking.config import Facility
from courtbooking.contracts import (
    MAX_SLOTS_PER_ATTEMPT,
    Availability,
    BookingAttempt,
    ChatResponse,
    ChatStatus,
    JoinWaitlistBody,
    Notice,
)
from courtbooking.idempotency import fingerprint
from courtbooking.models import (
    MAX_OFFERS,
    Booking,
    ConversationContext,
    DateRange,
    ErrorCode,
    Intent,
    Pending,
    SeriesAsk,
    SeriesSpec,
    Slot,
    TimeWindow,
)
from courtbooking.schedule import Schedule, fits, hhmm, minutes_of, starts_in

from . import replies
from .identity import NOT_AN_ADMIN
from .rules import Problem, Rules
from .series_turns import SeriesTurns
from .services import Refused, Services


@dataclass
class Turn:
    """One answer, and what the conversation is about after it."""

    answer: ChatResponse
    context: ConversationContext


@dataclass
class _Ask:
    """One message being answered: who asks, what was understood, the conversation so far."""

    intent: Intent
    context: ConversationContext
    user_id: str
    now: dt.datetime
    idempotency_key: str | None = None
    request_fingerprint: str | None = None
    focus: dict[str, object] = field(default_factory=dict)
    admin_refusal: str | None = NOT_AN_ADMIN  # why the caller may not do what only the club's staff may; None: admin


class ChatWorkflow(SeriesTurns):
    def __init__(self, services: Services, facility: Facility, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._services = services
        self._facility = facility
        self._rules = Rules(facility)
        self._clock = clock

    def chat(
        self,
        message: str,
        user_id: str,
        context: ConversationContext | None = None,
        idempotency_key: str | None = None,
        *,
        notices: Sequence[Notice] = (),
        admin_refusal: str | None = NOT_AN_ADMIN,
    ) -> Turn:
        """The answer to one message. `notices` (what happened to the caller's bookings without them) lead
        the answer; `admin_refusal` is why the caller is not one of the club's admins (None: they are)."""
        context = context or ConversationContext()
        now = self._clock()
        known = context if context != ConversationContext() else None
        intent = self._services.parse(message, now, known)
        key_print = fingerprint(message) if idempotency_key else None
        ask = _Ask(intent, context, user_id, now, idempotency_key, key_print, admin_refusal=admin_refusal)
        ask.focus = _focus_of(intent, context)
        turn = self._answer(ask)
        if notices:  # told first: it happened before anything this message asks
            turn.answer.notices = list(notices)
            turn.answer.response = f"{replies.notices(notices)} {turn.answer.response}"
        return turn

    def _answer(self, ask: _Ask) -> Turn:
        intent, context = ask.intent, ask.context
        if intent.reply == "no":
            return self._say(ask, "declined", replies.DECLINED)
        if intent.action == "series":
            return self._series(ask)
        if intent.reply == "yes" and context.pending == "series" and intent.action is None:  # "yes": book them
            ask.intent = intent.model_copy(update={"series": SeriesAsk(step="book")})
            return self._series(ask)
        if intent.reply == "yes" and intent.offer is None and intent.action in (None, "book", "move"):
            if context.offers and context.pending == "offer":
                return self._take(ask, context.offers[0])
            if not (intent.date or intent.time or intent.court):
                return self._say(ask, "needs_input", replies.YES_TO_WHAT)
        if intent.action == "close" or _closure_follow_up(intent, context):
            return self._close(ask)
        if intent.action == "waitlist":
            return self._waitlist(ask)
        if intent.action == "history":
            return self._history(ask)
        if intent.offer is not None and intent.action not in ("cancel", "list"):
            if intent.offer < len(context.offers):
                return self._take(ask, context.offers[intent.offer])
            return self._say(ask, "needs_input", replies.choose_offer(len(context.offers)), keep_offers=True)
        if intent.action is None and _place(intent) is not None:  # "the third one" after a list
            return self._about(ask)
        if intent.action == "list":
            return self._list(ask)
        if intent.action == "cancel":
            return self._cancel(ask)
        if intent.action == "move":
            return self._move(ask)
        return self._book_or_check(ask)

    # --- book and check ------------------------------------------------------
    def _book_or_check(self, ask: _Ask) -> Turn:
        intent = ask.intent
        if intent.uncertain and intent.action == "book":
            return self._say(ask, "needs_input", replies.uncertain(intent.uncertain))
        if intent.impossible and intent.date is None:
            return self._say(ask, "needs_input", replies.impossible(intent.impossible), pending="day")
        if intent.unknown_court:
            return self._unknown_court(ask)
        if not intent.understood or (intent.action is None and not (intent.date or intent.time or intent.window)):
            return self._say(ask, "needs_input", replies.understood_so_far(intent))
        wants_booking = intent.action == "book"
        duration = intent.duration_minutes or self._facility.slot_minutes
        problem = self._rules.duration(intent.duration_minutes)
        if problem is not None:
            return self._propose_length(ask, problem)

        date = intent.date
        if date is None and wants_booking:
            if intent.time is None and intent.window is None:
                return self._say(ask, "needs_input", replies.WHICH_DAY_AND_TIME, pending="day")
            if intent.time is not None:  # "book at 10pm": the hours first, then the day
                problem = self._rules.time(
                    self._rules.day_for_time(intent.time, ask.now), intent.time, duration, ask.now
                )
                if problem is not None and problem.date is None:
                    ask.focus["time"] = None
                    return self._say(ask, "needs_input", f"{problem.reason} Which day and time would you like?")
            today_ahead = intent.time is not None and self._rules.day_for_time(intent.time, ask.now) == (
                self._rules.today(ask.now)
            )
            return self._say(ask, "needs_input", replies.which_day(intent, today_ahead), pending="day")
        if date is None:
            date = self._rules.day_for_time(intent.time, ask.now) if intent.time else self._rules.today(ask.now)
        ask.focus["date"] = date
        problem = self._rules.date(date, ask.now)
        if problem is not None:
            return self._say(ask, "unavailable", problem.reason)
        if wants_booking and intent.time is None and intent.window is None:
            return self._say(ask, "needs_input", replies.what_time(date), pending="time")
        if intent.time is not None:
            problem = self._rules.time(date, intent.time, duration, ask.now)
            if problem is not None:
                return self._offer_instead(ask, problem, date, duration)

        availability = self._availability(date, intent.time, intent, duration)
        if not wants_booking:
            return self._checked(ask, availability)
        return self._book(ask, availability, date)

    def _checked(self, ask: _Ask, availability: Availability) -> Turn:
        intent = ask.intent
        held = ask.context.booking
        if availability.slots and intent.time is not None:  # "is 3pm free?": yes, and which courts
            slots = availability.slots
            if held is not None:
                # "what about 7?" just after booking (or moving): a change of that booking, on a yes; never a
                # second court. Its own court first: a move keeps the court unless told otherwise.
                slots = sorted((s for s in slots if not _is_booking(s, held)), key=lambda s: s.court != held.court)
                if not slots:
                    return self._say(ask, "needs_input", replies.already_so(held))
                text = replies.free_for_move(slots, availability.date, intent.time, held)
                return self._say(ask, "available", text, slots=slots, pending="offer", offer_action="move")
            return self._say(
                ask, "available", replies.free_at(slots, availability.date, intent.time), slots=slots, pending="offer"
            )
        if availability.slots:  # a day or a window: name exactly the slots offered, and how many more there are
            offered = availability.slots[:MAX_OFFERS]
            text = replies.free_slots(availability.date, offered, len(availability.slots))
            return self._say(ask, "available", text, slots=offered)
        if availability.alternatives or availability.other_days:
            return self._alternatives(ask, availability, held)
        return self._say(ask, "unavailable", availability.message)

    def _book(self, ask: _Ask, availability: Availability, date: dt.date) -> Turn:
        """One call to the booking service: it answers held, limit, booked or, when every candidate went to
        someone faster, taken with what is free now."""
        intent = ask.intent
        candidates = [s for s in availability.slots if _matches(s, intent, date)][:MAX_SLOTS_PER_ATTEMPT]
        duration = candidates[0].duration_minutes if candidates else intent.duration_minutes
        wanted = self._query(date, intent.time, intent, duration)
        attempt = self._attempt(ask, candidates, wanted, None)
        if isinstance(attempt, Turn):
            return attempt
        if attempt.availability is not None:  # every candidate was taken: what is free now, bar what was seen
            seen = {s.slot_id for s in availability.slots}
            attempt.availability.slots = [s for s in attempt.availability.slots if s.slot_id not in seen]
            availability = attempt.availability
        return self._alternatives(ask, availability)

    def _attempt(
        self, ask: _Ask, slots: Sequence[Slot], wanted: dict[str, Any], instead: dict[str, Any] | None
    ) -> Turn | BookingAttempt:
        """Book the first free of `slots` for what was asked (`wanted`): the answer to say, or the attempt
        whose every slot was taken (with what is free instead, when there were slots to try)."""
        try:
            attempt = self._services.book_first(
                ask.user_id, slots, wanted, instead, ask.idempotency_key, ask.request_fingerprint
            )
        except Refused as refusal:
            if refusal.code in (ErrorCode.CLOSED, ErrorCode.ALREADY_BOOKED):  # closed since offered; or another court
                return self._say(ask, "unavailable", _sentence(refusal.message))
            raise
        if attempt.outcome == "held":
            assert attempt.booking is not None
            return self._held(ask, attempt.booking)
        if attempt.outcome == "limit":  # said before offering anything
            mine = attempt.bookings
            limit = self._facility.max_active_bookings
            text = replies.limit(limit, mine) if len(mine) >= limit else _sentence(attempt.message)
            return self._say(ask, "unavailable", text, bookings=mine, listed=mine)
        if attempt.outcome == "booked":
            booking = attempt.booking
            assert booking is not None
            # A replayed answer (the same idempotency key, its first answer lost) may book none of today's slots.
            slot = next((s for s in slots if _is_booking(s, booking)), None) or _slot_of(booking)
            ask.focus.update(date=booking.date, time=booking.time, action="book")  # the court stays what was said
            return self._say(ask, "booked", replies.booked(booking), slots=[slot], booking=booking)
        return attempt

    def _held(self, ask: _Ask, held: Booking) -> Turn:
        """The person already holds what they asked for: that booking, nothing new."""
        booking = held.model_copy(update={"already_held": True})
        return self._say(ask, "booked", replies.held(held), booking=booking)

    def _alternatives(self, ask: _Ask, availability: Availability, held: Booking | None = None) -> Turn:
        """What is free instead: to book, or (a question about the booking `held`) to move it to, on a yes."""
        intent, date = ask.intent, availability.date
        offered = [*availability.alternatives, *availability.other_days] or availability.slots
        offered = [s for s in offered if held is None or not _is_booking(s, held)][:MAX_OFFERS]
        if not offered:
            return self._say(ask, "unavailable", availability.closed or replies.nothing_free(date))
        asked = intent.time or (f"{intent.window.start}-{intent.window.end}" if intent.window else None)
        # Shut by a closure, not taken: say which, why and until when.
        lead = availability.closed or replies.taken_at(asked, date, intent.court, self._facility)
        if held is not None:
            text = f"{lead} {replies.offers(offered, date, ask=replies.MOVE_THERE)}"
            return self._say(ask, "alternatives", text, slots=offered, pending="offer", offer_action="move")
        text = f"{lead} {replies.offers(offered, date)}"
        if intent.time is not None and not availability.closed:  # a taken start can be waited for
            text = f"{text} {replies.WAITLIST_OFFER}"
        return self._say(ask, "alternatives", text, slots=offered, pending="offer")

    # --- waitlists --------------------------------------------------------------
    def _waitlist(self, ask: _Ask) -> Turn:
        """Wait for a taken start: the day, time and court said, else those under discussion ("waitlist me"
        after being told it is taken); any court when none was named. The booking function's answer, said."""
        intent, context = ask.intent, ask.context
        # a day or time of its own (not the conversation's, which the parser fills in): then any court
        said = intent.date not in (None, context.date) or intent.time not in (None, context.time)
        date = intent.date or context.date
        time = intent.time or context.time
        court = intent.court or (None if said else context.court)
        if intent.unknown_court:
            return self._unknown_court(ask)
        if date is None or time is None:
            return self._say(ask, "needs_input", replies.WAITLIST_WHEN)
        ask.focus.update(date=date, time=time, court=court)
        duration = intent.duration_minutes or context.duration_minutes
        until = None
        if intent.until:  # a wall time in the facility's zone ("until Thursday noon")
            until = dt.datetime.fromisoformat(intent.until).replace(tzinfo=self._facility.timezone)
        body = JoinWaitlistBody(date=date, time=time, court=court, duration_minutes=duration, until=until)
        try:
            entry = self._services.join_waitlist(ask.user_id, body)
        except Refused as refusal:
            if refusal.code == ErrorCode.SERVICE_UNAVAILABLE:
                raise
            return self._say(ask, "unavailable", _sentence(refusal.message))
        return self._say(ask, "waitlisted", entry.message)

    # --- explanations ----------------------------------------------------------
    def _offer_instead(self, ask: _Ask, problem: Problem, date: dt.date, duration: int) -> Turn:
        """A rule was broken: say which, and offer the nearest allowed starts that are free."""
        day = problem.date or date
        if problem.date is not None:
            ask.focus["date"] = problem.date
        slots: list[Slot] = []
        for time in problem.times:
            availability = self._availability(day, time, ask.intent, duration)
            pick = availability.slots[:1] or availability.alternatives[:1]
            slots += [s for s in pick if s not in slots]
        if not slots:
            return self._say(ask, "unavailable", problem.reason)
        return self._say(
            ask, "alternatives", f"{problem.reason} {replies.offers(slots, None)}", slots=slots, pending="offer"
        )

    def _propose_length(self, ask: _Ask, problem: Problem) -> Turn:
        """A length that cannot be booked: offer the nearest one that can, at the asked start; never change it."""
        intent, length = ask.intent, problem.duration
        ask.focus["duration_minutes"] = length
        date = intent.date or (self._rules.day_for_time(intent.time, ask.now) if intent.time else None)
        if date is None or intent.time is None or self._rules.date(date, ask.now) or length is None:
            return self._say(ask, "needs_input", f"{problem.reason} What would you like instead?")
        ask.focus["date"] = date
        slots = self._availability(date, intent.time, intent, length).slots
        if not slots:
            return self._say(ask, "needs_input", f"{problem.reason} Nothing is free for that long at {intent.time}.")
        return self._say(
            ask, "needs_input", replies.proposal(problem.reason, slots[0]), slots=slots[:1], pending="offer"
        )

    def _unknown_court(self, ask: _Ask) -> Turn:
        """A court that does not exist: name it and the courts; offer others only for the person to choose."""
        intent = ask.intent
        text = replies.no_such_court(intent.unknown_court or "such court", self._facility)
        ask.focus["court"] = None
        date = intent.date or (self._rules.day_for_time(intent.time, ask.now) if intent.time else None)
        if date is None or intent.time is None or self._rules.date(date, ask.now):
            return self._say(ask, "needs_input", text)
        ask.focus["date"] = date
        slots = self._availability(date, intent.time, intent.model_copy(update={"court": None}), None).slots
        if not slots:
            return self._say(ask, "needs_input", text)
        return self._say(
            ask, "needs_input", f"{text} {replies.free_at(slots, date, intent.time)}", slots=slots, pending="offer"
        )

    # --- taking an offer ---------------------------------------------------------
    def _take(self, ask: _Ask, slot: Slot) -> Turn:
        """The person took one of this conversation's offers: book it, or move the booking in focus to it."""
        ask.focus.update(date=slot.date, time=slot.time, court=slot.court, duration_minutes=slot.duration_minutes)
        if ask.context.offer_action == "move" and ask.context.booking is not None:
            return self._move_to(ask, ask.context.booking, [slot])
        ask.intent = ask.intent.model_copy(
            update={"action": "book", "date": slot.date, "time": slot.time, "court": slot.court, "window": None}
        )
        wanted = self._query(slot.date, slot.time, ask.intent, slot.duration_minutes)
        attempt = self._attempt(ask, [slot], wanted, {**wanted, "court": None, "duration_minutes": None})
        if isinstance(attempt, Turn):
            return attempt
        availability = attempt.availability
        assert availability is not None
        if availability.slots:
            availability.alternatives, availability.other_days = availability.slots[:MAX_OFFERS], []
        text = f"{replies.where(slot)} has just been booked by someone else."
        turn = self._alternatives(ask, availability)
        turn.answer.response = f"{text} {turn.answer.response}"
        return turn

    # --- moving ------------------------------------------------------------------
    def _move(self, ask: _Ask) -> Turn:
        intent = ask.intent
        if intent.uncertain:
            return self._say(ask, "needs_input", replies.uncertain(intent.uncertain, done="moved"))
        if ask.context.pending == "booking" and ask.context.action == "move" and not _says_where(intent):
            # the answer to "Which booking?": it goes where the asking message said
            kept = ask.context
            update = {
                "date": kept.date,
                "time": kept.time,
                "court": kept.court,
                "duration_minutes": kept.duration_minutes,
            }
            intent = ask.intent = intent.model_copy(update=update)
        mine = self._services.bookings(ask.user_id).bookings
        target = {"date": intent.date, "time": intent.time, "court": intent.court}
        meant = self._placed(ask, mine, "moved") if _place(intent) is not None else self._booking_meant(ask, mine)
        if not isinstance(meant, Booking):  # remember where it goes, and only that, until the person says which
            ask.focus.update(action="move", duration_minutes=intent.duration_minutes, window=None, **target)
            return meant if isinstance(meant, Turn) else self._which(ask, mine, "moved")
        booking = meant
        ask.context = ask.context.model_copy(update={"booking": booking})
        duration = intent.duration_minutes or booking.duration_minutes
        problem = self._rules.duration(intent.duration_minutes)
        if problem is not None:
            return self._say(ask, "needs_input", replies.kept(booking, problem.reason))
        date, time = intent.date or booking.date, intent.time or booking.time
        problem = self._rules.date(date, ask.now) or self._rules.time(date, time, duration, ask.now)
        if problem is not None:
            return self._say(ask, "unavailable", replies.kept(booking, problem.reason))
        court = intent.court or booking.court
        ask.focus.update(action="move", date=date, time=time, court=intent.court, duration_minutes=duration)
        slot_id = Schedule.slot_id(court, date, time)
        target = Slot(slot_id=slot_id, court=court, date=date, time=time, duration_minutes=duration)
        candidates = [target]
        if intent.court is None and (date, time) != (booking.date, booking.time):
            free = self._availability(date, time, intent.model_copy(update={"court": None}), duration).slots
            candidates += [s for s in free if s.court != court]
        return self._move_to(ask, booking, candidates[:MAX_SLOTS_PER_ATTEMPT])

    def _move_to(self, ask: _Ask, booking: Booking, candidates: Sequence[Slot]) -> Turn:
        first = candidates[0]
        if (first.date, first.time, first.court, first.duration_minutes) == (
            booking.date,
            booking.time,
            booking.court,
            booking.duration_minutes,
        ):
            return self._say(ask, "needs_input", replies.already_so(booking))
        why = ""
        for slot in candidates:
            try:
                moved = self._services.move(ask.user_id, booking.booking_id, slot.slot_id, slot.duration_minutes)
            except Refused as refusal:
                if refusal.code == ErrorCode.SLOT_TAKEN:
                    why = refusal.message
                    continue
                if refusal.code in (
                    ErrorCode.SLOT_INVALID,
                    ErrorCode.ALREADY_BOOKED,
                    ErrorCode.TOO_LATE,
                    ErrorCode.CLOSED,
                ):
                    return self._say(ask, "unavailable", replies.kept(booking, _sentence(refusal.message)))
                if refusal.code == ErrorCode.CANCELLED:  # meanwhile, in another tab or by another request
                    return self._say(ask, "unavailable", _sentence(refusal.message))
                raise
            ask.focus.update(date=moved.date, time=moved.time, action="move")
            return self._say(ask, "moved", replies.moved(moved, booking), booking=moved, slots=[slot])
        availability = self._availability(
            first.date, first.time, ask.intent.model_copy(update={"court": None}), first.duration_minutes
        )
        tried = {c.slot_id for c in candidates}
        moving_time = (first.date, first.time) != (booking.date, booking.time)
        offered = [
            s
            for s in [*availability.slots, *availability.alternatives]
            if s.slot_id not in tried
            and (s.date, s.time, s.court) != (booking.date, booking.time, booking.court)
            and not (moving_time and (s.date, s.time) == (booking.date, booking.time))  # asked another time
        ]
        text = replies.kept(booking, _sentence(why or f"{replies.where(first)} is taken."))
        if offered:
            text += " " + replies.offers(offered[:MAX_OFFERS], first.date, ask=replies.MOVE_THERE)
            return self._say(
                ask, "alternatives", text, slots=offered[:MAX_OFFERS], pending="offer", offer_action="move"
            )
        return self._say(ask, "unavailable", text)

    def _booking_meant(self, ask: _Ask, mine: Sequence[Booking]) -> Booking | None:
        """The booking a move or cancel is about: the one described, else the one in focus, else the only one."""
        ref, focus = ask.intent.booking, ask.context.booking
        if ref is not None and (ref.date or ref.time or ref.court):
            matches = [b for b in mine if _described(b, ref.date, ref.time, ref.court)]
            return matches[0] if len(matches) == 1 else None
        if focus is not None:
            return next((b for b in mine if b.booking_id == focus.booking_id), None)
        return mine[0] if len(mine) == 1 else None

    def _placed(self, ask: _Ask, mine: Sequence[Booking], verb: str) -> Booking | Turn:
        """The booking named by its place in the last list ("the second one"); else an answer saying why none."""
        place, listed = _place(ask.intent) or 0, ask.context.bookings
        if not listed:  # no list was shown: "the second one" refers to nothing yet; name them, and ask
            if len(mine) == 1:
                text = replies.only_one(mine[0], place, verb)
                return self._say(ask, "needs_input", text, bookings=mine, listed=mine, pending="booking", hold=mine[0])
            return self._which(ask, mine, verb)
        if place >= len(listed):
            text = replies.no_such_place(place, listed, verb)
            return self._say(ask, "needs_input", text, bookings=listed, listed=listed, pending="booking")
        current = next((b for b in mine if b.booking_id == listed[place].booking_id), None)
        return current if current is not None else self._which(ask, mine, verb)  # gone since it was listed

    def _which(self, ask: _Ask, mine: Sequence[Booking], verb: str) -> Turn:
        text = replies.which_booking(mine, verb) if mine else replies.NO_UPCOMING
        return self._say(ask, "needs_input", text, bookings=mine, listed=mine, pending="booking" if mine else None)

    def _about(self, ask: _Ask) -> Turn:
        """A booking named by its place and nothing asked of it ("the third one"): in focus, and what to do."""
        found = self._placed(ask, self._services.bookings(ask.user_id).bookings, "changed")
        if isinstance(found, Turn):
            return found
        return self._say(ask, "needs_input", replies.what_of(found), booking=found, hold=found)

    # --- list and cancel -----------------------------------------------------------
    def _list(self, ask: _Ask) -> Turn:
        date = ask.intent.date
        mine = self._services.bookings(ask.user_id, with_waitlist=date is None)
        if date is not None:  # "do I have anything on Friday?"
            on_day = [b for b in mine.bookings if b.date == date]
            if on_day or not mine.bookings:
                text = replies.bookings_on(date, mine.bookings)
                return self._say(ask, "bookings", text, bookings=on_day, listed=on_day)
            text = f"{replies.bookings_on(date, mine.bookings)} {mine.message}"
            return self._say(ask, "bookings", text, bookings=mine.bookings, listed=mine.bookings)
        turn = self._say(ask, "bookings", mine.message, bookings=mine.bookings, listed=mine.bookings)
        turn.answer.waitlist = mine.waitlist
        return turn

    def _cancel(self, ask: _Ask) -> Turn:
        """Cancel the one upcoming booking meant; if several match, cancel none."""
        intent, focus = ask.intent, ask.context.booking
        mine = self._services.bookings(ask.user_id).bookings
        described = intent.date or intent.time or intent.window or intent.court
        if _place(intent) is not None:  # "cancel the second one": of the bookings last listed, and only then
            ask.focus["action"] = "cancel"
            found = self._placed(ask, mine, "cancelled")
            if isinstance(found, Turn):
                return found
            matches = [found]
        elif focus is not None and (
            not described or (intent.window is None and _described(focus, intent.date, intent.time, intent.court))
        ):
            matches = [b for b in mine if b.booking_id == focus.booking_id]
        elif not described:
            ask.focus["action"] = "cancel"
            return self._which(ask, mine, "cancelled")
        else:
            matches = [
                b
                for b in mine
                if _described(b, intent.date, intent.time, intent.court)
                and (intent.window is None or starts_in(b.time, intent.window))
            ]
        if not matches:
            text = replies.NO_MATCH if mine else replies.NO_UPCOMING
            return self._say(ask, "needs_input", text, bookings=mine)
        if len(matches) > 1:
            ask.focus["action"] = "cancel"  # the answer to "which one?" cancels, nothing else
            text = replies.several_match(matches)
            return self._say(ask, "needs_input", text, bookings=matches, listed=matches, pending="booking")
        try:
            cancelled = self._services.cancel(ask.user_id, matches[0].booking_id)
        except Refused as refusal:
            if refusal.code == ErrorCode.TOO_LATE:  # the cut-off: said in words, the booking stays in focus
                return self._say(ask, "unavailable", _sentence(refusal.message), hold=matches[0])
            raise
        return self._say(ask, "cancelled", cancelled.message, booking=cancelled, clear_booking=True)

    # --- history -----------------------------------------------------------------
    def _history(self, ask: _Ask) -> Turn:
        """What the person played, cancelled or has to come, in the days said (the most recent first)."""
        intent, today = ask.intent, self._rules.today(ask.now)
        period = intent.period or (DateRange(start=intent.date, end=intent.date) if intent.date else None)
        when = intent.history or ("upcoming" if period is not None and period.start > today else "past")
        since, until = (period.start, period.end) if period else (None, None)
        if when == "upcoming":  # one strongly consistent read, as "what have I booked?"
            mine = [b for b in self._services.bookings(ask.user_id).bookings if _within(b.date, since, until)]
            return self._say(ask, "history", replies.upcoming_in(mine, period), bookings=mine, listed=mine)
        page = self._services.history(ask.user_id, when, since, until, limit=MAX_OFFERS)
        text = page.message if page.next_cursor is None else f"{page.message} {replies.MORE_HISTORY}"
        return self._say(ask, "history", text, bookings=page.bookings)

    # --- closing a court (the club's staff) ---------------------------------------------
    def _close(self, ask: _Ask) -> Turn:
        """An admin closes a court, or every court, for a while ("close court B tomorrow 2pm to 5pm for coaching");
        the bookings inside it are listed, and stand. Anyone else is refused, and told why; nothing is written."""
        if ask.admin_refusal is not None:
            return self._say(ask, "refused", replies.not_closed(ask.admin_refusal))
        intent = ask.intent
        if intent.uncertain:  # the two readings differ: close neither
            return self._say(ask, "needs_input", replies.uncertain(intent.uncertain, done="closed"))
        if _closure_follow_up(intent, ask.context):  # the reason asked for: the rest is what was said before
            kept = ask.context
            intent = intent.model_copy(update={"date": kept.date, "window": kept.window, "court": kept.court})
        if intent.unknown_court:
            text = replies.no_such_court(intent.unknown_court, self._facility, done="closed")
            return self._say(ask, "needs_input", text)
        span = closure_span(self._facility, intent)
        if isinstance(span, str):
            return self._say(ask, "needs_input", span)
        start, end = span
        if not intent.reason:  # a closure is told to every holder it touches: it needs its reason
            one_day = start.date() == end.date()
            if one_day:  # kept, so that the reason alone ("for coaching") closes it
                window = _window_of(intent, self._facility)
                ask.focus.update(action="close", date=start.date(), time=None, court=intent.court)
                ask.focus["window"] = window.model_dump() if window else None
            return self._say(ask, "needs_input", replies.close_why(intent.court, start, end, kept=one_day))
        try:
            result = self._services.close(ask.user_id, intent.court, _wall(start), _wall(end), intent.reason)
        except Refused as refusal:
            if refusal.code in (ErrorCode.INVALID_REQUEST, ErrorCode.NOT_FOUND):
                return self._say(ask, "unavailable", replies.not_closed(_sentence(refusal.message)))
            raise
        return self._say(ask, "closed", result.message, bookings=[*result.affected, *result.cancelled])

    # --- the answer and what is remembered -------------------------------------------
    def _availability(self, date: dt.date, time: str | None, intent: Intent, duration: int | None) -> Availability:
        return self._services.availability(self._query(date, time, intent, duration))

    @staticmethod
    def _query(date: dt.date, time: str | None, intent: Intent, duration: int | None) -> dict[str, Any]:
        """What to look for: the day, the time (else the window), the court if named, the length."""
        return {
            "date": date.isoformat(),
            "time": time,
            "window": intent.window.model_dump() if intent.window and time is None else None,
            "court": intent.court,
            "duration_minutes": duration,
        }

    def _say(
        self,
        ask: _Ask,
        status: ChatStatus,
        text: str,
        *,
        slots: Sequence[Slot] = (),
        booking: Booking | None = None,
        bookings: Sequence[Booking] = (),
        pending: Pending | None = None,
        offer_action: str = "book",
        keep_offers: bool = False,
        clear_booking: bool = False,
        listed: Sequence[Booking] = (),
        hold: Booking | None = None,
        series: SeriesSpec | None = None,
    ) -> Turn:
        """The answer, and what is remembered: `listed` the bookings the answer lists (what "the second one"
        names when no offers are), `hold` a booking to put in focus without booking or moving it, `series` the
        series shown ("book them" books it)."""
        slots = slots[:MAX_OFFERS]  # the answer offers what it names, and no more
        answer = ChatResponse(
            status=status, response=text, intent=ask.intent, slots=list(slots), booking=booking, bookings=list(bookings)
        )
        if hold is not None:  # "cancel it" next means this one, on its own day
            ask.focus.update(date=hold.date, time=hold.time, window=None)
        in_focus = hold or ask.context.booking
        if booking is not None and status in ("booked", "moved"):
            in_focus = booking
        if clear_booking:
            in_focus = None
        if in_focus is not None:
            in_focus = in_focus.model_copy(update={"already_held": False, "message": ""})
        if status in ("cancelled", "declined", "history", "closed", "refused"):
            ask.focus["action"] = None  # nothing is under way: a question next only asks ("what about Friday?")
        offers = list(ask.context.offers) if keep_offers else list(slots)
        kept = ask.context.bookings if keep_offers else listed[:MAX_OFFERS]
        context = ConversationContext.model_validate(
            {
                **ask.focus,
                "bookings": [b.model_dump() for b in kept],
                "pending": ask.context.pending if keep_offers else pending,
                "offers": [o.model_dump() for o in offers] if keep_offers or status == "available" or pending else [],
                "offer_action": ask.context.offer_action if keep_offers else offer_action,
                "booking": in_focus.model_dump() if in_focus else None,
                "series": series.model_dump() if series else None,
            }
        )
        return Turn(answer, context)


def _focus_of(intent: Intent, context: ConversationContext) -> dict[str, object]:
    """What the conversation is about after this message: what it said, else what was being discussed."""
    said = {
        "action": intent.action if intent.action in ("book", "check", "move") else context.action,
        "date": intent.date or context.date,
        "time": intent.time,
        "window": intent.window.model_dump() if intent.window else None,
        "court": intent.court,
        "duration_minutes": intent.duration_minutes,
    }
    if intent.time is None and intent.window is None:
        said["time"] = context.time
        said["window"] = context.window.model_dump() if context.window else None
    said["court"] = said["court"] or context.court
    said["duration_minutes"] = said["duration_minutes"] or context.duration_minutes
    return said


def _described(booking: Booking, date: dt.date | None, time: str | None, court: str | None) -> bool:
    """The booking is on the day, at the time and on the court said (each, when said)."""
    return (
        (date is None or booking.date == date)
        and (time is None or booking.time == time)
        and (court is None or booking.court == court)
    )


def _place(intent: Intent) -> int | None:
    """The place of a listed booking the message names ("the second one": 1), if it does."""
    return intent.booking.place if intent.booking is not None else None


def _is_booking(slot: Slot, booking: Booking) -> bool:
    return (slot.date, slot.time, slot.court) == (booking.date, booking.time, booking.court)


def _slot_of(booking: Booking) -> Slot:
    slot_id = Schedule.slot_id(booking.court, booking.date, booking.time)
    return Slot(
        slot_id=slot_id,
        court=booking.court,
        date=booking.date,
        time=booking.time,
        duration_minutes=booking.duration_minutes,
    )


def _says_where(intent: Intent) -> bool:
    return any((intent.date, intent.time, intent.court, intent.duration_minutes))


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _matches(slot: Slot, intent: Intent, date: dt.date) -> bool:
    """The slot is what the person asked for: the asked day, the asked start or window, the asked court.

    Availability already filters; this check in the workflow means nothing else
    than what was asked can ever be booked, whatever a service answered.
    """
    if slot.date != date or (intent.court is not None and slot.court != intent.court):
        return False
    if intent.time is not None:
        return slot.time == intent.time
    if intent.window is not None:
        return fits(slot.time, slot.duration_minutes, intent.window)
    return False


def closure_span(facility: Facility, intent: Intent) -> tuple[dt.datetime, dt.datetime] | str:
    """The wall times a closure asked for covers: from the first day at the window's start (or that day's
    opening) to the last day at the window's end (or that day's closing); else the question to ask.

    Days are the intent's period, or its date; a time alone is one slot. Whole days begin and end on days
    the club is open: "close every court 24-26 December" starts at the 24th's opening.
    """
    first, last = (intent.period.start, intent.period.end) if intent.period else (intent.date, intent.date)
    if first is None or last is None:
        return replies.CLOSE_WHICH_DAY
    window = _window_of(intent, facility)
    if window is not None:
        return _at(first, window.start), _at(last, window.end)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    open_days = [(d, hours) for d in days if (hours := facility.hours_on(d)) is not None]
    if not open_days:
        return replies.closed_anyway(first, last)
    (day_one, (opening, _)), (day_last, (_, closing)) = open_days[0], open_days[-1]
    return _at(day_one, hhmm(opening)), _at(day_last, hhmm(closing))


def _window_of(intent: Intent, facility: Facility) -> TimeWindow | None:
    """The hours said: a window, or a time alone as the one slot that starts then; None: whole days."""
    if intent.window is not None:
        return intent.window
    if intent.time is None:
        return None
    end = minutes_of(intent.time) + facility.slot_minutes
    return TimeWindow(start=intent.time, end=hhmm(min(end, 24 * 60 - 1)))


def _closure_follow_up(intent: Intent, context: ConversationContext) -> bool:
    """The reason for the closure this conversation was asked about ("for coaching"), and nothing new said."""
    return (
        context.action == "close"
        and intent.action in (None, "close")
        and bool(intent.reason)
        and not (intent.date or intent.period or intent.time or intent.window or intent.court)
    )


def _at(date: dt.date, time: str) -> dt.datetime:
    return dt.datetime.combine(date, dt.time.fromisoformat(time))


def _wall(moment: dt.datetime) -> str:
    """A wall time as the closure contract takes it: YYYY-MM-DDTHH:MM in the facility's zone."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _within(date: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    return (since is None or date >= since) and (until is None or date <= until)
