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
    from .contracts import WaitlistEntry
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


def cancelled_for_holder(booking: Booking) -> str:
    """What an admin is told: whose booking, and that they will hear of it."""
    return (
        f"Cancelled {booking.user_id}'s booking of {booking.court} on {day(booking.date)} at {booking.time}; "
        "they are told in their next chat answer."
    )


def notice_cancelled(booking: Booking, by: str, reason: str | None) -> str:
    """What the holder is told of a booking cancelled without them (by an admin or a closure)."""
    what = f"Your booking of {booking.court} on {day(booking.date)} at {booking.time} was cancelled"
    if by == "closure":
        return f"{what}: the court is closed{' ' + because(reason) if reason else ''}."
    return f"{what} by the club{': ' + reason if reason else ''}."


# --- waitlists -------------------------------------------------------------------------------


def waitlist_for(date: dt.date, time: str, court: str | None) -> str:
    """the waitlist for Court B (any court) on Friday 4 December at 18:00"""
    return f"the waitlist for {court or 'any court'} on {day(date)} at {time}"


def waitlist_joined(entry: WaitlistEntry, ahead: int, until_wall: str | None) -> str:
    place = "first in line" if ahead == 0 else f"{ahead} {'person' if ahead == 1 else 'people'} ahead of you"
    lasts = f", until {until_wall}" if until_wall else ""
    what = waitlist_for(entry.date, entry.time, entry.court)
    return f"You are on {what} ({place}{lasts}). If it is freed, it is booked for you by itself."


def already_waiting(entry: WaitlistEntry) -> str:
    return f"You are already on {waitlist_for(entry.date, entry.time, entry.court)}."


def waitlist_slot_free(court: str, date: dt.date, time: str) -> str:
    return f"{court} is free at {time} on {day(date)}: book it; a waitlist is for a start that is taken."


def waitlist_person_limit(limit: int) -> str:
    return f"You are already on {limit} waitlists, the most one person may be on; leave one to join another."


def waitlist_slot_full(limit: int, date: dt.date, time: str) -> str:
    return f"{limit} people are already waiting for {time} on {day(date)}, the most one waitlist holds."


def waitlist_until_passed(until: str) -> str:
    return f"A waitlist's deadline must be later than now; {until} has passed."


def waitlist_until_after_start(date: dt.date, time: str) -> str:
    return f"A waitlist ends when its slot starts, {time} on {day(date)}: give a deadline before then, or none."


def waitlist_holds_it(summary: str) -> str:
    return f"You already have {summary.rstrip('.')}: no need to wait for it."


def waitlist_entries(entries: Sequence[WaitlistEntry]) -> str:
    if not entries:
        return "You are on no waitlists."
    said = {"waiting": "waiting", "claimed": "came through", "expired": "expired"}
    lines = "; ".join(
        f"{e.court or 'any court'} on {day(e.date)} at {e.time} ({said[e.status]}"
        + (f": {e.claimed_court} is yours" if e.status == "claimed" else "")
        + ")"
        for e in entries
    )
    return f"Your waitlists: {lines}."


def waitlist_left(entry: WaitlistEntry) -> str:
    if entry.status == "claimed":
        return (
            f"Your {waitlist_for(entry.date, entry.time, entry.court).removeprefix('the ')} had already come through: "
            f"{entry.claimed_court} is booked for you; cancel that booking to give it up."
        )
    return f"You left {waitlist_for(entry.date, entry.time, entry.court)}."


def no_such_entry(entry_id: str) -> str:
    return f"You have no waitlist entry with id {entry_id}."


def notice_claimed(booking: Booking) -> str:
    return (
        f"Good news: your waitlist for {booking.date:%A} {booking.time} came through: "
        f"{booking.court} is yours ({day(booking.date)}, {length(booking.duration_minutes)})."
    )


TOO_BUSY_WAITLIST = "too many simultaneous changes to this waitlist; try again"


# --- history: a person's bookings looking back -------------------------------------------------


