"""Where a conversation's state lives: one item per conversation in the conversations table.

    id = <conversation_id>   user_id   context (JSON of ConversationContext)   expires_at (TTL, epoch s)
    id = INBOX#<user_id>     notices (list of Notice JSON)   version   user_id   expires_at

The second is a person's inbox (docs/club.md, "Notices"): the booking function appends a notice
when an admin or a closure cancels one of their bookings; it is read with the conversation, in the
same strongly consistent BatchGetItem, told at the start of the next chat answer, and then taken
out, conditional on what was read (ConversationStore.told). If it cannot be read, the chat answers
without it and the notices wait for the next answer: they are never lost for a fault.

The orchestrator alone reads and writes it; the client sends only the id. An id
is a conversation of the caller's only while it is theirs and fresh: an unknown
id, an expired one (idle longer than CONVERSATION_IDLE_MINUTES) or another
person's starts a new conversation under a new id, and nothing of the other
one is read into the answer. A write never takes over someone else's item (it
is conditional on the owner), and an id is never reused: new ones are UUID4.
Expired items are removed by DynamoDB's TTL; until then the read checks the
expiry itself, since TTL deletes lazily.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from courtbooking import words
from courtbooking.clock import utc_now
from courtbooking.contracts import Notice
from courtbooking.errors import ServiceUnavailable
from courtbooking.models import ConversationContext

logger = Logger(child=True)
_NOT_KEPT = "the conversation state could not be read or kept"
_INBOX_PREFIX = "INBOX#"
# BatchGetItem answers what it could not read in UnprocessedKeys (throttling): ask again, briefly.
BATCH_READ_ATTEMPTS = 3
BATCH_RETRY_SECONDS = 0.05


@dataclass
class Inbox:
    """The caller's notices as read with the conversation: what to tell, and what clearing them is conditional on."""

    notices: list[Notice] = field(default_factory=list)
    version: str | None = None  # the inbox item's version as read; None: no inbox item, or it could not be read
    told: tuple[int, ...] = ()  # positions in the stored list of the notices told (unreadable ones stay)
    stored: tuple[str, ...] = ()  # the stored list as read


@dataclass
class Conversation:
    id: str
    user_id: str
    context: ConversationContext = field(default_factory=ConversationContext)
    is_new: bool = True
    inbox: Inbox = field(default_factory=Inbox)

    @property
    def notices(self) -> list[Notice]:
        return self.inbox.notices


