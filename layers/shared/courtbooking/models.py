"""The models every service shares: the values (a time, a user id, an error code), the intent parser's contract
(its request, the Intent, the conversation), a slot, a booking and a series' dates.

These and `courtbooking.contracts` (the availability, booking and HTTP contracts) are the single definition of
every event and answer in the workflow; handlers validate against them at the edge, and the tests use them to
check the event files in `events/`. They are two modules so that the intent parser, which needs only these,
never creates the classes of the others: a cold start creates only what its function imports
(docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

HHMM_PATTERN = r"^([01]\d|2[0-3]):([0-5]\d)$"
_HHMM = re.compile(HHMM_PATTERN)
MAX_MESSAGE_CHARS = 500


def _check_hhmm(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError("must be a time of day as HH:MM (00:00 to 23:59)")
    return value


HHMM = Annotated[str, AfterValidator(_check_hhmm)]
# A length of play asked for, in minutes: a JSON number, never `true` or "60" read as one.
Minutes = Annotated[int, Field(strict=True, ge=1, le=24 * 60)]
# Who may be named as a user (X-User-Id, a token's sub, user_id in an event), and an Idempotency-Key.
# Ids are exact: matched whole (re.fullmatch), never stripped or folded, so "alice\n" is refused,
# not read as "alice"; the id checked at the edge is the id every service stores and compares.
USER_ID_PATTERN = r"[A-Za-z0-9_.@:+\-|]{1,128}"
IDEMPOTENCY_KEY_PATTERN = r"[\x21-\x7e]{1,128}"
UserId = Annotated[
    str,
    StringConstraints(strip_whitespace=False, min_length=1, max_length=128, pattern=f"^{USER_ID_PATTERN}$"),
]
Action = Literal["book", "check", "cancel", "list", "move", "history", "close", "waitlist", "series"]
# Which of a person's bookings: those to come (one strongly consistent read), played, or cancelled.
HistoryWhen = Literal["upcoming", "past", "cancelled"]
# Who cancelled a booking: its holder, one of the club's admins, or a closure of its court.
Canceller = Literal["holder", "admin", "closure"]
WALL_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$"
Reply = Literal["yes", "no"]
# What the last answer asked the person: a time, a day, to take an offer, which booking, or to book a series.
Pending = Literal["time", "day", "offer", "booking", "series"]
# What a message does with a recurring booking: see its dates, book them, cancel the series, skip one date.
SeriesStep = Literal["preview", "book", "cancel", "skip"]
MAX_SERIES_WEEKS = 26  # a series spans at most half a year
Weekday = Annotated[int, Field(strict=True, ge=1, le=7)]  # ISO: 1 is Monday, 7 Sunday
MAX_OFFERS = 10
ParserName = Literal["openai", "offline"]


class Model(BaseModel):
    """Base of every model here. Each builds its validator on first use, not at import: a function
    uses a few of these models, so a cold start builds only its own (docs/performance.md)."""

    model_config = ConfigDict(defer_build=True)


class Contract(Model):
    """Base of every request: unknown fields are refused so a typo is named, not ignored.

    Strings are taken as given (ids above all); only free text (a message) strips its own whitespace.
    """

    model_config = ConfigDict(extra="forbid")

    correlation_id: str | None = Field(
        default=None, max_length=128, description="The API request id, carried to every service's logs."
    )


class ErrorCode(StrEnum):
    """Every code an error can carry. The services answer all but the last three in their envelopes;
    the last three are the orchestrator's own, over HTTP only."""

    INVALID_REQUEST = "INVALID_REQUEST"
    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    CLOSED = "CLOSED"
    SLOT_TAKEN = "SLOT_TAKEN"
    SLOT_FREE = "SLOT_FREE"  # a waitlist asked for a start that can be booked now
    SLOT_INVALID = "SLOT_INVALID"
    NOT_FOUND = "NOT_FOUND"
    LIMIT_REACHED = "LIMIT_REACHED"
    ALREADY_BOOKED = "ALREADY_BOOKED"
    TOO_LATE = "TOO_LATE"
    CANCELLED = "CANCELLED"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    REQUEST_IN_PROGRESS = "REQUEST_IN_PROGRESS"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # HTTP only (the orchestrator): a service failed or timed out; a body of another media type.
    SERVICE_FAILED = "SERVICE_FAILED"
    SERVICE_TIMEOUT = "SERVICE_TIMEOUT"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"