def period(since: dt.date | None, until: dt.date | None, today: dt.date) -> str:
    """' in November' (' in November 2025' in another year than today's), ' on Friday 27 November',
    ' from ... to ...', ' since ...', ' until ...', or ''."""
    if since and until:
        next_day = until + dt.timedelta(days=1)
        if since.day == 1 and next_day.day == 1 and (since.year, since.month) == (until.year, until.month):
            return f" in {since:%B}" if since.year == today.year else f" in {since:%B %Y}"
        if since == until:
            return f" on {day(since)}"
        return f" from {day(since)} to {day(until)}"
    if since:
        return f" since {day(since)}"
    if until:
        return f" until {day(until)}"
    return ""


def _canceller(booking: Booking) -> str:
    if booking.cancelled_by == "admin":
        return f"cancelled by the club{': ' + booking.cancel_reason if booking.cancel_reason else ''}"
    if booking.cancelled_by == "closure":
        return f"cancelled: the court was closed{' ' + because(booking.cancel_reason) if booking.cancel_reason else ''}"
    return "cancelled by you"


def history_page(when: str, bookings: Sequence[Booking], during: str, first: bool, more: bool) -> str:
    """One page of a history: "You played 3 times in November: ...", "No cancelled bookings.";
    a page of several says so ("newest first; there are more")."""
    n, plural = len(bookings), "s" if len(bookings) != 1 else ""
    if when == "cancelled":
        if not bookings:
            return f"No cancelled bookings{during}." if first else f"No more cancelled bookings{during}."
        listed = "; ".join(f"{b.court} on {day(b.date)} at {b.time}, {_canceller(b)}" for b in bookings)
        whole, latest, earlier = f"{n} cancelled booking{plural}", "Cancelled bookings", "Earlier cancelled bookings"
    else:
        if not bookings:
            return f"You have not played{during}." if first else f"No more games{during}."
        listed = "; ".join(f"{b.court} on {day(b.date)} at {b.time}" for b in bookings)
        whole, latest, earlier = f"You played {n} time{plural}", "Your latest games", "Earlier games"
    if first and not more:
        head = f"{whole}{during}"
    else:
        head = f"{latest}{during}, newest first" if first else f"{earlier}{during}"
    return f"{head}: {listed}{'; there are more' if more else ''}."


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


# --- opening hours: always a given day's, named with its weekday when days differ -------------------


