"""Waitlists: people waiting for a start that is taken, and the claim that hands a freed court to the first.

Items (bookings table; docs/waitlist.md):

    pk = "WAIT#<date>#<HH:MM>"  sk = "ENTRY#<joined at>#<id>"   one person waiting for that start, in join order
    pk = "WAIT#<date>#<HH:MM>"  sk = "QUEUE"                     the start's version: each join, leave, claim grows it
    pk = "USER#<user>"          sk = "WAITLIST"                  the person's entries {id: summary} and a version

A start's waitlist is one queue for all its courts: an entry waits on a named court or on any.
Joining is one transaction: the entry, the QUEUE's version as read (so at most
WAITLIST_MAX_PER_SLOT waiting entries, counted from the same strongly consistent Query, however
many join at once) and the person's item as read (at most WAITLIST_MAX_PER_PERSON waiting).

The claim (`plan_claim`) is part of the transaction that frees the court: BookingService.cancel and
.move add it to their own. The freed slot items are not deleted but rewritten as the claimant's booking,
on condition they still hold the booking being released, with the claimant's booking item, its closed-
hours check, week count and list (on the version read), the entry's delete, the QUEUE's version, the
claimant's WAITLIST item (the entry marked claimed) and a notice in their inbox. So the slot is never
free in between: nobody faster can take it, it cannot go to two people, and if anything fails nothing
of the release or the claim is written and the release is tried again.

Eligible, in join order: the entry has not expired (its `until`, at the latest the start), waits for
this court or any, fits inside what was freed (the same start, no longer), and its person is neither
the holder nor whoever releases it (an admin's cancel), holds fewer than MAX_ACTIVE_BOOKINGS, nothing
at an overlapping time, and has room in the week (MAX_BOOKINGS_PER_WEEK: read first, and the
transaction's condition). A claim whose items fail for any other reason passes that waiter over, and
the release's last two attempts make no claim: whoever waits, the holder's cancel or move gets through.
One release makes at most one claim; a closure's cancels make none (the court is closed).

A join and a release racing each other: the join's transaction checks, per court, that a slot item it
read as taken is still there, and a release checks that each queue it read (but the one it claims from)
is at the version read. Whichever commits second fails its check and reads again, so a join in between
ends as if it had come before or after the release: the joiner is told the court is free, or the release
hands it to them (the first eligible, as always; a release still makes at most one claim).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import words
from .contracts import WaitlistEntries, WaitlistEntry, WaitlistJoinRequest
from .errors import AlreadyBooked, InvalidRequest, LimitReached, NotFound, ServiceUnavailable, SlotFree
from .inbox import claim_notice
from .keys import MAX_WRITE_ATTEMPTS, backoff, slot_item_key
from .models import Booking
from .weeks import week_key, week_of

if TYPE_CHECKING:
    from .booking_service import BookingService

ENTRY = "ENTRY#"
QUEUE = "QUEUE"
# The roles of a claim's items after its slot items, in the order `plan_claim` writes them.
CLAIM_ROLES = ("claim booking", "claim closed", "claim week", "claim active", "claim entry", "claim queue")
CLAIM_ROLES += ("claim list", "claim notice")


def queue_pk(date: dt.date, time: str) -> str:
    return f"WAIT#{date.isoformat()}#{time}"


def list_key(user_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "WAITLIST"}}


@dataclass
class Claim:
    """The first eligible entry for a release, the booking it becomes, and the transaction items that make it."""

    entry: WaitlistEntry
    booking: Booking
    units: set[tuple[dt.date, str, str]]  # (date, unit, court): the freed slot items the claim rewrites
    items: list[dict[str, Any]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def drop(self, role: str) -> None:
        """Leave out the item of this role (the transaction already has it in another form)."""
        index = self.roles.index(role)
        del self.items[index], self.roles[index]

    def refused(self, reasons: list[dict[str, Any]]) -> bool:
        """Whether any of this claim's items was refused for another reason than a condition (a validation)."""
        tail = reasons[-len(self.items) :] if len(reasons) >= len(self.items) else []
        return any(reason.get("Code") not in (None, "None", "ConditionalCheckFailed") for reason in tail)

    def failed(self, reasons: list[dict[str, Any]]) -> set[str]:
        """The roles of this claim's items that failed, from the reasons of the whole transaction (its tail)."""
        tail = reasons[-len(self.items) :] if len(reasons) >= len(self.items) else []
        return {
            role
            for role, reason in zip(self.roles, tail, strict=False)
            if reason.get("Code") == "ConditionalCheckFailed"
        }


