"""The local stack as a user meets it: over HTTP, through boto3's Lambda client, and when a function fails.

Every function runs in its own worker processes; the orchestrator reaches the
services through boto3's Lambda client and the local Lambda endpoint, as in AWS.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from local import dynamodb, events
from local.stack import LocalStack
from tests.conftest import table_items
from tests.functions.test_event_files import EXPECTED
from tests.local.conftest import BOOKING_TIMEOUT_SECONDS, Gate, LogCapture, chat, request

pytestmark = pytest.mark.slow


def invoke(client: Any, function: str, event: Any) -> tuple[dict[str, Any], Any]:
    """(response metadata, decoded payload) of a RequestResponse invoke."""
    response = client.invoke(FunctionName=function, Payload=json.dumps(event).encode())
    return response, json.loads(response["Payload"].read())


def busy_pid(stack: LocalStack, function: str, seconds: float = 20) -> int:
    """The pid of the worker running `function` right now."""
    assert stack.runtime is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = stack.runtime.pools[function].busy_pids()
        if pids:
            return pids[0]
        time.sleep(0.05)
    raise AssertionError(f"no {function} worker is busy")


def wait_until_idle(stack: LocalStack, function: str, seconds: float = 20) -> None:
    assert stack.runtime is not None
    deadline = time.monotonic() + seconds
    while stack.runtime.pools[function].busy_pids():
        assert time.monotonic() < deadline, f"{function} is still busy"
        time.sleep(0.05)


def chat_in_background(url: str, message: str, user: str) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        result["answer"] = chat(url, message, user)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


# --- over HTTP, as with curl ------------------------------------------------------------
def test_health(stack: LocalStack) -> None:
    assert request("GET", f"{stack.api_url}/health") == (200, {"status": "ok", "dynamodb": "ok"})


def test_book_over_http_and_the_booking_is_in_dynamodb(stack: LocalStack, empty_table: str) -> None:
    status, body = chat(stack.api_url, "Book a tennis court for tomorrow at 3pm", user="alice")
    assert status == 200, body
    assert body["status"] == "booked"
    assert body["booking"]["user_id"] == "alice"
    from local import dynamodb

    assert stack.dynamodb_endpoint is not None
    items = table_items(dynamodb.client(stack.dynamodb_endpoint), empty_table)
    assert body["booking"]["booking_id"] in json.dumps(items)


def test_unknown_route_is_404_like_api_gateway(stack: LocalStack) -> None:
    assert request("GET", f"{stack.api_url}/nope") == (404, {"message": "Not Found"})


def test_concurrent_requests_each_get_an_answer_and_one_court_each(stack: LocalStack, empty_table: str) -> None:
    users = [f"player-{n}" for n in range(4)]
    with ThreadPoolExecutor(len(users)) as pool:
        answers = list(pool.map(lambda u: chat(stack.api_url, "Book a court tomorrow at 11am", u), users))
    assert [status for status, _ in answers] == [200] * 4, answers
    statuses = sorted(body["status"] for _, body in answers)
    assert statuses == ["alternatives", "booked", "booked", "booked"], answers
    courts = {body["booking"]["court"] for _, body in answers if body["status"] == "booked"}
    assert len(courts) == 3


# --- through boto3's Lambda client, as with aws lambda invoke ----------------------------
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_event_file_through_the_lambda_endpoint(name: str, lambda_client: Any, empty_table: str) -> None:
    function, expectation = EXPECTED[name]
    response, answer = invoke(lambda_client, function, events.load(name))
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response, answer
    assert expectation(answer), answer


def test_unknown_function_is_resource_not_found(lambda_client: Any) -> None:
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as raised:
        lambda_client.invoke(FunctionName="NoSuchFunction", Payload=b"{}")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "Function not found: arn:aws:lambda:us-east-1:123456789012:function:NoSuchFunction" in str(raised.value)


def test_the_live_alias_is_invoked_like_the_function_and_another_qualifier_is_not_found(lambda_client: Any) -> None:
    for name in (
        "IntentParserFunction:live",
        "arn:aws:lambda:us-east-1:123456789012:function:IntentParserFunction:live",
    ):
        _, answer = invoke(lambda_client, name, {"message": "tomorrow at 9am"})
        assert answer["success"] is True, answer
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as raised:
        lambda_client.invoke(FunctionName="IntentParserFunction:7", Payload=b"{}")
    assert "function:IntentParserFunction:7" in str(raised.value)


def test_a_payload_that_is_not_json_is_refused(lambda_client: Any) -> None:
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException):
        lambda_client.invoke(FunctionName="BookingFunction", Payload=b"{not json")


def test_functions_are_found_by_arn_and_the_orchestrator_calls_this_endpoint(
    lambda_client: Any, stack: LocalStack
) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:IntentParserFunction"
    _, answer = invoke(lambda_client, arn, {"message": "tomorrow at 9am"})
    assert answer["success"] is True
    config = lambda_client.get_function(FunctionName="OrchestratorFunction")["Configuration"]
    variables = config["Environment"]["Variables"]
    assert variables["AWS_ENDPOINT_URL_LAMBDA"] == stack.invoke_url
    assert {variables[k] for k in ("INTENT_PARSER_FUNCTION", "AVAILABILITY_FUNCTION", "BOOKING_FUNCTION")} == {
        "IntentParserFunction",
        "AvailabilityFunction",
        "BookingFunction",
    }
    assert config["Timeout"] == 29
    names = {f["FunctionName"] for f in lambda_client.list_functions()["Functions"]}
    assert names == {"IntentParserFunction", "AvailabilityFunction", "BookingFunction", "OrchestratorFunction"}


def test_log_tail_is_returned_when_asked(lambda_client: Any, empty_table: str) -> None:
    response = lambda_client.invoke(
        FunctionName="BookingFunction", Payload=json.dumps(events.load("booking_slot.json")).encode(), LogType="Tail"
    )
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "START RequestId:" in tail
    assert "REPORT RequestId:" in tail
    assert '"service":"booking"' in tail


def test_function_logs_are_json_lines_under_the_function_name(
    stack: LocalStack, logs: LogCapture, empty_table: str
) -> None:
    status, _ = chat(stack.api_url, "Book a court tomorrow at 5pm", user="logger")
    assert status == 200
    records = [json.loads(line) for line in logs.lines("BookingFunction") if line.startswith('{"level"')]
    assert any(r.get("service") == "booking" and r.get("message") == "booked" for r in records)
    for function in ("IntentParserFunction", "AvailabilityFunction", "BookingFunction", "OrchestratorFunction"):
        assert any(line.startswith("REPORT RequestId:") for line in logs.lines(function)), function
    access = [json.loads(line) for line in logs.lines("HttpApi")]
    assert any(entry["routeKey"] == "POST /chat" and entry["status"] == "200" for entry in access)


# --- failures: each function fails on its own ------------------------------------------
def test_an_unhandled_error_is_reported_as_lambda_does(lambda_client: Any, broken_gate: Gate, empty_table: str) -> None:
    broken_gate.mode = "fail"
    response, answer = invoke(lambda_client, "BookingFunction", events.load("booking_slot.json"))
    assert response["FunctionError"] == "Unhandled"
    assert set(answer) >= {"errorMessage", "errorType", "stackTrace"}
    assert answer["errorType"] == "ResourceNotFoundException"
    assert isinstance(answer["stackTrace"], list)
    assert answer["stackTrace"]


def test_a_failing_service_is_a_502_naming_it(stack: LocalStack, broken_gate: Gate, empty_table: str) -> None:
    broken_gate.mode = "fail"
    status, body = chat(stack.api_url, "Book a court tomorrow at 2pm", user="dave")
    assert status == 502, body
    assert "booking service" in body["error"]["message"]


def test_a_killed_worker_is_a_502_naming_it_and_the_next_request_succeeds(
    stack: LocalStack, broken_gate: Gate, empty_table: str
) -> None:
    broken_gate.mode = "hold"
    thread, result = chat_in_background(stack.api_url, "Book a court tomorrow at 4pm", "erin")
    assert broken_gate.held.wait(30), "the booking function never reached DynamoDB"
    victim = busy_pid(stack, "BookingFunction")
    os.kill(victim, signal.SIGKILL)
    thread.join(30)
    status, body = result["answer"]
    assert status == 502, body
    assert body["error"]["message"] == "the booking service failed"

    broken_gate.reset()
    status, body = chat(stack.api_url, "Book a court tomorrow at 4pm", user="erin")
    assert status == 200, body
    assert body["status"] == "booked"
    assert victim not in stack.pids("BookingFunction")


def test_a_function_over_its_timeout_is_a_504_naming_it(stack: LocalStack, broken_gate: Gate, empty_table: str) -> None:
    broken_gate.mode = "hold"
    started = time.monotonic()
    status, body = chat(stack.api_url, "Book a court tomorrow at 6pm", user="frank")
    elapsed = time.monotonic() - started
    assert status == 504, body
    assert body["error"]["message"] == "the booking service timed out"
    assert BOOKING_TIMEOUT_SECONDS <= elapsed < BOOKING_TIMEOUT_SECONDS + 5

    broken_gate.reset()
    status, body = chat(stack.api_url, "Book a court tomorrow at 6pm", user="frank")
    assert (status, body["status"]) == (200, "booked")


def test_a_timeout_is_reported_as_lambda_does(lambda_client: Any, broken_gate: Gate, empty_table: str) -> None:
    broken_gate.mode = "hold"
    response, answer = invoke(lambda_client, "BookingFunction", events.load("booking_slot.json"))
    assert response["FunctionError"] == "Unhandled"
    assert answer["errorMessage"].endswith(f"Task timed out after {BOOKING_TIMEOUT_SECONDS}.00 seconds")


def test_a_crashed_orchestrator_is_api_gateways_internal_server_error(
    stack: LocalStack, broken_gate: Gate, empty_table: str
) -> None:
    broken_gate.mode = "hold"
    thread, result = chat_in_background(stack.api_url, "Book a court tomorrow at 7pm", "gina")
    assert broken_gate.held.wait(30)
    os.kill(busy_pid(stack, "OrchestratorFunction"), signal.SIGKILL)
    thread.join(30)
    assert result["answer"] == (500, {"message": "Internal Server Error"})

    wait_until_idle(stack, "BookingFunction")  # the held booking times out on its own, booking nothing
    broken_gate.reset()
    status, body = chat(stack.api_url, "Book a court tomorrow at 7pm", user="gina")
    assert (status, body["status"]) == (200, "booked")


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b'{"message": "' + b"x" * (2 * 1024 * 1024) + b'"}', {"content-type": "application/json"}, 413),
        (b"\xff\xfe not utf-8", {"content-type": "application/json"}, 400),
        (b"message=book+tomorrow", {"content-type": "application/x-www-form-urlencoded"}, 400),
        (b"<message>book</message>", {"content-type": "application/xml"}, 415),
        (b'{"message": "' + b"x" * 600 + b'"}', {"content-type": "application/json"}, 400),
    ],
)
def test_bodies_that_cannot_be_a_chat_get_a_4xx_and_write_nothing(
    stack: LocalStack, empty_table: str, body: bytes, headers: dict[str, str], status: int
) -> None:
    got, answer = request("POST", f"{stack.api_url}/chat", body, {**headers, "x-user-id": "alice"})
    assert got == status, answer
    assert stack.dynamodb_endpoint is not None
    assert table_items(dynamodb.client(stack.dynamodb_endpoint), empty_table) == []