class ConversationStore:
    def __init__(
        self,
        client: Any,
        table_name: str,
        idle_minutes: int,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self._db = client
        self._table = table_name
        self._idle = dt.timedelta(minutes=idle_minutes)
        self._clock = clock

    def open(self, conversation_id: str | None, user_id: str) -> Conversation:
        """The caller's conversation with this id, or a new one (new id) when it is not theirs or not fresh;
        with the caller's notices, read in the same strongly consistent BatchGetItem."""
        keys = [_inbox_key(user_id)] + ([_key(conversation_id)] if conversation_id else [])
        found = self._read(keys, need=_key(conversation_id) if conversation_id else None)
        inbox = _inbox_of(found.get(_INBOX_PREFIX + user_id))
        item = found.get(conversation_id) if conversation_id else None
        if item is not None and item["user_id"]["S"] == user_id and self._fresh(item):
            try:
                context = ConversationContext.model_validate_json(item["context"]["S"])
            except ValidationError:
                logger.warning("unreadable conversation state: starting afresh")
            else:
                return Conversation(conversation_id or "", user_id, context, is_new=False, inbox=inbox)
        return Conversation(str(uuid.uuid4()), user_id, inbox=inbox)

    def save(self, conversation: Conversation) -> None:
        """Keep the context for the next message; never over another person's conversation."""
        expires_at = int((self._clock() + self._idle).timestamp())
        self._call(
            "put_item",
            TableName=self._table,
            Item={
                **_key(conversation.id),
                "user_id": {"S": conversation.user_id},
                "context": {"S": conversation.context.model_dump_json(exclude_defaults=True)},
                "expires_at": {"N": str(expires_at)},
            },
            ConditionExpression="attribute_not_exists(id) OR user_id = :u",
            ExpressionAttributeValues={":u": {"S": conversation.user_id}},
        )

    def told(self, conversation: Conversation) -> None:
        """The answer carrying the notices is going out: take them out of the inbox. Never raises.

        The removal is conditional on the version read. If it moved, new notices arrived: the inbox is read
        again and, if the told ones are still where they were (new ones are appended after them), only they
        are removed, conditional on the new version; otherwise everything stays. A notice may so be told
        twice, never lost; a fault leaves them for the next answer too.
        """
        inbox = conversation.inbox
        if not inbox.told or inbox.version is None:
            return
        key = _inbox_key(conversation.user_id)
        try:
            if self._remove(key, inbox.told, len(inbox.stored), inbox.version):
                return
            now = _inbox_of(self._call("get_item", TableName=self._table, Key=key, ConsistentRead=True).get("Item"))
            if now.version is None or now.stored[: len(inbox.stored)] != inbox.stored:
                return  # another answer (a second tab, at once) told and removed them
            if self._remove(key, inbox.told, len(now.stored), now.version):
                return
            logger.warning("notices told but not cleared: they will be told again", extra={"told": len(inbox.told)})
        except ServiceUnavailable:
            logger.exception("notices told but not cleared: they will be told again")

    def _remove(self, key: dict[str, Any], told: tuple[int, ...], stored: int, version: str) -> bool:
        """Remove the notices at the places `told` (of `stored` in all) if the inbox is still at `version`;
        False when it is not."""
        if len(told) == stored:
            removal = "REMOVE notices"
        else:  # highest place first: the same whether the places are read before or during the removal
            removal = "REMOVE " + ", ".join(f"notices[{i}]" for i in sorted(told, reverse=True))
        try:
            self._db.update_item(
                TableName=self._table,
                Key=key,
                UpdateExpression=removal,
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": {"N": version}},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise ServiceUnavailable(f"{_NOT_KEPT}: {words.dynamodb_throttled(exc.response['Error']['Code'])}") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(f"{_NOT_KEPT}: {words.dynamodb_unreachable(type(exc).__name__)}") from exc
        return True

    def _read(self, keys: list[dict[str, Any]], need: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        """The items of `keys` by id, in one BatchGetItem (keys it leaves unprocessed are asked again).

        The conversation (`need`) must be read: if it cannot be, the answer is a 503, as before. The inbox
        may not be: then this answer has no notices, and they stay for the next one.
        """
        found: dict[str, dict[str, Any]] = {}
        pending = keys
        for attempt in range(BATCH_READ_ATTEMPTS):
            if attempt:
                time.sleep(BATCH_RETRY_SECONDS * attempt)
            try:
                answer = self._call(
                    "batch_get_item", RequestItems={self._table: {"Keys": pending, "ConsistentRead": True}}
                )
            except ServiceUnavailable:
                if need is not None and need["id"]["S"] not in found:
                    raise
                logger.exception("notices could not be read: they stay for the next answer")
                return found
            for item in answer.get("Responses", {}).get(self._table, []):
                found[item["id"]["S"]] = item
            pending = answer.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
            if not pending:
                return found
        if need is not None and need in pending:
            raise ServiceUnavailable(f"{_NOT_KEPT}: {words.dynamodb_throttled('UnprocessedKeys')}")
        logger.warning("notices could not be read: they stay for the next answer")
        return found

    def _fresh(self, item: dict[str, Any]) -> bool:
        return int(item["expires_at"]["N"]) > self._clock().timestamp()

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._db, operation)(**kwargs)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if code == "ConditionalCheckFailedException":  # another person's id: theirs stays untouched
                logger.warning("conversation id held by another user: not saved")
                return {}
            raise ServiceUnavailable(f"{_NOT_KEPT}: {words.dynamodb_throttled(code)}") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(f"{_NOT_KEPT}: {words.dynamodb_unreachable(type(exc).__name__)}") from exc


def _key(conversation_id: str) -> dict[str, Any]:
    return {"id": {"S": conversation_id}}


def _inbox_key(user_id: str) -> dict[str, Any]:
    # No conversation id can name an inbox: a conversation_id holds no "#".
    return _key(_INBOX_PREFIX + user_id)


def _inbox_of(item: dict[str, Any] | None) -> Inbox:
    """The notices of an inbox item; one that cannot be read is logged and left where it is."""
    if item is None or "version" not in item:
        return Inbox()
    stored = tuple(entry.get("S", "") for entry in item.get("notices", {}).get("L", []))
    notices, told = [], []
    for place, text in enumerate(stored):
        try:
            notices.append(Notice.model_validate_json(text))
        except ValidationError:
            logger.error("unreadable notice left in the inbox", extra={"place": place})
        else:
            told.append(place)
    return Inbox(notices, item["version"]["N"], tuple(told), stored)
