"""How the orchestrator reaches the three services, and the typed calls it makes to them.

`Invoker` is one interface: in AWS (and in the local stack, through
`AWS_ENDPOINT_URL_LAMBDA`) it is `LambdaInvoker`, boto3 `lambda.invoke`,
RequestResponse, never retried by botocore. The functional tests hand the
orchestrator an in-process invoker of their own (tests/functions). `Services`
turns each call into a typed answer (a contract of `courtbooking.models`), a
`Refused` (the service answered `success: false`), or a `DownstreamFailure`
(it crashed, timed out, or answered outside its contract), all inside one time
budget per API request.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from time import monotonic
from typing import Any, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError
from pydantic import BaseModel, ValidationError

from courtbooking.contracts import (
    AdminBookingRequest,
    Availability,
    BookFirstRequest,
    BookingAttempt,
    BookingList,
    BookingPage,
    CloseRequest,
    Closure,
    ClosureList,
    ClosureResult,
    ClosuresRequest,
    DaySheet,
    DaySheetRequest,
    HistoryRequest,
    JoinWaitlistBody,
    ReopenRequest,
    Series,
    SeriesBookRequest,
    SeriesCancelRequest,
    SeriesGetRequest,
    SeriesList,
    SeriesListRequest,
    SeriesPreviewRequest,
    WaitlistEntries,
    WaitlistEntry,
    WaitlistJoinRequest,
    WaitlistLeaveRequest,
    WaitlistListRequest,
)
from courtbooking.envelope import describe_validation
from courtbooking.errors import InvalidRequest, ServiceError, ServiceUnavailable
from courtbooking.models import Booking, ConversationContext, ErrorCode, HistoryWhen, Intent, SeriesSpec, Slot

ModelT = TypeVar("ModelT", bound=BaseModel)
RequestT = TypeVar("RequestT", bound=BaseModel)
# API Gateway gives an integration 30 s; keep the whole request well inside it.
REQUEST_BUDGET_SECONDS = 25.0
MIN_CALL_SECONDS = 1.0

# The slowest service's Timeout in template.yaml (IntentParserFunction) plus a margin.
DEFAULT_INVOKE_TIMEOUT_SECONDS = 11.0


class Service(StrEnum):
    INTENT_PARSER = "intent parser"
    AVAILABILITY = "availability"
    BOOKING = "booking"


class DownstreamFailure(Exception):
    """A service crashed, timed out, or answered something that is not its contract."""

    def __init__(self, service: Service, kind: str, detail: str) -> None:
        super().__init__(f"the {service} service {kind}: {detail}")
        self.service = service
        self.kind = kind  # "failed" | "timed out" | "answered malformed output" | "is unavailable"
        self.detail = detail

    @property
    def timed_out(self) -> bool:
        return self.kind == "timed out"


class Invoker(Protocol):
    def invoke(self, service: Service, payload: dict[str, Any], timeout: float | None = None) -> Any:
        """Invoke a service synchronously and return its decoded JSON answer within `timeout` seconds."""
        ...


def decode_answer(service: Service, raw: bytes | str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DownstreamFailure(service, "answered malformed output", "the answer is not JSON") from None


class LambdaInvoker:
    """boto3 `lambda.invoke`; `client_for(timeout)` gives a client whose read timeout is `timeout`."""

    def __init__(self, client_for: Callable[[float], Any], function_names: Mapping[Service, str]) -> None:
        self._client_for = client_for
        self._names = dict(function_names)

    def invoke(self, service: Service, payload: dict[str, Any], timeout: float | None = None) -> Any:
        name = self._names[service]
        client = self._client_for(min(timeout or DEFAULT_INVOKE_TIMEOUT_SECONDS, DEFAULT_INVOKE_TIMEOUT_SECONDS))
        try:
            response = client.invoke(
                FunctionName=name,
                InvocationType="RequestResponse",
                Payload=json.dumps(payload).encode(),
            )
            raw = response["Payload"].read()
        except ReadTimeoutError:
            raise DownstreamFailure(service, "timed out", f"no answer from {name} in time") from None
        except (ConnectTimeoutError, BotoCoreError) as exc:
            raise DownstreamFailure(service, "is unavailable", f"{name} could not be reached ({exc})") from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise DownstreamFailure(
                service, "is unavailable", f"{name}: {error.get('Code')}: {error.get('Message')}"
            ) from None
        if response.get("FunctionError"):
            body = decode_answer(service, raw) if raw else {}
            message = body.get("errorMessage", "") if isinstance(body, dict) else ""
            kind = "timed out" if "timed out" in message.lower() else "failed"
            raise DownstreamFailure(service, kind, message or response["FunctionError"])
        return decode_answer(service, raw)


class Refused(ServiceError):
    """A service answered `success: false` with this code."""


class Services:
    """Typed calls to the three services for one API request.

    The request's id goes to every service's logs, and all calls share one time
    budget so the whole request is answered inside API Gateway's 30 s limit: a
    call gets at most what is left, and none starts without a useful amount left.
    """

    def __init__(
        self,
        invoker: Invoker,
        correlation_id: str | None = None,
        budget_seconds: float = REQUEST_BUDGET_SECONDS,
    ) -> None:
        self._invoker = invoker
        self._correlation_id = correlation_id
        self._deadline = monotonic() + budget_seconds

    def parse(self, message: str, now: dt.datetime, context: ConversationContext | None = None) -> Intent:
        payload: dict[str, Any] = {"message": message, "now": now.isoformat()}
        if context is not None:
            payload["context"] = context.model_dump(mode="json", exclude_defaults=True)
        return self._call(Service.INTENT_PARSER, payload, Intent)

    def availability(self, query: dict[str, Any]) -> Availability:
        return self._call(Service.AVAILABILITY, {"intent": query}, Availability)

    def book(
        self,
        slot_id: str,
        user_id: str,
        duration_minutes: int | None = None,
        idempotency_key: str | None = None,
        request_fingerprint: str | None = None,
    ) -> Booking:
        payload: dict[str, Any] = {"slot_id": slot_id, "user_id": user_id, "duration_minutes": duration_minutes}
        if idempotency_key:
            payload |= {"idempotency_key": idempotency_key, "request_fingerprint": request_fingerprint}
        return self._call(Service.BOOKING, payload, Booking)

    def book_first(
        self,
        user_id: str,
        slots: Sequence[Slot],
        ask: dict[str, Any],
        instead: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        request_fingerprint: str | None = None,
    ) -> BookingAttempt:
        """A chat's booking in one call: the first of `slots` that is free, or what the person already holds
        that answers `ask`, or their limit, or (every slot taken) what is free instead."""
        fields: dict[str, Any] = {"idempotency_key": idempotency_key, "request_fingerprint": request_fingerprint}
        request = _contract(
            BookFirstRequest,
            operation="book_first",
            user_id=user_id,
            slot_ids=[s.slot_id for s in slots],
            duration_minutes=slots[0].duration_minutes if slots else None,
            ask=ask,
            instead=instead,
            **(fields if idempotency_key else {}),
        )
        return self._booking(request, BookingAttempt)

    def bookings(self, user_id: str, with_waitlist: bool = False) -> BookingList:
        payload: dict[str, Any] = {"operation": "list", "user_id": user_id}
        if with_waitlist:
            payload["with_waitlist"] = True
        return self._call(Service.BOOKING, payload, BookingList)

    def booking(self, user_id: str, booking_id: str) -> Booking:
        return self._call(Service.BOOKING, {"operation": "get", "user_id": user_id, "booking_id": booking_id}, Booking)

    def move(self, user_id: str, booking_id: str, slot_id: str, duration_minutes: int | None = None) -> Booking:
        payload = {"operation": "move", "user_id": user_id, "booking_id": booking_id, "slot_id": slot_id}
        if duration_minutes is not None:
            payload["duration_minutes"] = duration_minutes
        return self._call(Service.BOOKING, payload, Booking)

    def cancel(self, user_id: str, booking_id: str) -> Booking:
        payload = {"operation": "cancel", "user_id": user_id, "booking_id": booking_id}
        return self._call(Service.BOOKING, payload, Booking)

    def history(
        self,
        user_id: str,
        when: HistoryWhen,
        since: dt.date | None = None,
        until: dt.date | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> BookingPage:
        """One page of a person's past or cancelled bookings, newest first (the next page from `cursor`)."""
        fields = {"since": since, "until": until, "cursor": cursor, "limit": limit}
        request = _contract(
            HistoryRequest,
            operation="history",
            user_id=user_id,
            when=when,
            **{k: v for k, v in fields.items() if v is not None},
        )
        return self._booking(request, BookingPage)

    def join_waitlist(self, user_id: str, body: JoinWaitlistBody) -> WaitlistEntry:
        fields = body.model_dump(exclude_none=True)
        request = _contract(WaitlistJoinRequest, operation="waitlist_join", user_id=user_id, **fields)
        return self._booking(request, WaitlistEntry)

    def waitlist(self, user_id: str) -> WaitlistEntries:
        return self._booking(
            _contract(WaitlistListRequest, operation="waitlist_list", user_id=user_id), WaitlistEntries
        )

    def leave_waitlist(self, user_id: str, entry_id: str) -> WaitlistEntry:
        request = _contract(WaitlistLeaveRequest, operation="waitlist_leave", user_id=user_id, entry_id=entry_id)
        return self._booking(request, WaitlistEntry)

    def preview_series(self, user_id: str, spec: SeriesSpec) -> Series:
        request = _contract(SeriesPreviewRequest, operation="series_preview", user_id=user_id, series=spec)
        return self._booking(request, Series)

    def book_series(
        self, user_id: str, spec: SeriesSpec, all_or_none: bool = False, idempotency_key: str | None = None
    ) -> Series:
        fields = {"idempotency_key": idempotency_key} if idempotency_key else {}
        request = _contract(
            SeriesBookRequest,
            operation="series_book",
            user_id=user_id,
            series=spec,
            all_or_none=all_or_none,
            **fields,
        )
        return self._booking(request, Series)

    def series_list(self, user_id: str) -> SeriesList:
        return self._booking(_contract(SeriesListRequest, operation="series_list", user_id=user_id), SeriesList)

    def series(self, user_id: str, series_id: str) -> Series:
        request = _contract(SeriesGetRequest, operation="series_get", user_id=user_id, series_id=series_id)
        return self._booking(request, Series)

    def cancel_series(self, user_id: str, series_id: str, date: dt.date | None = None) -> Series:
        fields = {"date": date} if date else {}
        request = _contract(
            SeriesCancelRequest, operation="series_cancel", user_id=user_id, series_id=series_id, **fields
        )
        return self._booking(request, Series)

    # The club's staff: the caller checked the admin group (orchestration.identity) before any of these.
    def admin_booking(self, admin_id: str, booking_id: str) -> Booking:
        request = _contract(AdminBookingRequest, operation="admin_get", admin_id=admin_id, booking_id=booking_id)
        return self._booking(request, Booking)

    def admin_cancel(self, admin_id: str, booking_id: str, reason: str | None = None) -> Booking:
        request = _contract(
            AdminBookingRequest, operation="admin_cancel", admin_id=admin_id, booking_id=booking_id, reason=reason
        )
        return self._booking(request, Booking)

    def day_sheet(self, admin_id: str, date: dt.date) -> DaySheet:
        return self._booking(_contract(DaySheetRequest, operation="day_sheet", admin_id=admin_id, date=date), DaySheet)

    def close(
        self, admin_id: str, court: str | None, start: str, end: str, reason: str, cancel_affected: bool = False
    ) -> ClosureResult:
        """Close a court (None: every court) from `start` to `end`, wall times in the facility's zone."""
        request = _contract(
            CloseRequest,
            operation="close",
            admin_id=admin_id,
            court=court,
            start=start,
            end=end,
            reason=reason,
            cancel_affected=cancel_affected,
        )
        return self._booking(request, ClosureResult)

    def closures(self, admin_id: str) -> ClosureList:
        return self._booking(_contract(ClosuresRequest, operation="closures", admin_id=admin_id), ClosureList)

    def reopen(self, admin_id: str, closure_id: str) -> Closure:
        return self._booking(
            _contract(ReopenRequest, operation="reopen", admin_id=admin_id, closure_id=closure_id), Closure
        )

    def _booking(self, request: BaseModel, model: type[ModelT]) -> ModelT:
        return self._call(Service.BOOKING, request.model_dump(mode="json", exclude_none=True), model)

    def _call(self, service: Service, payload: dict[str, Any], model: type[ModelT]) -> ModelT:
        if self._correlation_id:
            payload = {**payload, "correlation_id": self._correlation_id}
        remaining = self._deadline - monotonic()
        if remaining < MIN_CALL_SECONDS:
            raise DownstreamFailure(service, "timed out", "the request's time budget was used up before calling it")
        answer = self._invoker.invoke(service, payload, timeout=remaining)
        if not isinstance(answer, dict) or "success" not in answer:
            raise DownstreamFailure(service, "answered malformed output", "no success/data envelope")
        try:
            if answer["success"] is True:
                return model.model_validate(answer["data"])
            code, message = answer["error"]["code"], answer["error"]["message"]
        except (KeyError, TypeError, ValidationError) as exc:
            raise DownstreamFailure(service, "answered malformed output", str(exc)[:300]) from None
        if code == ErrorCode.SERVICE_UNAVAILABLE:
            raise ServiceUnavailable(f"the {service} service is unavailable: {message}")
        raise Refused(ErrorCode(code) if code in ErrorCode.__members__ else code, message)


def _contract(model: type[RequestT], **fields: Any) -> RequestT:
    """A booking-function request, checked before it is sent: a value it would refuse is a 400 naming the field,
    in the words the booking function itself would use."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise InvalidRequest(describe_validation(exc.errors(include_url=False))) from None