class Claims:
    """What one release has learnt of its waiters across its attempts: who to pass over, and whether to try."""

    def __init__(self, service: BookingService, *, enabled: bool = True, releaser: str | None = None) -> None:
        self.service = service
        self.enabled = enabled
        self.releaser = releaser  # who frees the court (an admin's cancel: the admin): never its claimant
        self.passed: set[str] = set()
        self._tries: dict[str, int] = {}
        self.unchanged: list[dict[str, Any]] = []  # with no claim: the release's checks that nobody joined since

    def plan(self, released: Booking, units: list[str], now: dt.datetime, attempt: int) -> Claim | None:
        """The claim of this attempt, on the booking as just read. The last two attempts make none: whatever
        the waiters' items do, the release itself always gets through.

        `unchanged` holds a ConditionCheck of each queue read (its version as read) but the claimed start's
        (the claim writes that one): a person who joins between that read and the release makes the release
        read again and hand them the court, instead of freeing it under an entry that waits for it."""
        self.unchanged = []
        if not self.enabled or not units or attempt >= MAX_WRITE_ATTEMPTS - 2:
            return None
        read: dict[str, int | None] = {}
        claim = plan_claim(self.service, released, units, now, self.passed, self.releaser, read)
        claimed = claim.entry.time if claim else None
        self.unchanged = [_queue_unchanged(self.service, released.date, t, v) for t, v in read.items() if t != claimed]
        return claim

    def learn(self, claim: Claim | None, reasons: list[dict[str, Any]]) -> None:
        """After a cancelled transaction: pass over an entry that cannot have it (its week is full, the court
        is closed, it changed twice under us); a list or entry changed a moment ago is read again."""
        if claim is None:
            return
        failed = claim.failed(reasons)
        if "claim closed" in failed:
            self.enabled = False  # the freed court is inside a closure: nobody can have it
        elif "claim week" in failed:
            self.passed.add(claim.entry.entry_id)
        elif failed & {"claim active", "claim entry", "claim list"}:
            tries = self._tries.get(claim.entry.entry_id, 0) + 1
            self._tries[claim.entry.entry_id] = tries
            if tries >= 2:
                self.passed.add(claim.entry.entry_id)
        elif failed or claim.refused(reasons):
            self.passed.add(claim.entry.entry_id)  # any other failure of its own items: the next waiter


def plan_claim(
    service: BookingService,
    released: Booking,
    units: list[str],
    now: dt.datetime,
    passed: set[str],
    releaser: str | None = None,
    read: dict[str, int | None] | None = None,
) -> Claim | None:
    """The claim of the first eligible entry waiting for a start among the freed `units` of `released`'s court
    that day (one strongly consistent Query per start), or None when nobody can have it. `read` gets each
    start's QUEUE version as read."""
    freed = set(units)
    waiting: list[tuple[str, WaitlistEntry]] = []
    for start in units:
        version, items = _queue(service, released.date, start)
        if read is not None:
            read[start] = version
        for item in items:
            entry = _entry_from(item)
            if entry.entry_id in passed or entry.user_id in (released.user_id, releaser):
                continue
            if entry.court not in (None, released.court) or _expired(service, entry, now):
                continue
            if not set(service.schedule.units(entry.time, entry.duration_minutes)) <= freed:
                continue
            waiting.append((item["sk"]["S"].removeprefix(ENTRY), entry))
    most_a_week = service.facility.max_bookings_per_week
    for _joined, entry in sorted(waiting, key=lambda pair: pair[0]):
        active, version = service._active(entry.user_id, now)
        if len(active) >= service.facility.max_active_bookings:
            continue
        if most_a_week is not None and _week_count(service, entry) >= most_a_week:
            continue  # a full week, read here: passing it over in the transaction would cost the release a try
        booking = Booking(
            booking_id=str(uuid.uuid4()),
            court=released.court,
            date=entry.date,
            time=entry.time,
            duration_minutes=entry.duration_minutes,
            user_id=entry.user_id,
            message=words.booked(released.court, entry.date, entry.time, entry.duration_minutes),
        )
        if service._overlapping(active, entry.user_id, booking) is not None:
            continue
        return _claim(service, released, entry, booking, active, version, now)
    return None


