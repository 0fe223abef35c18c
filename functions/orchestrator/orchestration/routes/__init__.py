"""The HTTP API's routes, one Powertools `Router` per resource; each route's answers are declared beside it.

A route reads what it needs for this request from its router: the typed service
calls (`services`, put there by `orchestration.app` for each request) and who is
asking (`caller`, from the verified token or, with sign-in off, X-User-Id).
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from courtbooking import config

from ..identity import caller_id, idempotency_key
from ..services import Services


def services(router: Router) -> Services:
    return router.context["services"]  # type: ignore[no-any-return]


def caller(router: Router) -> str:
    """The user: the JWT `sub` when sign-in is on (anything else is refused), else X-User-Id, else guest."""
    return caller_id(router.current_event.raw_event, require_token=config.auth_mode() == "jwt")


def key(router: Router) -> str | None:
    """The Idempotency-Key header, checked."""
    return idempotency_key(router.current_event.raw_event)