def clock_time(minutes: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_span(hours: tuple[int, int]) -> str:
    """08:00-20:00"""
    return f"{clock_time(hours[0])}-{clock_time(hours[1])}"


def weekdays(date: dt.date) -> str:
    """Saturdays"""
    return f"{date:%A}s"


def day_hours(facility: Facility, date: dt.date) -> str:
    """That day's hours: "08:00-20:00 on Saturdays"; only "08:00-21:00" when every day has the same."""
    hours = facility.hours_on(date)
    if hours is None:
        return f"closed on {weekdays(date)}"
    if facility.same_hours_every_day:
        return hours_span(hours)
    return f"{hours_span(hours)} on {weekdays(date)}"


def closed_on(date: dt.date) -> str:
    return f"The club is closed on {weekdays(date)}."


def week_hours(facility: Facility) -> str:
    """The week's hours, runs of days alike together: "Monday to Friday 07:00-22:00; Saturday 08:00-20:00;
    closed on Sunday", or "every day 08:00-21:00"."""
    monday = dt.date(2024, 1, 1)  # any Monday: only the weekday of each day matters
    week = [(monday + dt.timedelta(days=i), facility.hours_on(monday + dt.timedelta(days=i))) for i in range(7)]
    if facility.same_hours_every_day and week[0][1] is not None:
        return f"every day {hours_span(week[0][1])}"
    runs: list[list[tuple[dt.date, tuple[int, int] | None]]] = []
    for day_and_hours in week:
        if runs and runs[-1][-1][1] == day_and_hours[1]:
            runs[-1].append(day_and_hours)
        else:
            runs.append([day_and_hours])
    said = []
    for run in runs:
        first, last = f"{run[0][0]:%A}", f"{run[-1][0]:%A}"
        days = first if len(run) == 1 else f"{first} and {last}" if len(run) == 2 else f"{first} to {last}"
        hours = run[0][1]
        said.append(f"closed on {days}" if hours is None else f"{days} {hours_span(hours)}")
    return "; ".join(said)


def not_a_start(time: str, duration: int, date: dt.date, facility: Facility) -> str:
    return (
        f"{time} for {duration} minutes is not a bookable start: courts open "
        f"{day_hours(facility, date)} in {facility.slot_minutes}-minute slots"
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


def cut_off(moving: bool, booking: Booking, cutoff_minutes: int, deadline: dt.datetime) -> str:
    """Bookings can be cancelled up to 2 hours before they start: ... could be cancelled until 13:00."""
    done, could = ("moved", "changed") if moving else ("cancelled", "cancelled")
    until = f"{deadline:%H:%M}" if deadline.date() == booking.date else f"{day(deadline.date())} at {deadline:%H:%M}"
    return (
        f"Bookings can be {done} up to {length(cutoff_minutes)} before they start: your booking of "
        f"{booking.court} on {day(booking.date)} at {booking.time} could be {could} until {until}."
    )


def weekly_limit_reached(limit: int, held: int, monday: dt.date) -> str:
    return (
        f"You can book at most {limit} court{'s' if limit != 1 else ''} a week (Monday to Sunday): "
        f"you already have {held} in the week of {day(monday)}."
    )


def no_such_booking(booking_id: str) -> str:
    """An admin's look-up of an id that is no booking (a holder is told not_found)."""
    return f"There is no booking with id {booking_id}."


def cursor_not_ours() -> str:
    return "cursor is not one this service gave: send the next_cursor of the page before, as it was given"


def since_after_until(since: dt.date, until: dt.date) -> str:
    return f"since ({since.isoformat()}) must not be after until ({until.isoformat()})"


# --- closures ------------------------------------------------------------------------------------


def wall_day_time(wall: str) -> str:
    """2026-12-14T08:00 -> Monday 14 December 08:00"""
    when = dt.datetime.fromisoformat(wall)
    return f"{day(when.date())} {when:%H:%M}"


def because(reason: str) -> str:
    """'for resurfacing'; a reason already written 'for coaching' is kept as it is."""
    return reason if reason.casefold().startswith("for ") else f"for {reason}"


def closed_place(court: str | None) -> str:
    """Who a closure shuts: a court, or (None) the whole club."""
    return court or "The club"


def closed_until(place: str, end: str, reason: str) -> str:
    """Court B is closed until Friday 18 December at 21:00 for resurfacing."""
    when = dt.datetime.fromisoformat(end)
    return f"{place} is closed until {day(when.date())} at {when:%H:%M} {because(reason)}."


def closure_span(court: str | None, start: str, end: str, reason: str) -> str:
    """Court B is closed from Monday 14 December 08:00 to Friday 18 December 21:00 for resurfacing."""
    return f"{closed_place(court)} is closed from {wall_day_time(start)} to {wall_day_time(end)} {because(reason)}."


def holder_booking(booking: Booking) -> str:
    """Court B on Monday 14 December at 10:00 (ann)"""
    return f"{booking.court} on {day(booking.date)} at {booking.time} ({booking.user_id})"


def closure_made(span: str, standing: Sequence[Booking], cancelled: Sequence[Booking]) -> str:
    """What a close did: the closure, the bookings inside it that stand, those it cancelled."""
    parts = [span]
    if cancelled:
        n = len(cancelled)
        parts.append(
            f"Cancelled {n} booking{'s' if n != 1 else ''} inside it, and told "
            f"{'each holder' if n != 1 else 'its holder'}: {'; '.join(holder_booking(b) for b in cancelled)}."
        )
    if standing:
        n = len(standing)
        listed = "; ".join(holder_booking(b) for b in standing)
        verb = "are" if n != 1 else "is"
        parts.append(
            f"{n} booking{'s' if n != 1 else ''} {verb} inside it: {listed}. "
            f"{'They stand' if n != 1 else 'It stands'}: cancel {'them' if n != 1 else 'it'}, "
            "or close again with cancel_affected."
        )
    if not standing and not cancelled:
        parts.append("No booking is inside it.")
    return " ".join(parts)


def closures_listed(spans: Sequence[str]) -> str:
    if not spans:
        return "No closures."
    return f"{len(spans)} closure{'s' if len(spans) != 1 else ''}: {' '.join(spans)}"


def closure_incomplete(closure_id: str) -> str:
    return f"Closure {closure_id} was interrupted while it was made: delete it or close again."


def day_sheet(date: dt.date, hours: str | None, bookings: Sequence[Booking], spans: Sequence[str]) -> str:
    """Friday 27 November, open 08:00-21:00: 2 bookings. Court B is closed from ..."""
    opening = f"open {hours}" if hours else "closed all day"
    n = len(bookings)
    listed = f"{n} booking{'s' if n != 1 else ''}" + (
        f": {'; '.join(holder_booking(b) for b in bookings)}" if n else ""
    )
    return " ".join([f"{day(date)}, {opening}: {listed}.", *spans])


def no_such_closure(closure_id: str) -> str:
    return f"There is no closure with id {closure_id}."


def closure_not_ordered(start: str, end: str) -> str:
    return f"a closure must end after it starts: {start} to {end}"


def closure_over(end: str) -> str:
    return f"the closure would already be over: it ends {wall_day_time(end)}, which has passed"


def closure_too_long(most_days: int, start: str, end: str) -> str:
    return f"a closure may last at most {most_days} days: {start} to {end} is longer; close it in parts"


def closure_interrupted(why: str, closure_id: str, step: str) -> str:
    return (
        f"{why}. The closure {closure_id} stopped {step}: it is listed incomplete; "
        "delete it (which removes whatever was written) or close again to finish it"
    )


def closure_cancels_interrupted(why: str, closure_id: str, done: int, total: int) -> str:
    return (
        f"{why}. The closure {closure_id} is in place, but only {done} of the {total} bookings inside it "
        "were cancelled: close again with cancel_affected to cancel the rest"
    )


TOO_BUSY_CLOSURE = "too many simultaneous changes to the closures of this court and day; try again"


def reopen_interrupted(why: str, closure_id: str, done: int, total: int) -> str:
    return (
        f"{why}. Reopening {closure_id} stopped after {done} of its {total} court-days: "
        "it is still listed; delete it again to finish"
    )


# --- faults -------------------------------------------------------------------------------------


def dynamodb_throttled(code: str) -> str:
    return f"DynamoDB is throttling or unavailable ({code}); try again shortly"


def dynamodb_unreachable(kind: str) -> str:
    return f"DynamoDB could not be reached ({kind}); try again shortly"


def may_or_may_not_be_booked(why: str) -> str:
    return f"{why}; the booking may or may not have been made: check your bookings before retrying"


TOO_BUSY_USER = "too many simultaneous requests for this user; try again"
TOO_BUSY_BOOKING = "too many simultaneous requests for this booking; try again"


# --- series ---------------------------------------------------------------------------------

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_names(weekdays: Sequence[int]) -> str:
    """Tuesday; Tuesday and Thursday; weekday (Monday to Friday); day (all seven)."""
    days = sorted(weekdays)
    if days == [1, 2, 3, 4, 5]:
        return "weekday"
    if days == list(range(1, 8)):
        return "day"
    names = [_WEEKDAY_NAMES[d - 1] for d in days]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def weekdays_plural(weekdays: Sequence[int]) -> str:
    """Tuesdays; Tuesdays and Thursdays; weekdays; any day."""
    days = sorted(weekdays)
    if days == list(range(1, 8)):
        return "any day"
    if days == [1, 2, 3, 4, 5]:
        return "weekdays"
    names = [f"{_WEEKDAY_NAMES[d - 1]}s" for d in days]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def series_name(weekdays: Sequence[int], time: str, every_weeks: int = 1) -> str:
    """every Tuesday at 19:00; every Tuesday and Thursday at 18:00; every weekday at 07:00; every other Tuesday
    at 19:00; every 3 weeks on Tuesday at 19:00."""
    if every_weeks == 2:
        return f"every other {weekday_names(weekdays)} at {time}"
    if every_weeks > 2:
        return f"every {every_weeks} weeks on {weekday_names(weekdays)} at {time}"
    return f"every {weekday_names(weekdays)} at {time}"


def series_span(first: dt.date, last: dt.date) -> str:
    return f"from {day(first)} to {day(last)}"


def series_bad_span(first: dt.date, until: dt.date) -> str:
    return f"A series cannot end ({day_and_year(until)}) before it begins ({day_and_year(first)})."


def series_starts_past(first: dt.date, today: dt.date) -> str:
    return f"A series begins today ({day(today)}) or later, not on {day_and_year(first)}."


def series_no_dates(name: str, first: dt.date, last: dt.date) -> str:
    return f"There is no date {name} {series_span(first, last)}."


def series_too_far(first: dt.date, last: dt.date, weeks: int) -> str:
    return (
        f"A series spans at most {weeks} weeks and begins within a year: not {day_and_year(first)} to "
        f"{day_and_year(last)}."
    )


def series_too_long(count: int, most: int) -> str:
    return f"A series has at most {most} dates; this one has {count}. Make it shorter, or book it in parts."


def series_occurrence(status: str, court: str | None, time: str, nearest: Sequence[Slot], why: str = "") -> str:
    """What one date of a series is, in a few words: 'free on Court A', 'taken; nearest free 18:00 or 20:00, or
    join its waitlist', 'booked on Court A', 'not booked: <why>'."""
    if status in ("free", "booked"):
        return f"{status} on {court}"
    if status == "taken":
        near = " or ".join(s.time for s in nearest[:2])
        instead = f"nearest free {near}, or join its waitlist" if near else "nothing else free; join its waitlist"
        return f"{why or 'taken'}; {instead}"
    return why


def series_lines(dates: Sequence[tuple[dt.date, str]]) -> str:
    return "\n".join(f"- {day(date)}: {said}" for date, said in dates)


def series_counts(counts: dict[str, int]) -> str:
    """4 free, 2 taken."""
    return ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items())


def series_all_or_none_blocked(blocked: Sequence[tuple[dt.date, str]]) -> str:
    dates = "; ".join(f"{day(date)}: {why}" for date, why in blocked)
    return f"All or none: nothing was booked, because not every date can be booked ({dates})."


def series_all_or_none_limit(count: int, held: int, limit: int) -> str:
    return (
        f"All or none: nothing was booked. {count} more bookings would make {held + count}, and at most {limit} "
        f"upcoming bookings are allowed."
    )


def series_all_or_none_week(count: int, held: int, limit: int, monday: dt.date) -> str:
    return (
        f"All or none: nothing was booked. {count} of its dates fall in the week of {day(monday)}, where you have "
        f"{held}, and at most {limit} court{'s' if limit != 1 else ''} a week can be booked."
    )


def series_all_or_none_too_many(count: int, most: int) -> str:
    return (
        f"All or none books at most {most} dates of this length in one go (one DynamoDB transaction); this series "
        f"has {count}. Book the free ones instead, or a shorter series."
    )


def series_taken_meanwhile(court: str, date: dt.date, time: str) -> str:
    return f"All or none: nothing was booked, because {court} on {day(date)} at {time} was taken a moment ago."


def no_such_series(series_id: str) -> str:
    return f"No series {series_id} of yours."


def no_occurrence_on(date: dt.date) -> str:
    return f"This series has no booked date on {day_and_year(date)} that has not started."


def series_listed(count: int) -> str:
    return f"You have {count} series." if count else "You have no series."
