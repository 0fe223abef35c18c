"""Every sentence the chat says to a person, in one voice.

The workflow decides; the words are made here. What the services say about
slots and bookings (a booking's summary, a refusal's reason) comes from
`courtbooking.words` and is quoted, so both speak alike. Offers are named in
the order they are listed in the answer's `slots`, so "the second one" is the
second slot named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from courtbooking import words
from courtbooking.config import Facility
from courtbooking.contracts import Notice
from courtbooking.models import Booking, DateRange, Intent, Slot
from courtbooking.schedule import hhmm, minutes_of

HINT = 'Try something like "Book a court tomorrow at 3pm" or "What is free on Saturday afternoon?"'
NOT_UNDERSTOOD = f"Sorry, I did not understand. {HINT}"
WHICH_DAY_AND_TIME = f"Which day and time would you like? {HINT}"
NO_UPCOMING = "You have no upcoming bookings."
NO_MATCH = "You have no upcoming booking that matches."
DECLINED = "OK, nothing was booked. Tell me another day or time whenever you like."
YES_TO_WHAT = f"There is nothing waiting for a yes just now. {HINT}"
MOVE_THERE = "shall I move your booking there?"


def booked(booking: Booking) -> str:
    return f"{booking.message} Your booking id is {booking.booking_id}."


def held(booking: Booking) -> str:
    summary = booking.message.removeprefix("You already have ")
    return f"You already have {summary} Booking id {booking.booking_id}; nothing new was booked."


def moved(booking: Booking, old: Booking) -> str:
    if (old.date, old.time, old.court) == (booking.date, booking.time, booking.court):
        return f"{booking.message} (It was {words.length(old.duration_minutes)}.) Booking id {booking.booking_id}."
    freed = f"{old.time} on {old.court}" if old.date == booking.date else f"{old.time} on {words.day(old.date)}"
    return f"{booking.message} {freed} is free again. Booking id {booking.booking_id}."


def already_so(booking: Booking) -> str:
    return (
        f"That is your booking already: {booking.court} on {words.day(booking.date)} at {booking.time}. "
        "Which day, time or court would you like instead?"
    )


def free_for_move(slots: Sequence[Slot], date: dt.date, time: str, held: Booking) -> str:
    courts = ", ".join(s.court for s in slots)
    return (
        f"Free at {time} on {words.day(date)}: {courts}. Shall I move your booking ({held.time} on {held.court}, "
        f"{words.day(held.date)}) to {slots[0].court} at {time}?"
    )


def where(slot: Slot, date: dt.date | None = None) -> str:
    """14:00 on Court A (and the day, when it is not the day being talked about, or none is)."""
    day = f", {words.day(slot.date)}" if slot.date != date else ""
    return f"{slot.time} on {slot.court}{day}"


def offers(slots: Sequence[Slot], date: dt.date, *, ask: str = "shall I book it?") -> str:
    """'The nearest is 14:00 on Court A - shall I book it? Also free: 16:00 on Court A, ...' in list order."""
    if not slots:
        return ""
    text = f"The nearest is {where(slots[0], date)} - {ask}"
    if len(slots) > 1:
        text += f" Also free: {', '.join(where(s, date) for s in slots[1:])}."
    return text


WAITLIST_OFFER = 'Or say "waitlist me" to get it by itself if it is freed.'
WAITLIST_WHEN = "Which day and time should I put you on the waitlist for?"


def taken_at(time: str | None, date: dt.date, court: str | None, facility: Facility) -> str:
    day = words.day(date)
    if court:
        return f"{court} is taken at {time} on {day}." if time else f"{court} has nothing free then on {day}."
    if time is None:
        return f"Nothing is free then on {day}."
    count = len(facility.courts)
    every = "The court is" if count == 1 else "Both courts are" if count == 2 else f"All {_number(count)} courts are"
    return f"{every} taken at {time} on {day}."


def nothing_free(date: dt.date) -> str:
    return f"Nothing is free on {words.day(date)}."


def free_slots(date: dt.date, offered: Sequence[Slot], total: int) -> str:
    """'12 free slots on Friday 4 December: 08:00 (Court A, Court B), ... and 2 more; ask for a time or a court.'"""
    text = f"{total} free slot{'s' if total != 1 else ''} on {words.day(date)}: {words.summarise(offered)}"
    more = total - len(offered)
    return f"{text} and {more} more; ask for a time or a court." if more else f"{text}."


def free_at(slots: Sequence[Slot], date: dt.date, time: str) -> str:
    courts = ", ".join(s.court for s in slots)
    return f"Free at {time} on {words.day(date)}: {courts}. Shall I book {slots[0].court}?"


def which_day(intent: Intent, today_ahead: bool) -> str:
    when = intent.time or (f"{intent.window.start}-{intent.window.end}" if intent.window else "then")
    hint = f' Today at {when} is still ahead: say "today", or name a day.' if today_ahead else ""
    return f"Which day would you like, at {when}?{hint}"


def what_time(date: dt.date) -> str:
    return f"What time on {words.day(date)}?"


def understood_so_far(intent: Intent) -> str:
    """What was understood, and what is missing, when a message could not be acted on."""
    parts = []
    if intent.date:
        parts.append(words.day(intent.date))
    if intent.time:
        parts.append(f"at {intent.time}")
    if intent.court:
        parts.append(intent.court)
    if intent.duration_minutes:
        parts.append(f"for {words.length(intent.duration_minutes)}")
    if not parts:
        return NOT_UNDERSTOOD
    missing = "a time" if intent.date and not intent.time else "a day" if not intent.date else "what to do"
    return f"I understood {' '.join(parts)}, but not {missing}. {HINT}"


def impossible(written: str) -> str:
    return f"There is no {written}: that date does not exist. Which day did you mean?"


def no_such_court(name: str, facility: Facility, done: str = "booked") -> str:
    return f"There is no {name}. The courts are {words.courts_list(facility)}; nothing was {done}."


def choose_offer(count: int) -> str:
    return f"I offered {count} option{'s' if count != 1 else ''}; which one would you like?"


def uncertain(reading: str, done: str = "booked") -> str:
    return f"{reading}. Which did you mean? Say the day and time again; nothing was {done}."


def proposal(reason: str, slot: Slot) -> str:
    end = slot_end(slot)
    return f"{reason} Book {words.length(slot.duration_minutes)}, {slot.time}-{end} on {slot.court}?"


def slot_end(slot: Slot) -> str:
    return hhmm(minutes_of(slot.time) + slot.duration_minutes)


def limit(count: int, mine: Sequence[Booking]) -> str:
    return (
        f"You already have {count} upcoming bookings, the most allowed: {_listed(mine)}. "
        'To book another, cancel one: say "cancel" and its day and time.'
    )


def kept(booking: Booking, why: str) -> str:
    return f"{why} Your booking stays {booking.court} on {words.day(booking.date)} at {booking.time}."


def _listed(bookings: Sequence[Booking]) -> str:
    return "; ".join(f"{b.court} on {words.day(b.date)} at {b.time}" for b in bookings)


def only_one(booking: Booking, place: int, verb: str) -> str:
    hint = 'say "cancel it" to cancel it' if verb == "cancelled" else 'say "move it to" a day or time'
    there = f": there is no {ordinal(place)} one" if place else ""
    return f"You have only one upcoming booking, {_listed([booking])}{there}. Nothing was {verb}; {hint}."


def no_such_place(place: int, listed: Sequence[Booking], verb: str) -> str:
    count = len(listed)
    return (
        f"There is no {ordinal(place)} one: I listed {_number(count)} booking{'s' if count != 1 else ''}, "
        f"{_listed(listed)}. Which one? Nothing was {verb}."
    )


def what_of(booking: Booking) -> str:
    return f'{_listed([booking])}: say "cancel it", or "move it to" another day or time.'


def ordinal(place: int) -> str:
    """0 -> first, 1 -> second ... (a place in a list, 0 the first)."""
    named = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    if place < len(named):
        return named[place]
    n = place + 1
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def which_booking(mine: Sequence[Booking], verb: str = "cancelled") -> str:
    if not mine:
        return NO_UPCOMING
    return f"Which booking? Say its day and time. Yours: {_listed(mine)}. Nothing was {verb}."


def several_match(matches: Sequence[Booking], verb: str = "cancelled") -> str:
    return f"Several bookings match: {_listed(matches)}. Which one? Say its day and time. Nothing was {verb}."


def bookings_on(date: dt.date, mine: Sequence[Booking]) -> str:
    on_day = [b for b in mine if b.date == date]
    if not on_day:
        return f"You have nothing booked on {words.day(date)}."
    return f"On {words.day(date)} you have: " + "; ".join(f"{b.court} at {b.time}" for b in on_day) + "."


def _number(count: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}.get(count, str(count))


# --- what happened without them ---------------------------------------------------------------------------


def notices(told: Sequence[Notice]) -> str:
    """The notices, each in the words the booking service wrote it ("Your booking of Court B on ... was cancelled:
    the court is closed for resurfacing."), oldest first."""
    return " ".join(_sentence(n.message) for n in told)


# --- history ------------------------------------------------------------------------------------------------

MORE_HISTORY = "Those are the most recent; ask about fewer days to see the others."


def upcoming_in(mine: Sequence[Booking], period: DateRange | None) -> str:
    if period is None:
        return words.upcoming(mine)
    days = _days(period)
    if not mine:
        return f"You have nothing booked {days}."
    return f"{days[:1].upper()}{days[1:]} you have: {_listed(mine)}."


def _days(period: DateRange) -> str:
    if period.start == period.end:
        return f"on {words.day(period.start)}"
    return f"from {words.day(period.start)} to {words.day(period.end)}"


# --- closing a court (the club's staff) -------------------------------------------------------------------------

CLOSE_EXAMPLE = '"close court B tomorrow 2pm to 5pm for coaching"'
CLOSE_WHICH_DAY = (
    f"Which day, or days, should be closed? Say it in one message, like {CLOSE_EXAMPLE}. Nothing was closed."
)


def not_closed(why: str) -> str:
    return f"{why} Nothing was closed."


def close_why(court: str | None, start: dt.datetime, end: dt.datetime, kept: bool) -> str:
    """Ask for the reason every holder will be told; `kept`: the rest is remembered, the reason alone will do."""
    place = court or "every court"
    if start.date() == end.date():
        span = f"on {words.day(start.date())} {start:%H:%M}-{end:%H:%M}"
    else:
        span = f"from {words.day(start.date())} {start:%H:%M} to {words.day(end.date())} {end:%H:%M}"
    say = 'Say the reason, like "for coaching".' if kept else f"Say it again with the reason, like {CLOSE_EXAMPLE}."
    return f"Why is {place} to be closed {span}? {say} Nothing is closed yet."


def closed_anyway(first: dt.date, last: dt.date) -> str:
    days = _days(DateRange(start=first, end=last))
    return f"The club is not open {days}, so there is nothing to close. Nothing was closed."


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


# --- series ---------------------------------------------------------------------------------

DEFAULT_SERIES_WEEKS = 4  # a series said without its end: four weeks, and the answer says so
SERIES_WHICH_DAYS = 'Which day of the week? Say for example "every Tuesday at 7pm for 6 weeks".'
SERIES_WHAT_TIME = 'At what time? Say for example "every Tuesday at 7pm for 6 weeks".'
SERIES_NOTHING_SHOWN = 'There is no series to book just now. Say for example "every Tuesday at 7pm for 6 weeks".'
SERIES_FREE_ONES = 'Say "book them" to book the free dates instead.'
SERIES_SKIP_WHEN = 'Which date should I skip? Say for example "skip next Tuesday".'


def series_offer(free: int, total: int, default_end: bool) -> str:
    """What to say next after a series' dates: book them, or why not."""
    end = f' That is {DEFAULT_SERIES_WEEKS} weeks; say "for 8 weeks" or "until Christmas" for another end.'
    end = end if default_end else ""
    if free == 0:
        return f"None of these dates can be booked.{end}"
    if free == total:  # all or none only makes sense when every date can be booked
        ones = "it" if free == 1 else f"all {free} dates"
        together = ' (or "book them all or none": one transaction, every date or none)' if free > 1 else ""
        return f'Say "book them" to book {ones}{together}.{end}'
    ones = "it" if free == 1 else f"the {free} free dates"
    return f'Say "book them" to book {ones}.{end}'


def no_series(weekdays: Sequence[int]) -> str:
    days = f" on {words.weekdays_plural(weekdays)}" if weekdays else ""
    return f"You have no series{days} with dates still to come."


def which_series(names: Sequence[str]) -> str:
    return f'You have {len(names)} series: {"; ".join(names)}. Which one? Say for example "cancel my Tuesday series".'


def no_series_on(date: dt.date) -> str:
    return f"You have no series date booked on {words.day(date)}."


def skipped(date: dt.date, message: str) -> str:
    return f"Skipped {words.day(date)}; the rest of the series stands. {message}"
