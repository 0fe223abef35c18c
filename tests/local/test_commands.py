"""The commands a newcomer types: the run command, `invoke`, `chat`, and the stack's persistence.

Each command runs as a subprocess, exactly as from the README / Makefile.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from local import dynamodb
from local.stack import LOCAL_TABLE_NAME, LocalStack
from local.template import ROOT
from tests import clock
from tests.conftest import table_items
from tests.local.conftest import RunCommand, chat, free_port, request, wait_for_health

pytestmark = pytest.mark.slow

PYTHON = sys.executable


def command(*args: str) -> list[str]:
    return [PYTHON, "-m", *args]


def children_of(pid: int) -> list[int]:
    """Every live process whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def run_command() -> Iterator[RunCommand]:
    run = RunCommand()
    try:
        yield run
    finally:
        run.kill()


def test_the_run_command_serves_books_logs_and_stops_cleanly_on_ctrl_c(run_command: RunCommand) -> None:
    process, output, ports = run_command.process, run_command.output, run_command.ports
    api = f"http://127.0.0.1:{ports['port']}"
    wait_for_health(api)
    status, body = chat(api, "Book a tennis court for tomorrow at 3pm", user="newcomer")
    assert (status, body["status"]) == (200, "booked"), body
    workers = children_of(process.pid)
    assert len(workers) >= 4  # one process per function at least

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    text = output.text()
    assert "stopped." in text
    assert not [pid for pid in workers if alive(pid)], "worker processes outlived the run command"
    assert any(line.startswith("[BookingFunction] {") and '"booked"' in line for line in output.lines), text
    assert "[OrchestratorFunction] REPORT RequestId:" in text
    assert "Traceback" not in text


def test_workers_and_dynamodb_do_not_outlive_a_killed_run_command(run_command: RunCommand) -> None:
    process, ports = run_command.process, run_command.ports
    wait_for_health(f"http://127.0.0.1:{ports['port']}")
    children = children_of(process.pid)
    assert len(children) >= 5  # four functions and DynamoDB
    process.kill()  # no chance to clean up: the children notice on their own
    process.wait()
    deadline = time.monotonic() + 15
    while [pid for pid in children if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in children if alive(pid)] == []


def test_a_taken_port_is_one_clear_line_and_exit_code_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        flags = ["--invoke-port", str(free_port()), "--dynamodb-port", str(free_port())]
        result = subprocess.run(
            command("local.run", "--port", str(port), *flags), cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 (HTTP API) is already in use; choose another with --port"
    ]


def test_a_taken_port_starts_nothing() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        before = set(children_of(os.getpid()))
        stack = LocalStack(api_port=0, invoke_port=0, dynamodb_port=taken.getsockname()[1])
        with pytest.raises(dynamodb.PortInUse, match="--dynamodb-port"):
            stack.start()
    assert stack.runtime is None
    assert set(children_of(os.getpid())) <= before


def test_invoke_without_a_running_stack_uses_a_throwaway_dynamodb() -> None:
    ports = ["--dynamodb-port", str(free_port()), "--invoke-port", str(free_port())]
    result = subprocess.run(
        command("local.invoke", "BookingFunction", "events/booking_slot.json", *ports),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["success"] is True
    assert answer["data"]["user_id"] == "alice"
    assert "throwaway" in result.stderr
    assert "[BookingFunction] REPORT RequestId:" in result.stderr


def test_invoke_uses_the_running_stacks_dynamodb_and_lambda_endpoint(stack: LocalStack, empty_table: str) -> None:
    dynamodb_port = stack.dynamodb_endpoint.rsplit(":", 1)[1] if stack.dynamodb_endpoint else ""
    invoke_port = stack.invoke_url.rsplit(":", 1)[1]
    result = subprocess.run(
        command(
            "local.invoke",
            "OrchestratorFunction",
            "events/orchestrator_chat_book.json",
            "--dynamodb-port",
            dynamodb_port,
            "--invoke-port",
            invoke_port,
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["statusCode"] == 200
    booking_id = json.loads(answer["body"])["booking"]["booking_id"]
    assert stack.dynamodb_endpoint is not None
    items = table_items(dynamodb.client(stack.dynamodb_endpoint), empty_table)
    assert booking_id in json.dumps(items)


def test_invoke_exit_codes_refusal_function_error_unknown_function(tmp_path: Path) -> None:
    refusal = subprocess.run(
        command("local.invoke", "BookingFunction", "events/booking_missing_user.json", "--dynamodb-port", "1"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refusal.returncode == 0, refusal.stderr  # a refusal is the function's answer, not an error
    assert json.loads(refusal.stdout)["error"]["code"] == "INVALID_REQUEST"

    env_vars = tmp_path / "env.json"
    env_vars.write_text(json.dumps({"BookingFunction": {"TABLE_NAME": "no-such-table"}}))
    failure = subprocess.run(
        command("local.invoke", "BookingFunction", "-", "--env-vars", str(env_vars), "--dynamodb-port", "1"),
        input=json.dumps({"slot_id": clock.slot_id("Court A", 10), "user_id": "x"}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failure.returncode == 1, failure.stderr
    assert json.loads(failure.stdout)["errorType"] == "ResourceNotFoundException"

    unknown = subprocess.run(command("local.invoke", "NoSuchFunction"), cwd=ROOT, capture_output=True, text=True)
    assert unknown.returncode == 2
    assert "BookingFunction" in unknown.stderr


def test_chat_books_moves_and_shows_the_booking(stack: LocalStack, empty_table: str) -> None:
    result = subprocess.run(
        command("local.chat", "--url", stack.api_url, "--user", "harry"),
        input="Book a court tomorrow at 10am\nmove it to 11am\nWhat is free tomorrow afternoon?\nquit\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("court> Booked") for line in lines), result.stdout
    assert any(line.startswith("court> Moved to Court A") for line in lines), result.stdout  # one conversation
    assert any(line.strip().startswith("booking ") for line in lines), result.stdout
    assert any(line.strip().startswith("free: 1. ") for line in lines), result.stdout


def test_chat_says_when_the_api_is_not_running() -> None:
    result = subprocess.run(
        command("local.chat", "--url", f"http://127.0.0.1:{free_port()}"),
        input="hello\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "make run" in result.stdout


def quiet(source: str, line: str) -> None:
    pass


def test_persist_keeps_the_bookings_between_runs(tmp_path: Path) -> None:
    saved = tmp_path / "bookings.json"
    item = {"pk": {"S": "DAY#2030-01-01"}, "sk": {"S": "SLOT#10:00#Court A"}, "user_id": {"S": "ivy"}}
    first = LocalStack(api_port=None, invoke_port=0, dynamodb_port=0, persist=saved, prewarm=False, log=quiet)
    first.start()
    try:
        assert first.dynamodb_endpoint is not None
        dynamodb.client(first.dynamodb_endpoint).put_item(TableName=LOCAL_TABLE_NAME, Item=item)
    finally:
        first.stop()
    assert saved.exists()

    second = LocalStack(api_port=None, invoke_port=0, dynamodb_port=0, persist=saved, prewarm=False, log=quiet)
    second.start()
    try:
        assert second.dynamodb_endpoint is not None
        assert table_items(dynamodb.client(second.dynamodb_endpoint), LOCAL_TABLE_NAME) == [item]
    finally:
        second.stop()


def test_health_over_plain_http(stack: LocalStack) -> None:
    assert request("GET", f"{stack.api_url}/health")[0] == 200
