"""Every environment variable the service reads, in one place, read once.

`template.yaml` sets these on each function; the local run sets them too.
A required variable that is missing, or a value that cannot be used, fails
loudly at start-up with a message naming the variable, rather than letting a
function run on a silent default.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# --- variable names (the only place they are spelled out) -------------------
TABLE_NAME = "TABLE_NAME"
FACILITY_TIMEZONE = "FACILITY_TIMEZONE"
COURTS = "COURTS"
OPENING_TIME = "OPENING_TIME"
CLOSING_TIME = "CLOSING_TIME"
OPENING_HOURS = "OPENING_HOURS"
SLOT_MINUTES = "SLOT_MINUTES"
BOOKING_HORIZON_DAYS = "BOOKING_HORIZON_DAYS"
OPENAI_MODEL = "OPENAI_MODEL"
OPENAI_API_KEY = "OPENAI_API_KEY"
OPENAI_BASE_URL = "OPENAI_BASE_URL"
OPENAI_API_KEY_PARAMETER = "OPENAI_API_KEY_PARAMETER"
OPENAI_API_KEY_SECRET = "OPENAI_API_KEY_SECRET"  # noqa: S105 - a variable name, not a secret
OPENAI_TIMEOUT_SECONDS = "OPENAI_TIMEOUT_SECONDS"
MAX_ACTIVE_BOOKINGS = "MAX_ACTIVE_BOOKINGS"
MAX_BOOKINGS_PER_WEEK = "MAX_BOOKINGS_PER_WEEK"
CANCEL_CUTOFF_MINUTES = "CANCEL_CUTOFF_MINUTES"
WAITLIST_MAX_PER_SLOT = "WAITLIST_MAX_PER_SLOT"
WAITLIST_MAX_PER_PERSON = "WAITLIST_MAX_PER_PERSON"
ADMIN_GROUP = "ADMIN_GROUP"
GROUPS_CLAIM = "GROUPS_CLAIM"
AUTH_MODE = "AUTH_MODE"
IDEMPOTENCY_TABLE_NAME = "IDEMPOTENCY_TABLE_NAME"
IDEMPOTENCY_EXPIRY_SECONDS = "IDEMPOTENCY_EXPIRY_SECONDS"
CONVERSATIONS_TABLE_NAME = "CONVERSATIONS_TABLE_NAME"
CONVERSATION_IDLE_MINUTES = "CONVERSATION_IDLE_MINUTES"
HISTORY_RETENTION_DAYS = "HISTORY_RETENTION_DAYS"
INTENT_PARSER_FUNCTION = "INTENT_PARSER_FUNCTION"
AVAILABILITY_FUNCTION = "AVAILABILITY_FUNCTION"
BOOKING_FUNCTION = "BOOKING_FUNCTION"

DEFAULT_COURTS = "Court A,Court B,Court C"


class ConfigurationError(RuntimeError):
    """A setting is missing or unusable; raised at start-up, never for user input."""


def read(name: str, default: str | None = None) -> str:
    """A variable's value, stripped; its default when unset or blank; ConfigurationError when required."""
    return _get(name, default)


def _get(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ConfigurationError(f"environment variable {name} is required but not set")
        return default
    return value.strip()


def _hhmm(name: str, default: str) -> time:
    raw = _get(name, default)
    try:
        hours, minutes = raw.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r} is not a time of day like 08:00") from exc


def _clock_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _positive_int(name: str, default: str) -> int:
    value = _whole_number(name, default)
    if value <= 0:
        raise ConfigurationError(f"{name}={_get(name, default)!r} must be greater than zero")
    return value


def _whole_number(name: str, default: str) -> int:
    """A whole number, zero or more."""
    raw = _get(name, default)
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from exc
    if value < 0:
        raise ConfigurationError(f"{name}={raw!r} must not be negative")
    return value


# --- opening hours per weekday (OPENING_HOURS) ---------------------------------
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = {name.casefold(): i for i, name in enumerate(WEEKDAY_NAMES)} | {
    name[:3].casefold(): i for i, name in enumerate(WEEKDAY_NAMES)
}
_HOURS_PART = re.compile(
    r"(?P<days>.+?)\s+(?P<hours>closed|(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2}))", re.I
)
_HOURS_EXAMPLE = "e.g. 'Mon-Fri 07:00-22:00; Sat 08:00-20:00; Sun closed'"

# A day's hours: (minutes open, minutes close) after local midnight; None: closed all day.
DayHours = tuple[int, int] | None


def _weekday(name: str, part: str) -> int:
    found = _WEEKDAYS.get(name.strip().casefold())
    if found is None:
        raise ConfigurationError(
            f"{OPENING_HOURS}: {name.strip()!r} in {part!r} is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)"
        )
    return found


