"""The local endpoints as an attacker would try them: secrets, who can reach them, malformed requests.

The local Lambda endpoint has no authentication (like `sam local start-lambda`):
it listens on loopback only and never shows a secret. Both it and the HTTP API
answer a Content-Length that is not a whole number of bytes with a 400.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from local.lambda_api import REDACTED, LambdaApiServer, redacted
from local.stack import LocalStack
from tests.local.conftest import local_lambda_client


@pytest.fixture(scope="module")
def secret_stack() -> Iterator[LocalStack]:
    """A stack whose functions hold secrets in their environment, as with OPENAI_API_KEY set in the shell."""
    secrets = {
        "OPENAI_API_KEY": "sk-live-do-not-show",
        "PAYMENT_SECRET": "s3cr3t",
        "SOME_TOKEN": "tok",
        "DB_PASSWORD": "hunter2",
        "API_Key_Id": "k",
    }
    stack = LocalStack(
        api_port=None,
        invoke_port=0,
        dynamodb_port=0,
        environment={"Parameters": secrets},
        prewarm=False,
        log=lambda source, line: None,
        host="0.0.0.0",  # noqa: S104 - the HTTP API's address only; the test checks the rest stays on loopback
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def test_list_and_get_function_redact_every_secret(secret_stack: LocalStack) -> None:
    client = local_lambda_client(secret_stack.invoke_url)
    shown = [f["Environment"]["Variables"] for f in client.list_functions()["Functions"]]
    shown.append(client.get_function(FunctionName="IntentParserFunction")["Configuration"]["Environment"]["Variables"])
    text = json.dumps(shown)
    for secret in ("sk-live-do-not-show", "s3cr3t", "hunter2", '"tok"'):
        assert secret not in text
    for variables in shown:
        for name in ("OPENAI_API_KEY", "PAYMENT_SECRET", "SOME_TOKEN", "DB_PASSWORD", "API_Key_Id"):
            assert variables[name] == REDACTED
        assert variables["FACILITY_TIMEZONE"]  # what is not a secret is shown as it is
        assert variables["AWS_SECRET_ACCESS_KEY"] == REDACTED


def test_redaction_goes_by_the_name() -> None:
    assert redacted({"A_KEY": "1", "secret_thing": "2", "X_TOKEN_Y": "3", "PASSWORD": "4", "COURTS": "A"}) == {
        "A_KEY": REDACTED,
        "COURTS": "A",
        "PASSWORD": REDACTED,
        "X_TOKEN_Y": REDACTED,
        "secret_thing": REDACTED,
    }


def test_the_lambda_endpoint_and_dynamodb_listen_on_loopback_only(secret_stack: LocalStack) -> None:
    """Even when the HTTP API is asked to listen on every address."""
    assert urlsplit(secret_stack.invoke_url).hostname == "127.0.0.1"
    assert secret_stack.dynamodb_endpoint is not None
    assert urlsplit(secret_stack.dynamodb_endpoint).hostname == "127.0.0.1"


def test_the_lambda_endpoint_refuses_to_serve_another_address() -> None:
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))  # noqa: S104 - the address being refused
        with pytest.raises(ValueError, match="no authentication"):
            LambdaApiServer(sock)


def raw_request(url: str, head: str, body: bytes = b"", wait_for_close: bool = True) -> tuple[int, bytes, bool]:
    """Send a hand-written request; (status, body, whether the server then closed the connection)."""
    target = urlsplit(url)
    with socket.create_connection((target.hostname, target.port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        headers, _, rest = received.partition(b"\r\n\r\n")
        status = int(headers.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1]) for line in headers.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        while len(rest) < length:
            rest += sock.recv(65536)
        closed = False
        if wait_for_close:
            sock.settimeout(5)
            closed = sock.recv(1) == b""
    return status, rest[:length], closed


BAD_LENGTHS = ["-1", "abc", "1.5", "10, 20", "", "0x10", "１０"]


def head(path: str, length: str, method: str = "POST") -> str:
    return f"{method} {path} HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n"


@pytest.mark.parametrize("length", BAD_LENGTHS)
def test_the_http_api_answers_a_bad_content_length_with_400(stack: LocalStack, length: str, empty_table: str) -> None:
    status, body, closed = raw_request(stack.api_url, head("/chat", length), b'{"message": "book tomorrow at 3pm"}')
    assert status == 400
    assert "Content-Length" in json.loads(body)["message"]
    assert closed  # where a next request would start is unknown


@pytest.mark.parametrize("length", BAD_LENGTHS)
def test_the_lambda_endpoint_answers_a_bad_content_length_with_400(stack: LocalStack, length: str) -> None:
    path = "/2015-03-31/functions/AvailabilityFunction/invocations"
    status, body, closed = raw_request(stack.invoke_url, head(path, length), b"{}")
    assert status == 400
    assert "Content-Length" in json.loads(body)["message"]
    assert closed


def test_a_good_content_length_still_works_on_a_kept_alive_connection(stack: LocalStack) -> None:
    status, body, _ = raw_request(stack.api_url, head("/health", "0", "GET"), wait_for_close=False)
    assert (status, json.loads(body)["status"]) == (200, "ok")


def test_a_payload_nested_too_deeply_for_json_is_lambdas_400(stack: LocalStack) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    path = "/2015-03-31/functions/BookingFunction/invocations"
    status, body, _ = raw_request(stack.invoke_url, head(path, str(len(deep))), deep, wait_for_close=False)
    answer: dict[str, Any] = json.loads(body)
    assert status == 400
    assert "Could not parse request body into json" in answer["message"]