def _week_count(service: BookingService, entry: WaitlistEntry) -> int:
    item = service._item(week_key(entry.user_id, week_of(entry.date)))
    return int(item.get("count", {}).get("N", "0")) if item else 0


def _claim(
    service: BookingService,
    released: Booking,
    entry: WaitlistEntry,
    booking: Booking,
    active: dict[str, dict[str, Any]],
    version: int | None,
    now: dt.datetime,
) -> Claim:
    from .booking_service import _mine, _summary  # the booking's own item shapes, one way of writing them

    starts_at = service._starts_at(booking)
    week = week_of(booking.date)
    puts = service._booking_puts(booking, starts_at, now, week)
    for put in puts[:-1]:  # the freed slot items, rewritten as the claimant's: still the released booking's
        put["Put"]["ConditionExpression"] = "booking_id = :id AND user_id = :u"
        put["Put"]["ExpressionAttributeValues"] = _mine(released)
    listed = service._user_update(entry.user_id, {**active, booking.booking_id: _summary(booking, starts_at)}, version)
    entry_key = {"pk": {"S": queue_pk(entry.date, entry.time)}, "sk": {"S": f"{ENTRY}{_sk_tail(entry)}"}}
    inbox = service._inbox or _conversations_table()
    items = [
        *puts[:-1],
        puts[-1],
        service._closed_check(booking),
        service._week_change(entry.user_id, week, +1),
        listed,
        {"Delete": {"TableName": service._table, "Key": entry_key, "ConditionExpression": "attribute_exists(pk)"}},
        _queue_bump(service, entry.date, entry.time),
        {
            "Update": {
                "TableName": service._table,
                "Key": list_key(entry.user_id),
                "UpdateExpression": "SET entries.#id.#st = :claimed, entries.#id.booking_id = :b, "
                "entries.#id.claimed_court = :c ADD version :one",
                "ConditionExpression": "attribute_exists(entries.#id)",
                "ExpressionAttributeNames": {"#id": entry.entry_id, "#st": "status"},
                "ExpressionAttributeValues": {
                    ":claimed": {"S": "claimed"},
                    ":b": {"S": booking.booking_id},
                    ":c": {"S": booking.court},
                    ":one": {"N": "1"},
                },
            }
        },
        claim_notice(inbox, booking, now, int(service._expires(now)["N"])),
    ]
    roles = ["claim slot"] * (len(puts) - 1) + list(CLAIM_ROLES)
    units = {
        (booking.date, unit, booking.court) for unit in service.schedule.units(booking.time, booking.duration_minutes)
    }
    return Claim(entry=entry, booking=booking, units=units, items=items, roles=roles)