# --- intent parser ------------------------------------------------------------


class TimeWindow(Model):
    start: HHMM
    end: HHMM

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.end <= self.start:
            raise ValueError("window end must be later than its start")
        return self


def _check_wall_time(value: str) -> str:
    if not re.match(WALL_TIME_PATTERN, value):
        raise ValueError("must be a wall time in the facility's zone as YYYY-MM-DDTHH:MM, without an offset")
    dt.datetime.fromisoformat(value)  # a real date: 2026-02-30T10:00 is refused
    return value


# A local wall time in the facility's zone, e.g. 2026-12-14T08:00 (a closure's start or end).
WallTime = Annotated[str, AfterValidator(_check_wall_time)]


class DateRange(Model):
    """Days in the facility's zone, both included ("last month": 1 to 30 November)."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError("the range must not end before it starts")
        return self


class BookingRef(Model):
    """Which of the person's bookings a message is about ("move my 5pm ...": time 17:00)."""

    date: dt.date | None = None
    time: HHMM | None = None
    court: str | None = None
    place: int | None = Field(default=None, ge=0, lt=100, description="Its place in the bookings last listed, 0 first.")


class SeriesAsk(Model):
    """What a message says of a recurring booking ("every Tuesday at 7pm for 6 weeks", "book them all or none",
    "cancel my Tuesday series", "skip next Tuesday": its date is the Intent's). Its time, court and length are
    the Intent's; what it leaves out is the conversation's."""

    step: SeriesStep = "preview"
    weekdays: list[Weekday] = Field(default_factory=list, max_length=7, description="ISO weekdays said.")
    weeks: int | None = Field(default=None, ge=1, le=MAX_SERIES_WEEKS, description='"for 6 weeks" (a month: 4).')
    until: dt.date | None = Field(default=None, description='The last day ("until Christmas": 24 December).')
    first: dt.date | None = Field(default=None, description='The first day ("next week": its Monday).')
    all_or_none: bool = Field(default=False, description='"book them all or none".')
    every_weeks: int | None = Field(default=None, ge=1, le=4, description='"every other Tuesday": 2.')


class Intent(Model):
    """What the person asked for, resolved in the facility's time zone and in the conversation.

    For `move`, date, time, court and duration are where the booking goes (only what was
    said); `booking` names which booking, when the message says so ("move my 5pm").
    """

    action: Action | None = None
    date: dt.date | None = None
    time: HHMM | None = None
    window: TimeWindow | None = None
    court: str | None = None
    duration_minutes: Minutes | None = None
    offer: int | None = Field(
        default=None, ge=0, lt=MAX_OFFERS, description="The offer taken, as an index into the context's offers."
    )
    reply: Reply | None = Field(default=None, description="yes or no to the pending question.")
    booking: BookingRef | None = Field(default=None, description="Which booking a move or cancel is about.")
    impossible: str | None = Field(
        default=None, max_length=80, description='A date or time written that does not exist ("30 February").'
    )
    unknown_court: str | None = Field(default=None, max_length=80, description="A court named that is not one.")
    period: DateRange | None = Field(
        default=None, description='Days a history or a closure covers ("last month", "14-18 December").'
    )
    history: HistoryWhen | None = Field(default=None, description="Which bookings a history asks for.")
    reason: str | None = Field(default=None, max_length=200, description='Why a court is closed ("for coaching").')
    series: SeriesAsk | None = Field(default=None, description="For series: what it says of the series.")
    until: str | None = Field(
        default=None,
        pattern=WALL_TIME_PATTERN,
        description='For a waitlist: when to stop waiting ("until Thursday noon"), YYYY-MM-DDTHH:MM in the '
        "facility's zone.",
    )
    uncertain: str | None = Field(
        default=None,
        max_length=300,
        description="Set when OpenAI and the offline parser read the booking differently: ask, book neither.",
    )
    raw_message: str = ""
    parser: ParserName = "offline"

    @property
    def understood(self) -> bool:
        return any((self.action, self.date, self.time, self.window, self.court, self.reply, self.offer is not None))


