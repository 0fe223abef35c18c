"""The `{"success": ..., "data"|"error": ...}` envelope every service answers with.

`service_handler` is the one place that turns an event into a validated request
and an outcome into an envelope, so the three service handlers stay thin and
answer bad input the same way: `success: false`, a stable code, a message that
names the field. Faults of ours (a bug, an unexpected AWS error) are not caught
here: Lambda reports them as function errors and the orchestrator answers 502.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ServiceError
from .models import ErrorCode

RequestT = TypeVar("RequestT", bound=BaseModel)
MAX_REPORTED_ERRORS = 3
# A message names the field, never echoes the input: an unknown key or an unmatched tag can be
# megabytes (and JSON-escaped non-ASCII triples in size), which would push the answer past
# Lambda's 6 MB response limit and turn a 400 into a failed invocation.
MAX_NAME_CHARS, MAX_MESSAGE_CHARS = 64, 200


def success(data: BaseModel) -> dict[str, Any]:
    return {"success": True, "data": data.model_dump(mode="json")}


def failure(code: ErrorCode | str, message: str) -> dict[str, Any]:
    return {"success": False, "error": {"code": str(code), "message": message}}


def describe_validation(errors: Sequence[Any], root: str = "event") -> str:
    """'slot_id: Field required; user_id: String should have at most 128 characters'.

    `errors` are pydantic's error dicts, from a ValidationError (direct invokes,
    root "event") or from Powertools' request validation (HTTP, root "body").
    """
    errors = list(errors)
    parts = []
    for item in errors[:MAX_REPORTED_ERRORS]:
        loc = [_shortened(str(p), MAX_NAME_CHARS) for p in item.get("loc", ()) if p != root]
        text = str(item.get("msg", "invalid")).removeprefix("Value error, ")  # our own rule, in our words
        location, message = ".".join(loc) or root, _shortened(text, MAX_MESSAGE_CHARS)
        if item.get("type") == "json_invalid":
            location, message = root, "is not valid JSON"
        elif item.get("type") == "missing" and not loc:
            message = "a JSON object is required"
        elif item.get("type") == "union_tag_invalid":  # name the field and what it may be, never cut
            context = item.get("ctx") or {}
            tag = str(context.get("discriminator", "operation")).strip("'")
            message = f"{tag} must be one of {context.get('expected_tags', '')}"
        parts.append(f"{location}: {message}")
    if len(errors) > MAX_REPORTED_ERRORS:
        parts.append(f"and {len(errors) - MAX_REPORTED_ERRORS} more")
    return "invalid request: " + "; ".join(parts)


def _shortened(text: str, limit: int) -> str:
    """The text, or its start and end around "..." (a message names the field at its end)."""
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-(limit // 2) :]}"


def service_handler(
    request_model: type[RequestT],
    on_correlation_id: Callable[[str], None] | None = None,
) -> Callable[[Callable[[RequestT], BaseModel]], Callable[[Any, Any], dict[str, Any]]]:
    """Wrap `fn(request) -> model` as a Lambda handler answering envelopes."""

    def decorate(fn: Callable[[RequestT], BaseModel]) -> Callable[[Any, Any], dict[str, Any]]:
        @functools.wraps(fn)
        def handler(event: Any, context: Any) -> dict[str, Any]:
            try:
                request = request_model.model_validate(event)
            except ValidationError as exc:
                return failure(ErrorCode.INVALID_REQUEST, describe_validation(exc.errors(include_url=False)))
            except RecursionError:
                return failure(ErrorCode.INVALID_REQUEST, "invalid request: the event is nested too deeply to read")
            correlation_id = getattr(request, "correlation_id", None)
            if correlation_id and on_correlation_id:
                on_correlation_id(correlation_id)
            try:
                return success(fn(request))
            except ServiceError as exc:
                return failure(exc.code, exc.message)

        return handler

    return decorate
