"""Where a conversation's state lives: one item per conversation in the conversations table.

    id = <conversation_id>   user_id   context (JSON of ConversationContext)   expires_at (TTL, epoch s)

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
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from courtbooking import words
from courtbooking.clock import utc_now
from courtbooking.errors import ServiceUnavailable
from courtbooking.models import ConversationContext

logger = Logger(child=True)
_NOT_KEPT = "the conversation state could not be read or kept"


@dataclass
class Conversation:
    id: str
    user_id: str
    context: ConversationContext = field(default_factory=ConversationContext)
    is_new: bool = True


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
        """The caller's conversation with this id, or a new one (new id) when it is not theirs or not fresh."""
        if conversation_id:
            item = self._call("get_item", TableName=self._table, Key=_key(conversation_id), ConsistentRead=True)
            found = item.get("Item")
            if found is not None and found["user_id"]["S"] == user_id and self._fresh(found):
                try:
                    context = ConversationContext.model_validate_json(found["context"]["S"])
                except ValidationError:
                    logger.warning("unreadable conversation state: starting afresh")
                else:
                    return Conversation(conversation_id, user_id, context, is_new=False)
        return Conversation(str(uuid.uuid4()), user_id)

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
