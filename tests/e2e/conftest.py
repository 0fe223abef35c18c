"""The whole local stack (AuthMode none) on free loopback ports, driven over HTTP as a client would.

Each test module gets its own stack: the HTTP API, the local Lambda endpoint with
every function in its own worker processes, and moto as DynamoDB. The functions'
log lines are kept (the last few thousand) rather than printed, so a failing test
can show what the functions said.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.dynamodb import LOCAL_CREDENTIALS, LOCAL_REGION
from local.stack import LOCAL_TABLE_NAME, LocalStack
from tests.local.conftest import wait_for_health


class LogTail:
    """A log sink keeping the last `size` lines of every source, `[source] line`."""

    def __init__(self, size: int = 5000) -> None:
        self._lines: deque[str] = deque(maxlen=size)
        self._lock = threading.Lock()

    def __call__(self, source: str, line: str) -> None:
        with self._lock:
            self._lines.append(f"[{source}] {line}")

    def tail(self, count: int = 60, containing: str = "") -> str:
        with self._lock:
            lines = [line for line in self._lines if containing in line]
        return "\n".join(lines[-count:])


@pytest.fixture(scope="module")
def stack_logs() -> LogTail:
    return LogTail()


@pytest.fixture(scope="module")
def local_stack(stack_logs: LogTail) -> Iterator[LocalStack]:
    """The stack as `make run` starts it (sign-in off: the user is X-User-Id), on free ports."""
    stack = LocalStack(api_port=0, invoke_port=0, dynamodb_port=0, parameters={"AuthMode": "none"}, log=stack_logs)
    stack.start()
    try:
        wait_for_health(stack.api_url)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def api_url(local_stack: LocalStack) -> str:
    return local_stack.api_url


@pytest.fixture(scope="module")
def bookings_table(local_stack: LocalStack) -> Any:
    """The stack's bookings table through boto3 (tests may scan it; the service never does)."""
    assert local_stack.dynamodb_endpoint is not None
    client = boto3.client(
        "dynamodb", endpoint_url=local_stack.dynamodb_endpoint, region_name=LOCAL_REGION, **LOCAL_CREDENTIALS
    )
    return client, LOCAL_TABLE_NAME
