"""Notices: what happened to a person's booking without them is told once, first, in their next chat answer.

The booking function leaves a notice in the holder's inbox (conversations table, id
INBOX#<user>) when an admin or a closure cancels a booking; `leave` below writes it exactly
as the booking function does. The orchestrator reads it with the conversation, tells it at
the start of the answer (`notices`, and the response's first sentences), and takes out what
it told, conditional on what it read. A notice arriving meanwhile waits for the next answer;
a fault reading or clearing the inbox never fails the chat and never loses a notice.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from courtbooking.contracts import Notice
from courtbooking.models import Booking
from orchestration import conversation as conversations_module
from orchestration.conversation import ConversationStore
from orchestration.routes import chat as chat_route
from tests import clock
from tests.conftest import table_items
from tests.functions.conftest import Handler, wire
from tests.functions.test_admin_api import STAFF, scripted_parser, send, sign_in

LIST = {"action": "list"}


def a_notice(user: str, hour: int, reason: str = "the court is closed for resurfacing") -> Notice:
    booking = Booking(
        booking_id=f"b-{user}-{hour}",
        court="Court B",
        date=clock.day(3),
        time=f"{hour:02d}:00",
        duration_minutes=60,
        user_id=user,
        status="cancelled",
        cancelled_by="closure",
        cancel_reason=reason,
    )
    day = f"{booking.date:%A} {booking.date.day} {booking.date:%B}"
    message = f"Your booking of Court B on {day} at {booking.time} was cancelled: {reason}."
    return Notice(kind="cancelled_by_closure", booking=booking, message=message, at=clock.now())


def leave(dynamodb: Any, table_name: str, notice: Notice, raw: str | None = None) -> None:
    """Append a notice to its holder's inbox, exactly as the booking function does (docs/club.md)."""
    dynamodb.update_item(
        TableName=f"conversations-{table_name}",
        Key={"id": {"S": f"INBOX#{notice.booking.user_id}"}},
        UpdateExpression=(
            "SET notices = list_append(if_not_exists(notices, :empty), :n), user_id = :u, expires_at = :exp "
            "ADD version :one"
        ),
        ExpressionAttributeValues={
            ":empty": {"L": []},
            ":n": {"L": [{"S": raw if raw is not None else notice.model_dump_json()}]},
            ":u": {"S": notice.booking.user_id},
            ":exp": {"N": str(int((clock.now() + dt.timedelta(days=400)).timestamp()))},
            ":one": {"N": "1"},
        },
    )


def inbox(dynamodb: Any, table_name: str, user: str) -> list[str]:
    """The notices waiting in a person's inbox, as stored."""
    items = [i for i in table_items(dynamodb, f"conversations-{table_name}") if i["id"]["S"] == f"INBOX#{user}"]
    return [entry["S"] for item in items for entry in item.get("notices", {}).get("L", [])]


def chat(api: Handler, user: str, message: str = "what have I booked?", **body: Any) -> dict[str, Any]:
    status, answer = send(api, "POST", "/chat", {"message": message, **body}, user=user)
    assert status == 200, answer
    return answer


def told(answer: dict[str, Any]) -> list[str]:
    return [n["message"] for n in answer["notices"]]