def _days(text: str, part: str) -> list[int]:
    """'Mon-Fri', 'Sat,Sun', 'Fri-Mon' (a range runs forward through the week, wrapping after Sunday)."""
    days: list[int] = []
    for item in text.split(","):
        first, dash, last = item.partition("-")
        start = _weekday(first, part)
        end = _weekday(last, part) if dash else start
        days += [(start + i) % 7 for i in range((end - start) % 7 + 1)]
    return days


def _clock_minutes(text: str, part: str) -> int:
    hours, minutes = (int(n) for n in text.split(":"))
    if hours > 23 or minutes > 59:
        raise ConfigurationError(f"{OPENING_HOURS}: {text!r} in {part!r} is not a time of day like 08:00")
    return hours * 60 + minutes


def parse_opening_hours(raw: str, slot_minutes: int) -> tuple[DayHours, ...]:
    """Each weekday's hours (Monday first) from an OPENING_HOURS value; ConfigurationError naming the part
    that is wrong. Parts are separated by ';': days (a day, a range, or a comma list; case-insensitive,
    Mon or Monday) then HH:MM-HH:MM or 'closed'. A weekday left out is closed; one named twice is an error."""
    week: dict[int, DayHours] = {}
    for part in (p.strip() for p in raw.split(";")):
        if not part:
            continue  # "...;" or ";;": nothing said, nothing wrong
        found = _HOURS_PART.fullmatch(part)
        if found is None:
            raise ConfigurationError(f"{OPENING_HOURS}: {part!r} is not days then hours, {_HOURS_EXAMPLE}")
        hours: DayHours = None
        if found["open"]:
            open_at, close_at = _clock_minutes(found["open"], part), _clock_minutes(found["close"], part)
            if close_at <= open_at:
                raise ConfigurationError(f"{OPENING_HOURS}: in {part!r} the closing time is not after the opening")
            if (close_at - open_at) % slot_minutes:
                raise ConfigurationError(
                    f"{OPENING_HOURS}: the hours in {part!r} are not a whole number of "
                    f"{SLOT_MINUTES}={slot_minutes} slots"
                )
            hours = (open_at, close_at)
        for day in _days(found["days"], part):
            if day in week:
                raise ConfigurationError(f"{OPENING_HOURS}: {WEEKDAY_NAMES[day]} is named twice ({part!r})")
            week[day] = hours
    if not any(week.values()):
        raise ConfigurationError(f"{OPENING_HOURS}={raw!r} opens no day of the week, {_HOURS_EXAMPLE}")
    return tuple(week.get(day) for day in range(7))


