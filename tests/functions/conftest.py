"""Fixtures that call the real Lambda handlers, as deployed, from their template entries."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from local import template
from local.context import LambdaContext

Handler = Callable[[Any], Any]


def handler_for(logical_id: str) -> Handler:
    """The function's handler as template.yaml names it, called with a Lambda-like context."""
    spec = template.functions({})[logical_id]
    handler = getattr(importlib.import_module(spec.module), spec.attribute)
    return lambda event: handler(event, LambdaContext(function_name=logical_id, timeout_seconds=spec.timeout))


class Handlers(dict[str, Handler]):
    """Function logical id -> handler, imported on first use (as a cold start would)."""

    def __missing__(self, logical_id: str) -> Handler:
        self[logical_id] = handler_for(logical_id)
        return self[logical_id]


@pytest.fixture
def handlers(table_name: str) -> dict[str, Handler]:
    return Handlers()


@pytest.fixture
def orchestrator(handlers: dict[str, Handler]) -> Handler:
    """The orchestrator wired to the three real service handlers through the in-process invoker."""
    return wire(handlers)


def wire(handlers: dict[str, Handler], **replace: Callable[[Any, Any], Any]) -> Handler:
    """The orchestrator's handler, wired by `make_handler` to the three real service handlers in this
    process (or to `replace`ments, by service name: booking=...); also put in handlers["OrchestratorFunction"]."""
    from orchestration.app import make_handler
    from orchestration.services import Service

    services = {
        Service.INTENT_PARSER: handlers["IntentParserFunction"],
        Service.AVAILABILITY: handlers["AvailabilityFunction"],
        Service.BOOKING: handlers["BookingFunction"],
    }
    wired: dict[Service, Callable[[Any, Any], Any]] = {s: _ignore_context(h) for s, h in services.items()}
    wired.update({Service(k.replace("_", " ")): v for k, v in replace.items()})
    invoker = InProcessInvoker(wired)
    handle = make_handler(lambda: invoker)
    timeout = template.functions({})["OrchestratorFunction"].timeout
    context = LambdaContext(function_name="OrchestratorFunction", timeout_seconds=timeout)
    handlers["OrchestratorFunction"] = lambda event: handle(event, context)
    return handlers["OrchestratorFunction"]


def _ignore_context(handler: Handler) -> Callable[[Any, Any], Any]:
    return lambda event, _context: handler(event)


class InProcessInvoker:
    """Runs the service handlers in this process with Lambda's JSON round trip both ways,
    so the orchestrator sees what the wire would carry; a crash is that service's failure."""

    def __init__(self, handlers: dict[Any, Callable[[Any, Any], Any]]) -> None:
        self._handlers = handlers

    def invoke(self, service: Any, payload: dict[str, Any], timeout: float | None = None) -> Any:
        from orchestration.services import DownstreamFailure, decode_answer

        event = json.loads(json.dumps(payload))
        try:
            wire = json.dumps(self._handlers[service](event, None))
        except Exception as exc:  # a crash in a service is that service's failure, as in Lambda
            raise DownstreamFailure(service, "failed", f"{type(exc).__name__}: {exc}") from exc
        return decode_answer(service, wire)