class ConversationContext(Model):
    """What a conversation is about, kept by the orchestrator and sent to the intent parser with
    the next message; the client sends only the conversation's id."""

    model_config = ConfigDict(extra="forbid")

    action: Action | None = Field(default=None, description="What was being done: book, check, move ...")
    date: dt.date | None = Field(default=None, description="The day under discussion.")
    time: HHMM | None = None
    window: TimeWindow | None = None
    court: str | None = Field(default=None, max_length=64)
    duration_minutes: Minutes | None = None
    pending: Pending | None = Field(default=None, description="What the last answer asked.")
    offers: list[Slot] = Field(default_factory=list, max_length=MAX_OFFERS, description="The last offers, in order.")
    offer_action: Literal["book", "move"] = Field(default="book", description="What taking an offer does.")
    booking: Booking | None = Field(default=None, description="The booking this conversation is about.")
    bookings: list[Booking] = Field(default_factory=list, max_length=MAX_OFFERS, description="The last listed.")
    series: SeriesSpec | None = Field(default=None, description='The series last previewed ("book them" books it).')


class IntentRequest(Contract):
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    now: dt.datetime | None = Field(default=None, description="Reference instant (ISO-8601); defaults to now.")
    context: ConversationContext | None = Field(
        default=None, description="The conversation so far: the day in focus, the last offers, a pending question."
    )

    @model_validator(mode="after")
    def _aware(self) -> IntentRequest:
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError("now must include a UTC offset, e.g. 2026-11-27T15:00:00Z")
        return self


class Slot(Model):
    slot_id: str
    court: str
    date: dt.date
    time: HHMM
    duration_minutes: int


class SeriesSpec(Model):
    """Which dates and which start a recurring booking is: every one of `weekdays` from `first` (default: the
    facility's today) for `weeks` weeks, or up to and including `until`; dates in the facility's zone, each at
    the same wall time `time` (also on a day the clocks change)."""

    model_config = ConfigDict(extra="forbid")

    weekdays: list[Weekday] = Field(min_length=1, max_length=7, description="ISO weekdays: 1 Monday .. 7 Sunday.")
    time: HHMM
    duration_minutes: Minutes | None = Field(default=None, description="Defaults to one slot.")
    court: str | None = Field(default=None, min_length=1, max_length=100, description="None: any court.")
    first: dt.date | None = Field(default=None, description="The first day it may fall on; default today.")
    weeks: int | None = Field(default=None, strict=True, ge=1, le=MAX_SERIES_WEEKS, description="How many weeks.")
    until: dt.date | None = Field(default=None, description="The last day it may fall on (instead of weeks).")
    every_weeks: int = Field(
        default=1, strict=True, ge=1, le=4, description="1: every week; 2: every other week (from its first date)."
    )

    @model_validator(mode="after")
    def _one_end(self) -> SeriesSpec:
        if (self.weeks is None) == (self.until is None):
            raise ValueError("a series ends after `weeks` weeks or on `until`: give exactly one")
        if len(set(self.weekdays)) != len(self.weekdays):
            raise ValueError("each weekday is named once")
        return self


class Booking(Model):
    booking_id: str
    court: str
    date: dt.date
    time: HHMM
    duration_minutes: int
    user_id: str
    status: Literal["confirmed", "cancelled"] = "confirmed"
    sequence: int = Field(default=0, ge=0, description="Grows with every change (a move, the cancel): the invite's.")
    cancelled_at: dt.datetime | None = Field(default=None, description="When it was cancelled (UTC), if it was.")
    cancelled_by: Canceller | None = Field(
        default=None, description="Who cancelled it: its holder, an admin, a closure."
    )
    cancel_reason: str | None = Field(default=None, description="Why an admin or a closure cancelled it.")
    cancelled_by_id: str | None = Field(
        default=None, description="The holder's, the admin's or the closure's id: shown to admins only."
    )
    already_held: bool = Field(
        default=False, description="True when the person already held this very slot: nothing new was booked."
    )
    message: str = ""
