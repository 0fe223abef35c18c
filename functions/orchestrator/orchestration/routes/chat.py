"""POST /chat: the fixed workflow, intent parser -> availability -> booking, in plain words."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from courtbooking import config, idempotency
from courtbooking.models import ChatRequest, ChatResponse

from ..responses import ANY_ROUTE, BAD_HEADERS, BAD_REQUEST, CALLS_SERVICES, LARGE_BODY, SIGNED_IN, answer, responses
from ..workflow import ChatWorkflow
from . import caller, key, services

router = Router()


@router.post(
    "/chat",
    responses=responses(
        {200: "What was understood and done: status booked, alternatives, available, unavailable, ..."},
        {
            400: answer(
                f"{BAD_REQUEST} (the message missing, empty or over 500 characters){BAD_HEADERS}; a court that "
                "does not exist."
            ),
            404: answer("NOT_FOUND: the booking to cancel was cancelled a moment ago by another request."),
            409: answer(
                "LIMIT_REACHED: the most upcoming bookings allowed are held; TOO_LATE: the booking to cancel has "
                "started; REQUEST_IN_PROGRESS: the same Idempotency-Key is still being answered (Retry-After).",
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
    """Book, check, list or cancel in plain words: {"message": "Book a court tomorrow at 3pm"}."""
    user, retry_key = caller(router), key(router)
    workflow = ChatWorkflow(services(router), config.facility())
    if retry_key is None:
        return workflow.chat(request.message, user)

    def chat_once(payload: dict[str, Any]) -> dict[str, Any]:
        return workflow.chat(request.message, user, idempotency_key=retry_key).model_dump(mode="json")

    answered = idempotency.run_once(
        chat_once, user_id=user, key=retry_key, request_fingerprint=idempotency.fingerprint(request.message)
    )
    return ChatResponse.model_validate(answered)