def test_a_notice_is_told_first_in_the_next_answer_and_then_never_again(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    first, second = a_notice("bob", 10), a_notice("bob", 11)
    leave(dynamodb, table_name, first)
    leave(dynamodb, table_name, second)

    answer = chat(api, "bob")
    assert told(answer) == [first.message, second.message]
    assert answer["notices"][0]["booking"]["booking_id"] == "b-bob-10"
    assert answer["response"] == f"{first.message} {second.message} You have no upcoming bookings."
    assert inbox(dynamodb, table_name, "bob") == []

    again = chat(api, "bob", conversation_id=answer["conversation_id"])
    assert (again["notices"], again["response"]) == ([], "You have no upcoming bookings.")


def test_in_a_conversation_the_notices_are_read_with_it_and_told_once(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    started = chat(api, "bob")
    notice = a_notice("bob", 12)
    leave(dynamodb, table_name, notice)
    answer = chat(api, "bob", conversation_id=started["conversation_id"])
    assert answer["conversation_id"] == started["conversation_id"]  # the conversation was read too
    assert told(answer) == [notice.message]
    assert told(chat(api, "bob", conversation_id=started["conversation_id"])) == []


def test_notices_are_told_only_to_their_holder(handlers: dict[str, Handler], dynamodb: Any, table_name: str) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    notice = a_notice("bob", 10)
    leave(dynamodb, table_name, notice)
    for other in ("alice", "Bob", "bob.", "guest"):
        assert told(chat(api, other)) == []
    assert inbox(dynamodb, table_name, "bob") == [notice.model_dump_json()]


def test_a_notice_that_arrives_while_an_answer_is_made_waits_for_the_next_answer(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    before, meanwhile = a_notice("bob", 10), a_notice("bob", 11)
    leave(dynamodb, table_name, before)
    parse = scripted_parser(**LIST)

    def parse_while_a_closure_cancels(event: Any, context: Any) -> Any:
        leave(dynamodb, table_name, meanwhile)  # after the inbox was read, before it is cleared
        return parse(event, context)

    answer = chat(wire(handlers, intent_parser=parse_while_a_closure_cancels), "bob")
    assert told(answer) == [before.message]
    assert inbox(dynamodb, table_name, "bob") == [meanwhile.model_dump_json()]
    assert told(chat(wire(handlers, intent_parser=parse), "bob")) == [meanwhile.message]
    assert inbox(dynamodb, table_name, "bob") == []


def test_an_unreadable_notice_stays_where_it_is_and_the_others_are_told(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    readable = a_notice("bob", 10)
    unknown = json.dumps({"kind": "a kind a newer booking function writes", "message": "?"})
    leave(dynamodb, table_name, readable, raw=unknown)
    leave(dynamodb, table_name, readable)
    assert told(chat(api, "bob")) == [readable.message]
    assert inbox(dynamodb, table_name, "bob") == [unknown]  # kept for an orchestrator that can read it


def test_a_retry_with_the_same_key_answers_the_same_notices(
    handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    notice = a_notice("bob", 10)
    leave(dynamodb, table_name, notice)
    answers = [
        send(api, "POST", "/chat", {"message": "what have I booked?"}, user="bob", headers={"idempotency-key": "k-1"})
        for _ in range(2)
    ]
    assert [(status, told(body)) for status, body in answers] == [(200, [notice.message])] * 2
    assert told(chat(api, "bob")) == []


# --- faults: the chat answers, and no notice is lost ------------------------------------------------------------


class Faulty:
    """The DynamoDB client, with the faults a test asks for on the inbox."""

    def __init__(self, client: Any, *, read: str | None = None, clear: bool = False) -> None:
        self._client, self.read, self.clear = client, read, clear

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_get_item(self, **kwargs: Any) -> Any:
        [(table, request)] = kwargs["RequestItems"].items()
        inbox_key = next(k for k in request["Keys"] if k["id"]["S"].startswith("INBOX#"))
        if self.read == "throttled" and len(request["Keys"]) == 1:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "BatchGetItem")
        if self.read == "unprocessed":  # the inbox is never read; the conversation is
            rest = [k for k in request["Keys"] if k is not inbox_key]
            answer = self._client.batch_get_item(RequestItems={table: {**request, "Keys": rest}}) if rest else {}
            return {
                "Responses": answer.get("Responses", {table: []}),
                "UnprocessedKeys": {table: {"Keys": [inbox_key]}},
            }
        if self.read == "all unprocessed":
            return {"Responses": {table: []}, "UnprocessedKeys": {table: {"Keys": request["Keys"]}}}
        return self._client.batch_get_item(**kwargs)

    def update_item(self, **kwargs: Any) -> Any:
        if self.clear:
            raise ClientError({"Error": {"Code": "ThrottlingException"}}, "UpdateItem")
        return self._client.update_item(**kwargs)


@pytest.fixture
def faulty(dynamodb: Any, table_name: str, monkeypatch: pytest.MonkeyPatch) -> Faulty:
    client = Faulty(dynamodb)
    store = ConversationStore(client, f"conversations-{table_name}", 30)
    # cached like the real one, so that the tests' reset of every cache still finds cache_clear
    monkeypatch.setattr(chat_route, "conversations", functools.lru_cache(maxsize=1)(lambda: store))
    monkeypatch.setattr(conversations_module, "BATCH_RETRY_SECONDS", 0.0)
    return client


def test_if_the_inbox_cannot_be_read_the_chat_answers_and_the_notices_wait(
    handlers: dict[str, Handler], faulty: Faulty, dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    notice = a_notice("bob", 10)
    leave(dynamodb, table_name, notice)

    faulty.read = "throttled"  # a new conversation: only the inbox is read, and that fails
    answer = chat(api, "bob")
    assert (told(answer), answer["response"]) == ([], "You have no upcoming bookings.")
    faulty.read = "unprocessed"  # in a conversation: it is read, the inbox is left unprocessed
    carried_on = chat(api, "bob", conversation_id=answer["conversation_id"])
    assert (carried_on["conversation_id"], told(carried_on)) == (answer["conversation_id"], [])
    assert inbox(dynamodb, table_name, "bob") == [notice.model_dump_json()]

    faulty.read = None
    assert told(chat(api, "bob")) == [notice.message]


def test_if_the_conversation_itself_cannot_be_read_the_answer_is_a_503_and_the_notices_wait(
    handlers: dict[str, Handler], faulty: Faulty, dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    started = chat(api, "bob")
    notice = a_notice("bob", 10)
    leave(dynamodb, table_name, notice)
    faulty.read = "all unprocessed"
    status, answer = send(
        api, "POST", "/chat", {"message": "hi", "conversation_id": started["conversation_id"]}, user="bob"
    )
    assert (status, answer["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert inbox(dynamodb, table_name, "bob") == [notice.model_dump_json()]


def test_if_the_notices_cannot_be_cleared_they_are_told_again_never_lost(
    handlers: dict[str, Handler], faulty: Faulty, dynamodb: Any, table_name: str
) -> None:
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    notice = a_notice("bob", 10)
    leave(dynamodb, table_name, notice)
    faulty.clear = True
    assert told(chat(api, "bob")) == [notice.message]
    faulty.clear = False
    assert told(chat(api, "bob")) == [notice.message]
    assert told(chat(api, "bob")) == []


# --- end to end: an admin cancels, the holder is told -------------------------------------------------------------


def test_an_admins_cancel_is_told_to_the_holder_once_and_stays_in_their_history(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(monkeypatch)
    bob = {"sub": "bob"}
    api = wire(handlers, intent_parser=scripted_parser(**LIST))
    status, held = send(api, "POST", "/bookings", {"slot_id": clock.slot_id("Court C", 10, 4)}, claims=bob)
    assert status == 201, held
    status, cancelled = send(
        api, "DELETE", f"/admin/bookings/{held['booking_id']}?reason=the%20nets%20are%20down", claims=STAFF
    )
    assert status == 200, cancelled

    status, answer = send(api, "POST", "/chat", {"message": "what have I booked?"}, claims=bob)
    assert status == 200, answer
    assert [n["booking"]["booking_id"] for n in answer["notices"]] == [held["booking_id"]]
    assert answer["notices"][0]["kind"] == "cancelled_by_admin"
    assert answer["response"].startswith(answer["notices"][0]["message"])
    assert "the nets are down" in answer["response"]
    status, again = send(api, "POST", "/chat", {"message": "what have I booked?"}, claims=bob)
    assert again["notices"] == []

    status, history = send(api, "GET", "/bookings?when=cancelled", claims=bob)
    assert status == 200, history
    assert [(b["booking_id"], b["cancelled_by"], b["cancel_reason"]) for b in history["bookings"]] == [
        (held["booking_id"], "admin", "the nets are down")
    ]
