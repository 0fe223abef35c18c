"""Shared fixtures.

DynamoDB is moto in server mode, reached over real HTTP through boto3's own
`AWS_ENDPOINT_URL_DYNAMODB`; every test gets a fresh table built from the
definition in template.yaml, so the test table cannot drift from the real one.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from courtbooking import config
from courtbooking.booking_service import BookingService
from local import clock as local_clock
from local import dynamodb as dynamodb_tables
from local import template
from local.context import LambdaContext
from local.stack import base_environment
from tests import clock as test_clock


def pytest_configure(config: pytest.Config) -> None:
    """LOCAL_CLOCK moves this process's clock, and every process a test starts (see tests/clock.py)."""
    moved = local_clock.travel()
    if moved is not None:
        zone = test_clock.zone_name()
        print(f"\nLOCAL_CLOCK: the tests run as if it were {moved:%Y-%m-%d %H:%M:%S} UTC, facility zone {zone}")


FUNCTION_MODULES = ("intent_parser_function", "availability_function", "booking_function", "orchestrator_function")


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's DynamoDB server over real HTTP, one request at a time (see serialised_moto_app)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, dynamodb_tables.serialised_moto_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def reset_caches() -> None:
    """Forget every per-container cache (settings, clients, services) between tests."""
    import sys

    from courtbooking import aws, idempotency

    config.reset()
    idempotency.reset()
    if "intent.settings" in sys.modules:
        sys.modules["intent.settings"].openai_settings.cache_clear()
    if "orchestration.app" in sys.modules:
        sys.modules["orchestration.app"].lambda_invoker.cache_clear()
    if "orchestration.routes.chat" in sys.modules:
        sys.modules["orchestration.routes.chat"].conversations.cache_clear()
    aws._session.cache_clear()
    aws.dynamodb_client.cache_clear()
    aws._lambda_client.cache_clear()
    for name in FUNCTION_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        for attr in ("booking_service", "intent_service"):
            if hasattr(module, attr):
                getattr(module, attr).cache_clear()


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment a deployed function has, pointed at moto; OpenAI not configured."""
    for key in list(os.environ):
        if key.startswith(("OPENAI_", "AWS_ENDPOINT_URL")):
            monkeypatch.delenv(key)
    for key, value in base_environment(moto_endpoint).items():
        monkeypatch.setenv(key, value)
    defaults = template.parameter_defaults()
    monkeypatch.setenv("FACILITY_TIMEZONE", test_clock.zone_name())  # the scenario's zone, else the default
    monkeypatch.setenv("COURTS", defaults["Courts"])
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "CourtBooking")
    monkeypatch.setenv("AUTH_MODE", "none")  # tests that need sign-in set "jwt" and an authorizer block
    reset_caches()
    yield
    reset_caches()


@pytest.fixture
def table_name(aws_env: None, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"bookings-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb")
    client.create_table(**template.table_definition("BookingsTable", name))
    client.create_table(**template.table_definition("IdempotencyTable", f"idempotency-{name}"))
    client.create_table(**template.table_definition("ConversationsTable", f"conversations-{name}"))
    monkeypatch.setenv("TABLE_NAME", name)
    monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", f"idempotency-{name}")
    monkeypatch.setenv("CONVERSATIONS_TABLE_NAME", f"conversations-{name}")
    reset_caches()
    return name


@pytest.fixture
def dynamodb(aws_env: None) -> Any:
    return boto3.client("dynamodb")


def table_items(client: Any, table: str) -> list[dict[str, Any]]:
    """Every item in a test table (tests may scan; the service never does)."""
    return dynamodb_tables.all_items(client, table)


def booked_slots(client: Any, table: str) -> list[dict[str, Any]]:
    """The slot items (one per booked slot), without the per-user bookkeeping items."""
    return [i for i in table_items(client, table) if i["pk"]["S"].startswith("DAY#")]


class Clock:
    """A settable clock for the layer's services."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    # A Friday afternoon, in UTC.
    return Clock(dt.datetime(2026, 11, 27, 13, 30, tzinfo=dt.UTC))


@pytest.fixture
def service(table_name: str, dynamodb: Any, clock: Clock) -> BookingService:
    return BookingService(dynamodb, table_name, config.Facility.from_env(), clock=clock)


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext(function_name="test-function")
