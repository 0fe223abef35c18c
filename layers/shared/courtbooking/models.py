"""The service contracts: what each Lambda accepts and answers.

These pydantic models are the single definition of every event and answer in
the workflow; handlers validate against them at the edge, and the tests use
them to check the event files in `events/`.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, StringConstraints, model_validator

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


# --- availability ---------------------------------------------------------------


class AvailabilityQuery(Model):
    model_config = ConfigDict(extra="ignore")

    action: Action | None = None
    date: dt.date | None = Field(default=None, description="Defaults to today in the facility's time zone.")
    time: HHMM | None = None
    window: TimeWindow | None = None
    court: str | None = Field(default=None, max_length=64)
    duration_minutes: Minutes | None = None


class AvailabilityRequest(Contract):
    """Either `{"intent": {...}}` (the intent parser's data) or the same fields at the top level."""

    intent: AvailabilityQuery

    @model_validator(mode="before")
    @classmethod
    def _flat_form(cls, data: Any) -> Any:
        if isinstance(data, dict) and "intent" not in data:
            inner = {k: data[k] for k in AvailabilityQuery.model_fields if k in data}
            rest = {k: v for k, v in data.items() if k not in AvailabilityQuery.model_fields}
            return {**rest, "intent": inner}
        return data


class Slot(Model):
    slot_id: str
    court: str
    date: dt.date
    time: HHMM
    duration_minutes: int


class Availability(Model):
    date: dt.date
    slots: list[Slot] = Field(description="Free slots that match what was asked.")
    alternatives: list[Slot] = Field(
        default_factory=list, description="Nearest free starts that day when nothing matched the asked time."
    )
    other_days: list[Slot] = Field(
        default_factory=list, description="The asked time on the nearest other days that have it free."
    )
    closed: str | None = Field(
        default=None, description="When a closure shuts every slot asked for: which, why and until when."
    )
    message: str


# --- booking ------------------------------------------------------------------


IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=f"^{IDEMPOTENCY_KEY_PATTERN}$")]
BookingId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-]+$")]


class BookRequest(Contract):
    """Book a slot: `{"slot_id", "user_id"}` (operation defaults to "book")."""

    operation: Literal["book"] = "book"
    slot_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    user_id: UserId
    duration_minutes: Minutes | None = None
    idempotency_key: IdempotencyKey | None = Field(
        default=None, description="A retry with the same key returns the first answer instead of booking again."
    )
    request_fingerprint: str | None = Field(
        default=None,
        max_length=128,
        description="What makes a retry 'the same request' (defaults to slot_id and duration_minutes).",
    )


MAX_SLOTS_PER_ATTEMPT = 3


class BookFirstRequest(Contract):
    """A chat's booking in one call: the first of `slot_ids` that is free, unless the person already holds a
    booking that answers `ask` (then that one) or is at their limit; when every slot went to someone faster,
    what is free instead (`instead`, else `ask`) comes back with the answer (BookingAttempt)."""

    operation: Literal["book_first"]
    user_id: UserId
    slot_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        max_length=MAX_SLOTS_PER_ATTEMPT
    )
    duration_minutes: Minutes | None = None
    ask: AvailabilityQuery = Field(description="What the person asked for: day, and time or window, and court.")
    instead: AvailabilityQuery | None = Field(default=None, description="What to offer when every slot is taken.")
    idempotency_key: IdempotencyKey | None = None
    request_fingerprint: str | None = Field(default=None, max_length=128)


class ListBookingsRequest(Contract):
    operation: Literal["list"]
    user_id: UserId
    with_waitlist: bool = Field(default=False, description="Also the person's waitlists (the chat's list).")


class BookingByIdRequest(Contract):
    operation: Literal["get", "cancel"]
    user_id: UserId
    booking_id: BookingId


class MoveBookingRequest(Contract):
    """Move a booking to another slot (and length), atomically: it is moved whole, or left as it was."""

    operation: Literal["move"]
    user_id: UserId
    booking_id: BookingId
    slot_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    duration_minutes: Minutes | None = Field(default=None, description="Defaults to the booking's own length.")


Cursor = Annotated[str, StringConstraints(min_length=1, max_length=512, pattern=r"^[A-Za-z0-9_\-=]+$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ClosureId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-]+$")]