class Waitlist:
    """Join, list and leave waitlists, for one person at a time (the booking function's waitlist_* operations)."""

    def __init__(self, service: BookingService) -> None:
        self.service = service
        self.schedule = service.schedule
        self.facility = service.facility

    def join(self, request: WaitlistJoinRequest) -> WaitlistEntry:
        """Wait for a start that is taken (on the court named, or any), until `until` (at the latest the start).

        Refused, writing nothing: a start that cannot be booked at all (SlotInvalid), one free now
        (SlotFree: book it), a deadline passed or after the start, a court that does not exist, a
        booking of theirs at that time (AlreadyBooked), or a limit (LimitReached, naming it). Joining
        again for the same start and court answers the entry there is (`already_waiting`)."""
        service, now = self.service, self.service._clock()
        court = None
        if request.court is not None:
            court = self.facility.court_named(request.court)
            if court is None:
                raise InvalidRequest(words.no_such_court(request.court, self.facility))
        duration = self.schedule.check_duration(request.duration_minutes)
        for name in [court] if court else self.facility.courts:
            self.schedule.check_bookable(name, request.date, request.time, duration, now)
        start = self.schedule.start_instant(request.date, request.time)
        until = start if request.until is None else request.until
        if until.tzinfo is None:
            raise InvalidRequest("until must give its UTC offset (2026-12-04T12:00:00+00:00)")
        if until <= now:
            if until < now - dt.timedelta(days=1):  # far in the past (year 1): said without converting it
                raise InvalidRequest(words.waitlist_until_passed(until.isoformat()))
            raise InvalidRequest(words.waitlist_until_passed(self._wall(until)))
        if until > start:
            raise InvalidRequest(words.waitlist_until_after_start(request.date, request.time))
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            mine, list_version = self._list(request.user_id)
            same = next(
                (
                    e
                    for e in self._shown(mine, now)
                    if (e.date, e.time, e.court, e.status) == (request.date, request.time, court, "waiting")
                ),
                None,
            )
            if same is not None:
                return same.model_copy(update={"already_waiting": True, "message": words.already_waiting(same)})
            entry = WaitlistEntry(
                entry_id=str(uuid.uuid4()),
                user_id=request.user_id,
                date=request.date,
                time=request.time,
                duration_minutes=duration,
                court=court,
                until=until.astimezone(dt.UTC),
                joined_at=now.astimezone(dt.UTC),
                status="waiting",
            )
            self._refuse_if_held(request.user_id, entry, now)
            still_taken = self._refuse_if_free(entry, court, now)
            live = [e for e in self._shown(mine, now) if e.status == "waiting"]
            if len(live) >= self.facility.waitlist_max_per_person:
                raise LimitReached(self.facility.waitlist_max_per_person, words.waitlist_person_limit(len(live)))
            queue_version, items = _queue(service, entry.date, entry.time)
            ahead = [e for e in map(_entry_from, items) if not _expired(service, e, now)]
            if len(ahead) >= self.facility.waitlist_max_per_slot:
                limit = self.facility.waitlist_max_per_slot
                raise LimitReached(limit, words.waitlist_slot_full(limit, entry.date, entry.time))
            items = self._join_items(entry, start, queue_version, mine, list_version)
            if service._transact([*items, *still_taken]) is None:
                lasts = None if request.until is None else self._wall(until)
                # ahead in line: other people whose entries could take the same court (any court, or this one)
                rivals = {
                    e.user_id
                    for e in ahead
                    if e.user_id != entry.user_id and (court is None or e.court in (None, court))
                }
                return entry.model_copy(update={"message": words.waitlist_joined(entry, len(rivals), lasts)})
            backoff()  # someone joined or left this start, a court was freed, or this person's list changed
        raise ServiceUnavailable(words.TOO_BUSY_WAITLIST)

    def entries(self, user_id: str) -> WaitlistEntries:
        """The person's entries whose start has not passed, soonest first: one strongly consistent GetItem."""
        shown = self._shown(self._list(user_id)[0], self.service._clock())
        return WaitlistEntries(entries=shown, message=words.waitlist_entries(shown))

    def leave(self, user_id: str, entry_id: str) -> WaitlistEntry:
        """Leave one of the person's waitlists (someone else's, or none, is NotFound): the entry is deleted and
        its start's queue moves up, in one transaction. A claimed entry is only taken off the list: the
        booking stays (cancel it to give it up)."""
        for _attempt in range(MAX_WRITE_ATTEMPTS):
            mine, version = self._list(user_id)
            if entry_id not in mine:
                raise NotFound(entry_id, words.no_such_entry(entry_id))
            entry = _entry_from_summary(entry_id, mine[entry_id], self.service._clock(), self.service)
            items = [
                {
                    "Update": {
                        "TableName": self.service._table,
                        "Key": list_key(user_id),
                        "UpdateExpression": "REMOVE entries.#id SET version = :next",
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeNames": {"#id": entry_id},
                        "ExpressionAttributeValues": {":v": {"N": str(version)}, ":next": {"N": str(version + 1)}},
                    }
                }
            ]
            if entry.status != "claimed":
                key = {"pk": {"S": queue_pk(entry.date, entry.time)}, "sk": {"S": mine[entry_id]["sk"]["S"]}}
                items += [
                    {"Delete": {"TableName": self.service._table, "Key": key}},
                    _queue_bump(self.service, entry.date, entry.time),
                ]
            if self.service._transact(items) is None:
                return entry.model_copy(update={"message": words.waitlist_left(entry)})
            backoff()
        raise ServiceUnavailable(words.TOO_BUSY_WAITLIST)

    # --- reading and checking ----------------------------------------------------------------
    def _list(self, user_id: str) -> tuple[dict[str, dict[str, Any]], int | None]:
        item = self.service._item(list_key(user_id))
        if item is None:
            return {}, None
        return {k: v["M"] for k, v in item.get("entries", {}).get("M", {}).items()}, int(item["version"]["N"])

    def _shown(self, mine: dict[str, dict[str, Any]], now: dt.datetime) -> list[WaitlistEntry]:
        entries = [_entry_from_summary(i, s, now, self.service) for i, s in mine.items()]
        ahead = [e for e in entries if self.schedule.start_instant(e.date, e.time) > now]
        return sorted(ahead, key=lambda e: (e.date, e.time, e.joined_at))

    def _refuse_if_held(self, user_id: str, entry: WaitlistEntry, now: dt.datetime) -> None:
        active, _ = self.service._active(user_id, now)
        wanted = Booking(
            booking_id="-",
            court=entry.court or "",
            date=entry.date,
            time=entry.time,
            duration_minutes=entry.duration_minutes,
            user_id=user_id,
        )
        held = self.service._overlapping(active, user_id, wanted)
        if held is None:
            return
        if (held.date, held.time) == (entry.date, entry.time) and entry.court in (None, held.court):
            raise AlreadyBooked(held.message, words.waitlist_holds_it(held.message))
        raise AlreadyBooked(held.message.rstrip("."))

    def _refuse_if_free(self, entry: WaitlistEntry, court: str | None, now: dt.datetime) -> list[dict[str, Any]]:
        """SlotFree when a court the entry waits for is free; else, for the join's transaction, a ConditionCheck
        per court that one slot item read as taken is still there (one keeps the court from being free, and a
        transaction holds at most 100 items): a release between this read and the join makes it read again.
        A court shut by a closure alone gets none (a reopen makes no claim either)."""
        taken, closed = self.service._day(entry.date)
        units = self.schedule.units(entry.time, entry.duration_minutes)
        checks = []
        for name in [court] if court else self.facility.courts:
            held = [u for u in units if (name, u) in taken]
            if not held and all((name, u) not in closed for u in units):
                raise SlotFree(words.waitlist_slot_free(name, entry.date, entry.time))
            if held:
                key = slot_item_key(entry.date, held[0], name)
                checks.append(_condition_check(self.service, key, "attribute_exists(pk)"))
        return checks

    def _join_items(
        self,
        entry: WaitlistEntry,
        start: dt.datetime,
        queue_version: int | None,
        mine: dict[str, dict[str, Any]],
        list_version: int | None,
    ) -> list[dict[str, Any]]:
        table = self.service._table
        sk = f"{ENTRY}{_sk_tail(entry)}"
        item = {
            "pk": {"S": queue_pk(entry.date, entry.time)},
            "sk": {"S": sk},
            "expires_at": {"N": str(int(start.timestamp()) + 86400)},  # TTL: gone a day after the start
            **_summary(entry),
        }
        queue_condition, queue_values = _as_read(queue_version)
        list_condition, list_values = _as_read(list_version)
        kept = {k: v for k, v in mine.items() if self.schedule.start_instant(*_when(v)) > entry.joined_at}
        summaries = {k: {"M": v} for k, v in kept.items()} | {
            entry.entry_id: {"M": _summary(entry) | {"sk": {"S": sk}}}
        }
        return [
            {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
            {
                "Update": {
                    "TableName": table,
                    "Key": _queue_key(entry.date, entry.time),
                    "UpdateExpression": "SET version = :next",
                    "ConditionExpression": queue_condition,
                    "ExpressionAttributeValues": queue_values | {":next": {"N": str((queue_version or 0) + 1)}},
                }
            },
            {
                "Update": {
                    "TableName": table,
                    "Key": list_key(entry.user_id),
                    "UpdateExpression": "SET entries = :e, version = :next",
                    "ConditionExpression": list_condition,
                    "ExpressionAttributeValues": list_values
                    | {":e": {"M": summaries}, ":next": {"N": str((list_version or 0) + 1)}},
                }
            },
        ]

    def _wall(self, instant: dt.datetime) -> str:
        local = self.schedule.local_now(instant)
        return f"{words.day(local.date())} at {local:%H:%M}"


# --- items ------------------------------------------------------------------------------------
def _queue(service: BookingService, date: dt.date, time: str) -> tuple[int | None, list[dict[str, Any]]]:
    """The start's QUEUE version and its entries in join order: one strongly consistent Query."""
    kwargs: dict[str, Any] = {
        "TableName": service._table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": queue_pk(date, time)}},
        "ConsistentRead": True,
    }
    items = service._query_all(kwargs)
    version = next((int(i["version"]["N"]) for i in items if i["sk"]["S"] == QUEUE), None)
    return version, [i for i in items if i["sk"]["S"].startswith(ENTRY)]


def _queue_bump(service: BookingService, date: dt.date, time: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": service._table,
            "Key": _queue_key(date, time),
            "UpdateExpression": "ADD version :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }


def _queue_unchanged(service: BookingService, date: dt.date, time: str, version: int | None) -> dict[str, Any]:
    """A ConditionCheck that the start's QUEUE is at the version read: nobody joined or left since."""
    return _condition_check(service, _queue_key(date, time), *_as_read(version))


def _condition_check(
    service: BookingService, key: dict[str, Any], condition: str, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    check: dict[str, Any] = {"TableName": service._table, "Key": key, "ConditionExpression": condition}
    if values:
        check["ExpressionAttributeValues"] = values  # DynamoDB refuses an empty map
    return {"ConditionCheck": check}


def _queue_key(date: dt.date, time: str) -> dict[str, Any]:
    return {"pk": {"S": queue_pk(date, time)}, "sk": {"S": QUEUE}}


def _as_read(version: int | None) -> tuple[str, dict[str, Any]]:
    if version is None:
        return "attribute_not_exists(version)", {}
    return "version = :v", {":v": {"N": str(version)}}


def _sk_tail(entry: WaitlistEntry) -> str:
    return f"{entry.joined_at.astimezone(dt.UTC).isoformat()}#{entry.entry_id}"


def _summary(entry: WaitlistEntry) -> dict[str, Any]:
    summary = {
        "entry_id": {"S": entry.entry_id},
        "user_id": {"S": entry.user_id},
        "date": {"S": entry.date.isoformat()},
        "time": {"S": entry.time},
        "duration_minutes": {"N": str(entry.duration_minutes)},
        "until": {"S": entry.until.astimezone(dt.UTC).isoformat()},
        "joined_at": {"S": entry.joined_at.astimezone(dt.UTC).isoformat()},
        "status": {"S": entry.status},
    }
    if entry.court:
        summary["court"] = {"S": entry.court}
    return summary


def _when(summary: dict[str, Any]) -> tuple[dt.date, str]:
    return dt.date.fromisoformat(summary["date"]["S"]), summary["time"]["S"]


def _entry_from(item: dict[str, Any]) -> WaitlistEntry:
    return WaitlistEntry(
        entry_id=item["entry_id"]["S"],
        user_id=item["user_id"]["S"],
        date=dt.date.fromisoformat(item["date"]["S"]),
        time=item["time"]["S"],
        duration_minutes=int(item["duration_minutes"]["N"]),
        court=item.get("court", {}).get("S"),
        until=dt.datetime.fromisoformat(item["until"]["S"]),
        joined_at=dt.datetime.fromisoformat(item["joined_at"]["S"]),
        status="waiting",
    )


def _entry_from_summary(
    entry_id: str, summary: dict[str, Any], now: dt.datetime, service: BookingService
) -> WaitlistEntry:
    entry = _entry_from(summary | {"entry_id": {"S": entry_id}})
    status = summary["status"]["S"]
    if status == "waiting" and _expired(service, entry, now):
        status = "expired"
    return entry.model_copy(
        update={
            "status": status,
            "booking_id": summary.get("booking_id", {}).get("S"),
            "claimed_court": summary.get("claimed_court", {}).get("S"),
        }
    )


def _expired(service: BookingService, entry: WaitlistEntry, now: dt.datetime) -> bool:
    return entry.until <= now or service.schedule.start_instant(entry.date, entry.time) <= now


def _conversations_table() -> str:
    from .config import conversations_table_name

    return conversations_table_name()


__all__ = ["Claim", "Claims", "Waitlist", "plan_claim"]
