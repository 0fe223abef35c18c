"""Idempotent retries: the same Idempotency-Key and the same request get the first answer.

Powertools' idempotency utility with its DynamoDB persistence (the
IdempotencyTable in template.yaml). Keys are scoped to the user, so one
person's key can never replay another person's answer. A record in progress
expires with the Lambda's own deadline, so a crashed attempt does not block
retries for long.

Powertools' idempotency package costs about 250 ms to import, so it is imported
on first use: a cold start that carries no Idempotency-Key never pays for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import config
from .aws import dynamodb_client
from .errors import ServiceError, ServiceUnavailable
from .models import ErrorCode

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

Operation = Callable[..., dict[str, Any]]
_invocation: dict[str, Any] = {"context": None}


@lru_cache(maxsize=1)
def _config() -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="[user_id, idempotency_key]",
        payload_validation_jmespath="fingerprint",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=config.idempotency_expiry_seconds(),
    )


@lru_cache(maxsize=8)
def _persistence(operation: str) -> DynamoDBPersistenceLayer:
    # One store per operation: Powertools configures a store for the function it wraps, so two
    # operations sharing one (a chat that books, run in one process) would overwrite each other.
    del operation
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=config.idempotency_table_name(), boto3_client=dynamodb_client())


def register_context(context: Any) -> None:
    """Note the invocation's deadline (call at the start of each invocation); used on first need."""
    _invocation["context"] = context if hasattr(context, "get_remaining_time_in_millis") else None


def fingerprint(*parts: object) -> str:
    """A short digest of what makes two requests 'the same request'."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


def run_once(operation: Operation, *, user_id: str, key: str, request_fingerprint: str) -> dict[str, Any]:
    """Run `operation(payload)` once per (user, key); a retry returns the stored answer.

    An exception raised by the operation (a refusal included) stores nothing, so
    a retry runs it again. The same key with a different request, or while the
    first is still running, is refused with a stable code.
    """
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    if _invocation["context"] is not None:
        _config().register_lambda_context(_invocation["context"])
    wrapped = idempotent_function(
        data_keyword_argument="payload", persistence_store=_persistence(operation.__qualname__), config=_config()
    )(operation)
    payload = {"user_id": user_id, "idempotency_key": key, "fingerprint": request_fingerprint}
    try:
        return wrapped(payload=payload)
    except IdempotencyValidationError:
        raise ServiceError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            "This Idempotency-Key was already used for a different request; use a new key for a new request.",
        ) from None
    except IdempotencyPersistenceLayerError as exc:
        raise ServiceUnavailable(f"the idempotency store could not be used ({type(exc).__name__})") from exc
    except IdempotencyAlreadyInProgressError:
        raise ServiceError(
            ErrorCode.REQUEST_IN_PROGRESS,
            "A request with this Idempotency-Key is still being processed; retry in a moment.",
        ) from None


def reset() -> None:
    _config.cache_clear()
    _persistence.cache_clear()