class HistoryRequest(Contract):
    """A person's bookings: upcoming (one strongly consistent read), past (newest first) or cancelled."""

    operation: Literal["history"]
    user_id: UserId
    when: HistoryWhen = "past"
    since: dt.date | None = Field(default=None, description="First day (facility's zone), included.")
    until: dt.date | None = Field(default=None, description="Last day (facility's zone), included.")
    cursor: Cursor | None = Field(default=None, description="The next_cursor of the page before.")
    limit: int = Field(default=20, ge=1, le=100, strict=True)


class AdminBookingRequest(Contract):
    """An admin reads or cancels anyone's booking (the orchestrator has checked the admin group)."""

    operation: Literal["admin_get", "admin_cancel"]
    admin_id: UserId
    booking_id: BookingId
    reason: Reason | None = Field(default=None, description="Why an admin cancelled it (told to the holder).")


class DaySheetRequest(Contract):
    """Every booking of a day with its holder, and the day's closures: the front desk's sheet."""

    operation: Literal["day_sheet"]
    admin_id: UserId
    date: dt.date


class CloseRequest(Contract):
    """Close a court (or, without `court`, the facility) from `start` to `end`, wall times in the facility's zone."""

    operation: Literal["close"]
    admin_id: UserId
    court: str | None = Field(default=None, max_length=64, description="Leave out to close every court.")
    start: WallTime
    end: WallTime
    reason: Reason
    cancel_affected: bool = Field(default=False, strict=True, description="Cancel the bookings inside it.")


class ClosuresRequest(Contract):
    operation: Literal["closures"]
    admin_id: UserId


class ReopenRequest(Contract):
    """Remove a closure: its slots can be booked again."""

    operation: Literal["reopen"]
    admin_id: UserId
    closure_id: ClosureId


EntryId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-]+$")]


class WaitlistJoinRequest(Contract):
    """Wait for a start that is taken: on `court`, or on any court when none is named, until `until`
    (default, and at the latest: the start). The first eligible person waiting gets a freed court by itself."""

    operation: Literal["waitlist_join"]
    user_id: UserId
    date: dt.date
    time: HHMM
    duration_minutes: Minutes | None = Field(default=None, description="Defaults to one slot.")
    court: str | None = Field(default=None, max_length=100, description="None: any court.")
    until: dt.datetime | None = Field(
        default=None, description="When to stop waiting (with a UTC offset); at the latest, the start."
    )


class WaitlistListRequest(Contract):
    operation: Literal["waitlist_list"]
    user_id: UserId


class WaitlistLeaveRequest(Contract):
    operation: Literal["waitlist_leave"]
    user_id: UserId
    entry_id: EntryId


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

    @model_validator(mode="after")
    def _one_end(self) -> SeriesSpec:
        if (self.weeks is None) == (self.until is None):
            raise ValueError("a series ends after `weeks` weeks or on `until`: give exactly one")
        if len(set(self.weekdays)) != len(self.weekdays):
            raise ValueError("each weekday is named once")
        return self


class SeriesPreviewRequest(Contract):
    """Every date of a series, before anything is booked: free, taken (with the nearest free starts that day, or
    the waitlist), closed, beyond the booking horizon."""

    operation: Literal["series_preview"]
    user_id: UserId
    series: SeriesSpec


class SeriesBookRequest(Contract):
    """Book a series: the free dates, each atomically (`all_or_none` false), or all of them in one transaction or
    nothing. The answer reports every date."""

    operation: Literal["series_book"]
    user_id: UserId
    series: SeriesSpec
    all_or_none: bool = False
    idempotency_key: IdempotencyKey | None = Field(
        default=None, description="A retry with the same key returns the first answer instead of booking again."
    )


class SeriesListRequest(Contract):
    operation: Literal["series_list"]
    user_id: UserId


class SeriesGetRequest(Contract):
    operation: Literal["series_get"]
    user_id: UserId
    series_id: EntryId


class SeriesCancelRequest(Contract):
    """Cancel a series' occurrences that have not started; with `date`, only that day's (skip one)."""

    operation: Literal["series_cancel"]
    user_id: UserId
    series_id: EntryId
    date: dt.date | None = Field(default=None, description="Skip only this date's occurrence.")


