"""Faults of AWS, injected for real over HTTP: what the caller sees and what is stored.

- DynamoDB throttling: a local endpoint that answers every call with
  ProvisionedThroughputExceededException -> bounded retries, then 503 + Retry-After.
- A booking whose write succeeded but whose answer was lost (once, or on every attempt): a proxy in front of
  moto forwards the first TransactWriteItems and drops the response -> botocore
  retries, and the person gets the booking that was made, exactly one.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from local.http_api import Handler as LocalHandler
from tests.conftest import booked_slots, reset_caches
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler, wire


def chat(handlers: dict[str, Handler], message: str, user: str = "alice") -> dict[str, Any]:
    event = api_event("POST", "/chat", {"x-user-id": user}, json.dumps({"message": message}).encode(), "POST /chat", {})
    return handlers["OrchestratorFunction"](event)


def use_dynamodb_at(url: str, handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every function at another DynamoDB endpoint, as a fresh container would see it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", url)
    reset_caches()
    wire(handlers)


class _Quiet(LocalHandler):
    def reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send(status, dict(headers), body)


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def throttling_dynamodb() -> Iterator[tuple[str, list[str]]]:
    calls: list[str] = []

    class Throttle(_Quiet):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            calls.append(self.headers["x-amz-target"])
            body = json.dumps(
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                    "message": "The level of configured provisioned throughput for the table was exceeded.",
                }
            ).encode()
            self.reply(400, [("content-type", "application/x-amz-json-1.0")], body)

    server = _Server(Throttle)
    yield server.url, calls
    server.close()


def test_dynamodb_throttling_is_a_503_after_bounded_retries(
    handlers: dict[str, Handler], throttling_dynamodb: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, calls = throttling_dynamodb
    use_dynamodb_at(url, handlers, monkeypatch)
    answer = chat(handlers, "book tomorrow at 3pm")
    assert answer["statusCode"] == 503
    assert answer["headers"]["Retry-After"] == "2"
    body = json.loads(answer["body"])
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "ProvisionedThroughputExceededException" in body["error"]["message"]
    # The caller's notices (a fault there only defers them), then the availability read: each tried three times.
    assert calls == ["DynamoDB_20120810.BatchGetItem"] * 3 + ["DynamoDB_20120810.Query"] * 3


@pytest.fixture
def lossy_proxy(moto_endpoint: str) -> Iterator[tuple[str, list[str], dict[str, int]]]:
    """Forwards to moto; the first `drop` TransactWriteItems are written but their answers never arrive."""
    target = urlsplit(moto_endpoint)
    seen: list[str] = []
    settings = {"drop": 1}

    class Proxy(_Quiet):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            operation = self.headers.get("x-amz-target", "")
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            upstream.request("POST", self.path, body, dict(self.headers.items()))
            response = upstream.getresponse()
            payload = response.read()
            seen.append(operation)
            if operation.endswith("TransactWriteItems") and seen.count(operation) <= settings["drop"]:
                self.close_connection = True  # the write happened; the caller never hears of it
                return
            self.reply(response.status, response.getheaders(), payload)

    server = _Server(Proxy)
    yield server.url, seen, settings
    server.close()


@pytest.mark.parametrize(
    ("drop", "attempts_seen"),
    [
        # the first write's answer is lost; botocore's retry meets the booking it made
        (1, lambda n: n >= 2),
        # every attempt is written and none is answered: a consistent read decides
        (1000, lambda n: n == 3),
    ],
    ids=["answer-lost-once", "no-answer-ever"],
)
def test_a_booking_whose_answer_was_lost_is_found_not_made_twice(
    handlers: dict[str, Handler],
    lossy_proxy: tuple[str, list[str], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    dynamodb: Any,
    table_name: str,
    drop: int,
    attempts_seen: Any,
) -> None:
    url, seen, settings = lossy_proxy
    settings["drop"] = drop
    use_dynamodb_at(url, handlers, monkeypatch)
    answer = chat(handlers, "book tomorrow at 3pm")
    body = json.loads(answer["body"])
    assert (answer["statusCode"], body["status"]) == (200, "booked")
    assert attempts_seen(seen.count("DynamoDB_20120810.TransactWriteItems"))
    items = booked_slots(dynamodb, table_name)
    assert [i["booking_id"]["S"] for i in items] == [body["booking"]["booking_id"]]
