"""The availability, booking and HTTP contracts: what the availability and booking functions accept and answer
(each booking operation, waitlists, series, closures, the envelope) and the orchestrator's request bodies and
answers. The models they share with the intent parser are `courtbooking.models`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, ConfigDict, Field, RootModel, StringConstraints, model_validator

from .models import (
    HHMM,
    IDEMPOTENCY_KEY_PATTERN,
    MAX_MESSAGE_CHARS,
    Action,
    Booking,
    Contract,
    HistoryWhen,
    Intent,
    Minutes,
    Model,
    SeriesSpec,
    Slot,
    TimeWindow,
    UserId,
    WallTime,
)

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
    "pending",
]


class Occurrence(Model):
    """One date of a series. Before booking: free (`slot_id`, to be booked), taken (`nearest` free starts that
    day; `waitlist` when it can be waited for), closed, beyond_horizon (not bookable yet), started, unavailable
    (no such start that day), already_booked (the person holds that time). After: booked (`booking_id`), pending
    (a booking interrupted part-way: not booked), or why
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
    every_weeks: int = Field(default=1, description="1: every week; 2: every other week.")
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
