"""A booking as an iCalendar file (RFC 5545): the invite GET /bookings/{id}/calendar answers.

One VEVENT whose UID is the booking id, so every file of one booking is the same
event to a calendar: a move keeps the UID and raises SEQUENCE (calendars replace
an event only by a higher SEQUENCE), and a cancelled booking is METHOD:CANCEL with
STATUS:CANCELLED at a higher SEQUENCE still. Times are the facility's wall times
with TZID = its zone and a VTIMEZONE built by icalendar from the zone's real rules
(the tz database) over the booking's year, so both its STANDARD and DAYLIGHT
onsets are there. A facility in UTC gets UTC times (`...Z`: RFC 5545 3.3.5 puts
no TZID on UTC times) and still its VTIMEZONE (TZID:UTC, one STANDARD rule at
+0000), so every invite carries the facility's zone. A
reminder (VALARM, DISPLAY) goes off an hour before play.

`icalendar` is imported inside `invite`, so only this route pays for it.
"""

from __future__ import annotations

import datetime as dt

from courtbooking import config, words
from courtbooking.config import Facility
from courtbooking.models import Booking
from courtbooking.schedule import Schedule

PRODID = "-//Court booking//Calendar invites 1.0//EN"
MEDIA_TYPE = "text/calendar"
CONTENT_TYPE = f"{MEDIA_TYPE}; charset=utf-8"
REMINDER = dt.timedelta(hours=1)


# The invite's ORGANIZER (template parameter InviteOrganizerEmail): the club's address.
ORGANIZER_VARIABLE = "INVITE_ORGANIZER_EMAIL"
DEFAULT_ORGANIZER = "no-reply@court-booking.invalid"


def organizer_email() -> str:
    return config.read(ORGANIZER_VARIABLE, DEFAULT_ORGANIZER)


def filename(booking_id: str) -> str:
    return f"court-booking-{booking_id}.ics"


def invite(booking: Booking, facility: Facility, now: dt.datetime) -> bytes:
    """The booking's iCalendar file: METHOD:PUBLISH while confirmed, METHOD:CANCEL once cancelled.

    `now` is DTSTAMP, when this file was made (an aware instant).
    """
    import icalendar  # here, not at the top: the orchestrator's other routes never load it

    start = Schedule(facility).start_instant(booking.date, booking.time)  # the wall time in the facility's zone
    end = start + dt.timedelta(minutes=booking.duration_minutes)  # wall-time arithmetic: the last slot's end
    cancelled = booking.status == "cancelled"

    event = icalendar.Event()
    event.add("uid", booking.booking_id)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"Tennis: {booking.court}")
    event.add("location", booking.court)
    summary = words.booking_summary(booking.court, booking.date, booking.time, booking.duration_minutes)
    event.add("description", f"{'Cancelled. ' if cancelled else ''}Booking {booking.booking_id}: {summary}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = icalendar.vCalAddress(f"mailto:{organizer_email()}")
    organizer.params["cn"] = icalendar.vText("Court booking")
    event.add("organizer", organizer)  # RFC 5546 3.2.1 and 3.2.5: required with PUBLISH and CANCEL

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMINDER)
    alarm.add("description", f"Tennis on {booking.court} at {booking.time}")
    event.add_component(alarm)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    first, last = dt.date(booking.date.year, 1, 1), dt.date(booking.date.year + 1, 1, 1)
    if facility.timezone.key == "UTC":
        calendar.add_component(icalendar.Timezone.from_tzid("UTC", first_date=first, last_date=last))  # not added by
        # add_missing_timezones, since no TZID refers to it
    else:
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
