"""POST /chat: the fixed workflow, intent parser -> availability -> booking, in plain words, in a conversation.

The conversation's state, and the caller's notices, are read before the workflow
runs; the state is written after it and the notices told are taken out of the inbox
(orchestration.conversation). The answer carries the conversation's id.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from courtbooking import config, idempotency
from courtbooking.aws import dynamodb_client
from courtbooking.contracts import ChatRequest, ChatResponse
from courtbooking.errors import ServiceUnavailable

from ..conversation import ConversationStore
from ..identity import admin_refusal
from ..responses import ANY_ROUTE, BAD_HEADERS, BAD_REQUEST, CALLS_SERVICES, LARGE_BODY, SIGNED_IN, answer, responses
from ..workflow import ChatWorkflow
from . import caller, key, services

router = Router()
logger = Logger(child=True)


@lru_cache(maxsize=1)
def conversations() -> ConversationStore:
    """The conversations table, once per container."""
    return ConversationStore(dynamodb_client(), config.conversations_table_name(), config.conversation_idle_minutes())


@router.post(
    "/chat",
    responses=responses(
        {
            200: "What was understood and done: status booked, moved, alternatives, available, needs_input, history, "
            "closed (an admin's closure), refused (what only admins may do), ...; notices (what happened to the "
            "caller's bookings since their last answer, told first in response)."
        },
        {
            400: answer(
                f"{BAD_REQUEST} (the message missing, empty or over 500 characters; a conversation_id that is not "
                f"one of ours in form){BAD_HEADERS}."
            ),
            404: answer("NOT_FOUND: the booking the conversation names is no longer on record."),
            409: answer(
                "REQUEST_IN_PROGRESS: the same Idempotency-Key is still being answered (Retry-After). (A cancel "
                "or move the rules refuse is an answer in words, status unavailable.)",
                retry_after=True,
            ),
            422: answer("IDEMPOTENCY_CONFLICT: the Idempotency-Key was used for another message."),
        },
        ANY_ROUTE,
        SIGNED_IN,
        LARGE_BODY,
        CALLS_SERVICES,
    ),
)
def chat(request: Annotated[ChatRequest, Body(embed=False)]) -> ChatResponse:
    """Book, check, move, list, cancel or look back in plain words: {"message": "Book a court tomorrow at 3pm",
    "conversation_id": "<from the last answer>"}; the club's admins also close courts ("close court B ...")."""
    user, retry_key = caller(router), key(router)
    staff = admin_refusal(router.current_event.raw_event)  # None: one of the club's admins ("close court B ...")
    workflow = ChatWorkflow(services(router), config.facility())

    def chat_once(payload: dict[str, Any] | None = None) -> dict[str, Any]:
        conversation = conversations().open(request.conversation_id, user)
        turn = workflow.chat(
            request.message,
            user,
            conversation.context,
            idempotency_key=retry_key,
            notices=conversation.notices,
            admin_refusal=staff,
        )
        conversation.context = turn.context
        try:
            conversations().save(conversation)
        except ServiceUnavailable:  # what was done is done and answered; only the follow-ups are lost
            logger.exception("conversation state not saved", extra={"conversation_id": conversation.id})
        conversations().told(conversation)  # they are in this answer (never raises: else they are told again)
        return turn.answer.model_copy(update={"conversation_id": conversation.id}).model_dump(mode="json")

    if retry_key is None:
        return ChatResponse.model_validate(chat_once())
    answered = idempotency.run_once(
        chat_once,
        user_id=user,
        key=retry_key,
        request_fingerprint=idempotency.fingerprint(f"{request.conversation_id or ''}\n{request.message}"),
    )
    return ChatResponse.model_validate(answered)
