"""The local stack in a fixture, on free ports, and the tools to drive and break it.

BookingFunction reaches DynamoDB through `Gate`, a pass-through proxy the tests
can switch to hold every request (so the function hangs in a real network call,
as with a stuck dependency in AWS) or to fail it (so the function raises). Its
Timeout is lowered to a few seconds so a hang becomes a Lambda timeout quickly.
Nothing in the functions' code is changed for this.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from local import dynamodb, template
from local.http_api import Handler as LocalHandler
from local.stack import LOCAL_TABLE_NAME, LocalStack, local_tables
from local.template import ROOT
from tests.conftest import table_items

BOOKING_TIMEOUT_SECONDS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LogCapture:
    """A log sink that keeps every `[source] line`."""

    def __init__(self) -> None:
        self._lines: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, source: str, line: str) -> None:
        with self._lock:
            self._lines.append((source, line))

    def lines(self, source: str) -> list[str]:
        with self._lock:
            return [line for s, line in self._lines if s == source]


class Gate:
    """An HTTP proxy in front of moto: "pass" forwards, "hold" never answers, "fail" answers an AWS error."""

    def __init__(self) -> None:
        self.mode = "pass"
        self.upstream = ""
        self.held = threading.Event()
        self.release = threading.Event()
        gate = self

        class Handler(LocalHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if gate.mode == "hold":
                    gate.held.set()
                    gate.release.wait(60)
                    self.close_connection = True
                    return
                if gate.mode == "fail":
                    self.send(400, {"content-type": "application/x-amz-json-1.0"}, gate.error())
                    return
                self.send(*gate.forward(self.path, dict(self.headers.items()), body))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def forward(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    @staticmethod
    def error() -> bytes:
        kind = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
        return json.dumps({"__type": kind, "message": "Requested resource not found"}).encode()

    def reset(self) -> None:
        self.mode = "pass"
        self.release.set()
        self.held.clear()
        self.release = threading.Event()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def gate() -> Iterator[Gate]:
    proxy = Gate()
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def logs() -> LogCapture:
    return LogCapture()


@contextlib.contextmanager
def running_stack(**options: Any) -> Iterator[LocalStack]:
    """A local stack on free ports, answering /health, stopped afterwards whatever happened."""
    local = LocalStack(api_port=0, invoke_port=0, dynamodb_port=0, **options)
    local.start()
    try:
        wait_for_health(local.api_url)
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="module")
def stack(gate: Gate, logs: LogCapture) -> Iterator[LocalStack]:
    environment = {"BookingFunction": {"AWS_ENDPOINT_URL_DYNAMODB": gate.url}}
    timeouts = {"BookingFunction": BOOKING_TIMEOUT_SECONDS}
    with running_stack(environment=environment, timeouts=timeouts, log=logs) as local:
        assert local.dynamodb_endpoint is not None
        gate.upstream = local.dynamodb_endpoint
        yield local


@pytest.fixture
def broken_gate(gate: Gate) -> Iterator[Gate]:
    """The gate, put back to pass-through after the test whatever happened."""
    yield gate
    gate.reset()


def local_lambda_client(endpoint: str, read_timeout: float = 40) -> Any:
    """boto3's Lambda client pointed at a local Lambda endpoint (any credentials do)."""
    return boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(read_timeout=read_timeout, retries={"total_max_attempts": 1}),
    )


def empty_tables(stack: LocalStack) -> None:
    """Delete every item of every local table (tests that share one stack start from empty)."""
    assert stack.dynamodb_endpoint is not None
    client = dynamodb.client(stack.dynamodb_endpoint)
    for logical_id, name in local_tables().items():
        keys = [k["AttributeName"] for k in template.table_definition(logical_id, name)["KeySchema"]]
        for item in table_items(client, name):
            client.delete_item(TableName=name, Key={k: item[k] for k in keys})


@pytest.fixture
def lambda_client(stack: LocalStack) -> Any:
    return local_lambda_client(stack.invoke_url)


@pytest.fixture
def empty_table(stack: LocalStack) -> str:
    """The stack's bookings table, name returned, with every local table emptied (tests share one stack)."""
    empty_tables(stack)
    return LOCAL_TABLE_NAME


def request(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None, timeout: float = 40
) -> tuple[int, Any]:
    """One HTTP request with http.client; (status, JSON body or text)."""
    target = urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
    payload = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    try:
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        connection.request(method, path, body=payload, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw.decode(errors="replace")


def chat(url: str, message: str, user: str = "guest", timeout: float = 40) -> tuple[int, Any]:
    headers = {"content-type": "application/json", "x-user-id": user}
    return request("POST", f"{url}/chat", {"message": message}, headers, timeout)


def wait_for_health(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if request("GET", f"{url}/health", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url}/health did not answer 200 within {seconds} s")
        time.sleep(0.2)


class Output:
    """Collects a subprocess's output lines in a thread (so its pipe never fills)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._stream = process.stdout
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        self._thread.join(10)
        return "\n".join(self.lines)


class RunCommand:
    """`python -m local.run ARGS` (what `make run` starts) as a subprocess in a session of its own.

    On free ports unless `ports` gives them ({"port", "invoke-port", "dynamodb-port"}).
    `wait()` waits for /health; `interrupt()` is Ctrl-C; `kill()` is kill -9 of its process group.
    """

    def __init__(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
        ports: dict[str, int] | None = None,
    ) -> None:
        self.ports = ports or {"port": free_port(), "invoke-port": free_port(), "dynamodb-port": free_port()}
        flags = [item for name, port in self.ports.items() for item in (f"--{name}", str(port))]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.run", *args, *flags],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output = Output(self.process)
        self.api = f"http://127.0.0.1:{self.ports['port']}"
        self.invoke_url = f"http://127.0.0.1:{self.ports['invoke-port']}"
        self.dynamodb = f"http://127.0.0.1:{self.ports['dynamodb-port']}"

    def wait(self, seconds: float = 60) -> RunCommand:
        wait_for_health(self.api, seconds)
        return self

    def interrupt(self, timeout: float = 30) -> int:
        """Ctrl-C, and its exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """kill -9 of the run command's process group (what a user's `kill -9 -PGID` does)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
