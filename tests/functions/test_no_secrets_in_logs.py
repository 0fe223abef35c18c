"""Logs never carry the OpenAI key or a caller's bearer token, even when the vendor fails."""

from __future__ import annotations

import json

import pytest

from tests.conftest import reset_caches
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler, wire

SECRET_KEY = "sk-test-0123456789abcdefSECRET"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw"


def test_neither_the_openai_key_nor_the_token_reaches_a_log_line(
    handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # refused at once: the parser falls back
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    reset_caches()
    wire(handlers)
    event = api_event(
        "POST",
        "/chat",
        {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"},
        json.dumps({"message": "book tomorrow at 3pm"}).encode(),
        "POST /chat",
        {},
    )
    event["requestContext"]["authorizer"] = {"jwt": {"claims": {"sub": "alice"}, "scopes": None}}
    answer = handlers["OrchestratorFunction"](event)
    body = json.loads(answer["body"])
    assert body["status"] == "booked"
    assert body["intent"]["parser"] == "offline"  # the vendor failed and the chat kept working
    output = capsys.readouterr()
    logged = output.out + output.err
    assert logged  # something was logged at DEBUG
    assert SECRET_KEY not in logged
    assert TOKEN not in logged
    assert TOKEN.split(".")[2] not in logged