class BookingRequest(
    RootModel[
        Annotated[
            BookRequest
            | BookFirstRequest
            | ListBookingsRequest
            | BookingByIdRequest
            | MoveBookingRequest
            | HistoryRequest
            | AdminBookingRequest
            | DaySheetRequest
            | CloseRequest
            | ClosuresRequest
            | ReopenRequest
            | WaitlistJoinRequest
            | WaitlistListRequest
            | WaitlistLeaveRequest
            | SeriesPreviewRequest
            | SeriesBookRequest
            | SeriesListRequest
            | SeriesGetRequest
            | SeriesCancelRequest,
            Field(discriminator="operation"),
        ]
    ]
):
    """The booking service's event: book (default), list, get, cancel, move, history or the waitlist's
    waitlist_join, waitlist_list and waitlist_leave, or the series' series_preview, series_book, series_list,
    series_get and series_cancel, always for one user;
    or one of the admin operations (admin_get, admin_cancel, day_sheet, close, closures, reopen), for an
    admin the orchestrator has checked."""

    model_config = ConfigDict(defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _default_operation(cls, data: Any) -> Any:
        if isinstance(data, dict) and "operation" not in data:
            return {**data, "operation": "book"}
        return data

    @property
    def correlation_id(self) -> str | None:
        return self.root.correlation_id


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


class BookingList(Model):
    bookings: list[Booking]
    waitlist: list[WaitlistEntry] = Field(default_factory=list, description="With with_waitlist: their waitlists.")
    message: str


class BookingAttempt(Model):
    """How a BookFirstRequest ended. booked: `booking` is new; held: `booking` is theirs already; limit: they
    hold as many as allowed (`bookings`); taken: every slot went to someone faster (`availability`, if asked)."""

    outcome: Literal["booked", "held", "limit", "taken"]
    booking: Booking | None = None
    bookings: list[Booking] = Field(default_factory=list, description="The person's upcoming bookings, as read.")
    availability: Availability | None = None
    message: str


WaitStatus = Literal["waiting", "claimed", "expired"]


class WaitlistEntry(Model):
    """One person waiting for a start: `waiting`; `claimed` (a freed court became `booking_id`); or `expired`
    (its `until` passed). Shown until the start has passed."""

    entry_id: str
    user_id: str
    date: dt.date
    time: HHMM
    duration_minutes: int
    court: str | None = Field(description="The court waited for; None: any court.")
    until: dt.datetime = Field(description="When the waiting ends (UTC): the deadline asked, else the start.")
    joined_at: dt.datetime
    status: WaitStatus
    booking_id: str | None = Field(default=None, description="The booking the claim made, once claimed.")
    claimed_court: str | None = Field(default=None, description="The court it was claimed on.")
    already_waiting: bool = Field(default=False, description="True when joining again found this very entry.")
    message: str = ""


class WaitlistEntries(Model):
    entries: list[WaitlistEntry]
    message: str


OccurrenceStatus = Literal[
    "free",
    "taken",
    "closed",
    "beyond_horizon",
    "started",
    "unavailable",
    "already_booked",
    "limit",
    "booked",
    "cancelled",
    "played",
]


class Occurrence(Model):
    """One date of a series. Before booking: free (`slot_id`, to be booked), taken (`nearest` free starts that
    day; `waitlist` when it can be waited for), closed, beyond_horizon (not bookable yet), started, unavailable
    (no such start that day), already_booked (the person holds that time). After: booked (`booking_id`), or why
    not (taken, limit, ...); later cancelled or played. `message` says it in words."""

    date: dt.date
    time: HHMM
    duration_minutes: int
    court: str | None = Field(default=None, description="The court it is (to be) booked on.")
    status: OccurrenceStatus
    slot_id: str | None = None
    booking_id: str | None = None
    nearest: list[Slot] = Field(default_factory=list, description="Taken: the nearest free starts that day.")
    waitlist: bool = Field(default=False, description="Taken: its waitlist can be joined.")
    message: str


class Series(Model):
    """A recurring booking: its dates as computed (a preview has no `series_id`), each with its status."""

    series_id: str | None = None
    user_id: str
    weekdays: list[int]
    time: HHMM
    duration_minutes: int
    court: str | None = None
    first: dt.date
    last: dt.date
    all_or_none: bool = False
    created_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    occurrences: list[Occurrence]
    message: str


class SeriesList(Model):
    series: list[Series]
    message: str


class BookingPage(Model):
    """One page of a history, and the cursor of the next (None: this is the last)."""

    when: HistoryWhen
    bookings: list[Booking]
    next_cursor: str | None = None
    message: str


class Closure(Model):
    closure_id: str
    court: str | None = Field(description="None: the whole facility.")
    start: str = Field(description="Wall time in the facility's zone, YYYY-MM-DDTHH:MM.")
    end: str
    reason: str
    created_by: str
    created_at: dt.datetime
    complete: bool = Field(default=True, description="False: creating it was interrupted; delete it or close again.")


class ClosureResult(Model):
    """A new closure, the bookings inside it, and those it cancelled (cancel_affected)."""

    closure: Closure
    affected: list[Booking] = Field(default_factory=list, description="Bookings inside it, still standing.")
    cancelled: list[Booking] = Field(default_factory=list, description="Bookings inside it, cancelled by it.")
    message: str


class ClosureList(Model):
    closures: list[Closure]
    message: str


class DaySheet(Model):
    date: dt.date
    hours: str | None = Field(description='That day\'s opening hours, "08:00-20:00"; None: closed all day.')
    bookings: list[Booking] = Field(description="Every booking of the day, by time then court, with its holder.")
    closures: list[Closure] = Field(default_factory=list)
    message: str


class Notice(Model):
    """Something that happened to a person's booking without them (cancelled by the club, or made by their
    waitlist's claim): told in their next chat answer."""

    kind: Literal["cancelled_by_closure", "cancelled_by_admin", "waitlist_claimed"]
    booking: Booking
    message: str
    at: dt.datetime


# --- envelope -----------------------------------------------------------------

T = TypeVar("T")


class ErrorBody(Model):
    code: str
    message: str


class Success(Model, Generic[T]):
    success: Literal[True] = True
    data: T


class Failure(Model):
    success: Literal[False] = False
    error: ErrorBody


# --- orchestrator (HTTP) --------------------------------------------------------

ChatStatus = Literal[
    "booked",
    "moved",
    "alternatives",
    "available",
    "unavailable",
    "needs_input",
    "bookings",
    "cancelled",
    "declined",
    "history",
    "closed",
    "refused",
    "waitlisted",
    "series_preview",
    "series_booked",
    "series_cancelled",
]
_CONVERSATION_ID = re.compile(r"[A-Za-z0-9\-]{0,64}")


def _check_conversation_id(value: str) -> str:
    if not _CONVERSATION_ID.fullmatch(value):
        raise ValueError("must be the conversation_id of an earlier answer (letters, digits and dashes, at most 64)")
    return value


class ChatRequest(Model):
    model_config = ConfigDict(extra="ignore")

    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)]
    conversation_id: Annotated[str, AfterValidator(_check_conversation_id)] | None = Field(
        default=None,
        description="The conversation_id of an earlier answer, to carry that conversation on; else (or with "
        '"") a new one starts.',
    )