@dataclass(frozen=True)
class Facility:
    """The rules of the facility: which courts exist and when they can be booked.

    `opening`/`closing` are the widest span of the week (the earliest opening, the latest closing):
    only for reading day parts ("morning", "evening"). What a given day offers, checks or names
    comes from `hours_on(date)`.
    """

    timezone: ZoneInfo
    courts: tuple[str, ...]
    opening: time
    closing: time
    slot_minutes: int
    horizon_days: int
    max_active_bookings: int = 3
    max_bookings_per_week: int | None = None  # None: no weekly limit
    cancel_cutoff_minutes: int = 120  # a holder may cancel or move up to this long before the start
    weekly_hours: tuple[DayHours, ...] | None = None  # Monday first (OPENING_HOURS); None: opening-closing daily
    waitlist_max_per_slot: int = 25  # people waiting for one start (all its courts)
    waitlist_max_per_person: int = 5  # waitlists one person is waiting on

    @classmethod
    def from_env(cls) -> Facility:
        tz_name = _get(FACILITY_TIMEZONE, "UTC")
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigurationError(f"{FACILITY_TIMEZONE}={tz_name!r} is not an IANA time zone") from exc
        courts = tuple(c.strip() for c in _get(COURTS, DEFAULT_COURTS).split(",") if c.strip())
        if not courts:
            raise ConfigurationError(f"{COURTS} names no court")
        if len({c.casefold() for c in courts}) != len(courts):
            raise ConfigurationError(f"{COURTS} names a court twice")
        slot_minutes = _positive_int(SLOT_MINUTES, "60")
        weekly_hours = None
        if _get(OPENING_HOURS, ""):  # then OPENING_TIME and CLOSING_TIME are not read: it says every day's hours
            weekly_hours = parse_opening_hours(_get(OPENING_HOURS), slot_minutes)
            open_days = [h for h in weekly_hours if h is not None]
            opening = _clock_time(min(h[0] for h in open_days))
            closing = _clock_time(max(h[1] for h in open_days))
        else:  # every day the same: OPENING_TIME-CLOSING_TIME
            opening, closing = _hhmm(OPENING_TIME, "08:00"), _hhmm(CLOSING_TIME, "21:00")
        facility = cls(
            timezone=tz,
            courts=courts,
            opening=opening,
            closing=closing,
            slot_minutes=slot_minutes,
            horizon_days=_positive_int(BOOKING_HORIZON_DAYS, "14"),
            max_active_bookings=_positive_int(MAX_ACTIVE_BOOKINGS, "3"),
            max_bookings_per_week=_whole_number(MAX_BOOKINGS_PER_WEEK, "0") or None,
            cancel_cutoff_minutes=_whole_number(CANCEL_CUTOFF_MINUTES, "120"),
            weekly_hours=weekly_hours,
            waitlist_max_per_slot=_positive_int(WAITLIST_MAX_PER_SLOT, "25"),
            waitlist_max_per_person=_positive_int(WAITLIST_MAX_PER_PERSON, "5"),
        )
        facility.validate()
        return facility

    def validate(self) -> None:
        if self.weekly_hours is not None:  # each day was checked as OPENING_HOURS was read
            if len(self.weekly_hours) != 7 or not any(self.weekly_hours):
                raise ConfigurationError(f"{OPENING_HOURS} must give seven days, at least one of them open")
            return
        open_min, close_min = self.opening_minutes, self.closing_minutes
        if close_min <= open_min:
            raise ConfigurationError(f"{CLOSING_TIME} must be later than {OPENING_TIME}")
        if (close_min - open_min) % self.slot_minutes:
            raise ConfigurationError(
                f"the opening hours ({self.opening:%H:%M}-{self.closing:%H:%M}) are not a whole "
                f"number of {SLOT_MINUTES}={self.slot_minutes} slots"
            )

    @property
    def opening_minutes(self) -> int:
        return self.opening.hour * 60 + self.opening.minute

    @property
    def closing_minutes(self) -> int:
        return self.closing.hour * 60 + self.closing.minute

    def hours_on(self, date: dt.date) -> DayHours:
        """That day's hours, (minutes open, minutes close) after local midnight, or None: closed all day."""
        if self.weekly_hours is None:
            return self.opening_minutes, self.closing_minutes
        return self.weekly_hours[date.weekday()]

    @property
    def same_hours_every_day(self) -> bool:
        """Every weekday has the same hours (so an answer need not say which day's they are)."""
        return self.weekly_hours is None or len(set(self.weekly_hours)) == 1

    def court_named(self, name: str | None) -> str | None:
        """The configured spelling of a court name, matched case-insensitively."""
        if not name:
            return None
        wanted = " ".join(name.split()).casefold()
        for court in self.courts:
            if court.casefold() == wanted:
                return court
        return None


@lru_cache(maxsize=1)
def facility() -> Facility:
    """The facility, read from the environment once per container."""
    return Facility.from_env()


def table_name() -> str:
    return _get(TABLE_NAME)


def auth_mode() -> str:
    """`jwt` (the default: identity only from a validated token) or `none` (demos: X-User-Id)."""
    mode = _get(AUTH_MODE, "jwt").lower()
    if mode not in ("jwt", "none"):
        raise ConfigurationError(f"{AUTH_MODE}={mode!r} must be 'jwt' or 'none'")
    return mode


def idempotency_table_name() -> str:
    return _get(IDEMPOTENCY_TABLE_NAME)


def idempotency_expiry_seconds() -> int:
    """How long a retry with the same Idempotency-Key gets the first answer (default 1 hour)."""
    return _positive_int(IDEMPOTENCY_EXPIRY_SECONDS, "3600")


def conversations_table_name() -> str:
    return _get(CONVERSATIONS_TABLE_NAME)


def conversation_idle_minutes() -> int:
    """A conversation idle longer than this starts afresh (default 30 minutes)."""
    return _positive_int(CONVERSATION_IDLE_MINUTES, "30")


def history_retention_days() -> int:
    """How long a cancelled booking's record is kept after its start, then removed by TTL (default 400 days)."""
    return _positive_int(HISTORY_RETENTION_DAYS, "400")


def admin_group() -> str:
    """The group whose members are the club's admins (default `admins`)."""
    return _get(ADMIN_GROUP, "admins")


def groups_claim() -> str:
    """The verified token claim that lists a caller's groups (default Cognito's `cognito:groups`)."""
    return _get(GROUPS_CLAIM, "cognito:groups")


def function_name(variable: str) -> str:
    """The downstream function the orchestrator invokes, as Lambda's Invoke takes it: a name or an ARN, qualified
    with the alias (`...:live`) when the template's SnapStart parameter is on, since a snapshot is of a version."""
    return _get(variable)


def reset() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    facility.cache_clear()
