"""The local stack: moto's DynamoDB server, the table from template.yaml, the four
handlers, and the HTTP API, all on loopback.

Used by `make run` (python -m local.run) and by the tests, so the tests drive
exactly what a newcomer runs.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from . import template
from .context import LambdaContext
from .http_api import make_server

LOCAL_TABLE_NAME = "court-bookings"
LOCAL_REGION = "us-east-1"

# Downstream function names the orchestrator is given locally: the logical ids.
SERVICE_FUNCTIONS = ("IntentParserFunction", "AvailabilityFunction", "BookingFunction")


def local_names() -> dict[str, str]:
    return {"BookingsTable": LOCAL_TABLE_NAME, **{f: f for f in (*SERVICE_FUNCTIONS, "OrchestratorFunction")}}


def base_environment(dynamodb_endpoint: str) -> dict[str, str]:
    """What every local function gets besides its template environment."""
    return {
        "AWS_DEFAULT_REGION": LOCAL_REGION,
        "AWS_REGION": LOCAL_REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "false",
    }


def create_tables(endpoint: str) -> None:
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106
    )
    existing = set(client.list_tables()["TableNames"])
    if LOCAL_TABLE_NAME not in existing:
        client.create_table(**template.table_definition("BookingsTable", LOCAL_TABLE_NAME))


@dataclass
class LocalStack:
    """Start with `start()`, stop with `stop()`; or use `running()` as a context manager."""

    api_port: int = 3000
    dynamodb_port: int = 0
    host: str = "127.0.0.1"
    overrides: dict[str, str] = field(default_factory=dict)
    _moto: Any = None
    _api: Any = None
    _thread: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self._api.server_address[1]}"

    @property
    def dynamodb_endpoint(self) -> str:
        host, port = self._moto.get_host_and_port()
        return f"http://{host}:{port}"

    def start(self) -> LocalStack:
        from moto.server import ThreadedMotoServer

        self._moto = ThreadedMotoServer(ip_address=self.host, port=self.dynamodb_port, verbose=False)
        self._moto.start()
        create_tables(self.dynamodb_endpoint)
        handlers = self._load_handlers()
        self._api = make_server(self.host, self.api_port, lambda fn, event: handlers[fn](event))
        self._thread = threading.Thread(target=self._api.serve_forever, name="local-http-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._api is not None:
            self._api.shutdown()
            self._api.server_close()
        if self._moto is not None:
            self._moto.stop()

    def _load_handlers(self) -> dict[str, Any]:
        """Import each function as Lambda would: its folder on the path, its environment set."""
        from courtbooking import config
        from courtbooking.invocation import InProcessInvoker, Service

        specs = template.functions(local_names())
        os.environ.update(base_environment(self.dynamodb_endpoint))
        handlers = {}
        for logical_id, spec in specs.items():
            os.environ.update(spec.environment)
            os.environ.update(self.overrides)
            if str(spec.code_dir) not in sys.path:
                sys.path.insert(0, str(spec.code_dir))
            module = importlib.import_module(spec.module)
            handler = getattr(module, spec.attribute)
            handlers[logical_id] = _with_context(handler, spec.logical_id, spec.timeout)
        config.reset()
        orchestrator = importlib.import_module(specs["OrchestratorFunction"].module)
        by_service = {
            Service.INTENT_PARSER: handlers["IntentParserFunction"],
            Service.AVAILABILITY: handlers["AvailabilityFunction"],
            Service.BOOKING: handlers["BookingFunction"],
        }
        orchestrator.use_invoker(InProcessInvoker({s: _event_only(h) for s, h in by_service.items()}, lambda: None))
        return handlers


def _with_context(handler: Any, name: str, timeout: int) -> Any:
    def call(event: dict[str, Any]) -> Any:
        return handler(event, LambdaContext(function_name=name, timeout_seconds=timeout))

    return call


def _event_only(call: Any) -> Any:
    return lambda event, _context: call(event)


@contextmanager
def running(**kwargs: Any) -> Any:
    stack = LocalStack(**kwargs).start()
    try:
        yield stack
    finally:
        stack.stop()