class MoveSlotRequest(Model):
    """PATCH /bookings/{id}: move a booking to another slot (and length) without chat."""

    model_config = ConfigDict(extra="forbid")

    slot_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    duration_minutes: Minutes | None = None


class BookSlotRequest(Model):
    """POST /bookings: book a slot from GET /availability without chat."""

    model_config = ConfigDict(extra="forbid")

    slot_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    duration_minutes: Minutes | None = None


class JoinWaitlistBody(Model):
    """POST /waitlist: wait for a start that is taken, without chat."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    time: HHMM
    duration_minutes: Minutes | None = None
    court: str | None = Field(default=None, min_length=1, max_length=100, description="None: any court.")
    until: dt.datetime | None = Field(default=None, description="When to stop waiting (with its UTC offset).")


class BookSeriesBody(SeriesSpec):
    """POST /series: book a series, without chat (POST /series/preview shows its dates first)."""

    all_or_none: bool = Field(default=False, description="All the dates in one transaction, or nothing.")


class ErrorResponse(Model):
    """Every error the orchestrator answers over HTTP: `{"error": {"code", "message"}}`."""

    error: ErrorBody


class ChatResponse(Model):
    status: ChatStatus
    response: str
    conversation_id: str = Field(default="", description="Send it with the next message to carry the conversation on.")
    intent: Intent | None = None
    booking: Booking | None = None
    slots: list[Slot] = Field(
        default_factory=list, description='Offered slots, in the order the answer names them ("the second one" is [1]).'
    )
    bookings: list[Booking] = Field(default_factory=list, description="The caller's bookings (list, cancel).")
    waitlist: list[WaitlistEntry] = Field(default_factory=list, description="The caller's waitlists (list).")
    series: Series | None = Field(default=None, description="A series previewed, booked or cancelled.")
    notices: list[Notice] = Field(
        default_factory=list, description="What happened to the caller's bookings since their last chat answer."
    )
