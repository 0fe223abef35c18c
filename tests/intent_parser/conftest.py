"""Fixtures for the intent parser tests (helpers live in `tests/intent_parser/fakes.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from courtbooking.config import Facility
from tests.intent_parser.fakes import FakeOpenAI, load_corpus, make_facility


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    return load_corpus()


@pytest.fixture
def london() -> Facility:
    return make_facility("Europe/London")


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    """A Chat Completions server on 127.0.0.1 replaying `openai_server.script(...)`."""
    server = FakeOpenAI()
    yield server
    server.close()


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials and a region for moto; the cached key providers forgotten around the test."""
    from intent.llm import reset_key_cache

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    reset_key_cache()
    yield
    reset_key_cache()


@pytest.fixture
def fallbacks() -> tuple[list[str], Callable[[str], None]]:
    """A list of fallback reasons, and the callback that fills it (IntentService's `on_fallback`)."""
    reasons: list[str] = []
    return reasons, reasons.append
