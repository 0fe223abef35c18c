"""The web page in a real browser: Debian's headless Chromium, driven by Playwright, against the local stack.

No browser is ever downloaded: Playwright launches the `chromium` on the PATH
(Debian's package; `.ci/run` installs it). Without one, these tests skip with a
message saying what to install, except in CI (`CI` set), where that is a failure.

Screenshots go to tests/browser/artifacts/ (git-ignored), for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.stack import LocalStack
from tests.local.conftest import LogCapture, empty_tables, request, running_stack

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# What the machine's closed network needs: no background connections, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long the page may take to show an answer (a cold function is the slowest step).
ANSWER_MS = 20_000


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "no chromium on PATH: install Debian's package (apt-get install chromium) to run the browser tests"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def demo_stack() -> Iterator[LocalStack]:
    """The local stack with sign-in off: the page asks for a name (X-User-Id)."""
    with running_stack(parameters={"AuthMode": "none"}, log=LogCapture()) as local:
        yield local


@pytest.fixture
def demo(demo_stack: LocalStack) -> LocalStack:
    """The demo stack with every table emptied: each test starts from a free club."""
    empty_tables(demo_stack)
    return demo_stack


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (its own cookies and storage) with a phone-sized window."""
    made = browser.new_context(viewport=PHONE, locale="en-GB")
    made.set_default_timeout(ANSWER_MS)
    try:
        yield made
    finally:
        made.close()


def book_as(api_url: str, user: str, slot_id: str) -> dict[str, Any]:
    """Someone else books through the API (sign-in off), as another phone would."""
    status, body = request(
        "POST", f"{api_url}/bookings", {"slot_id": slot_id}, {"content-type": "application/json", "x-user-id": user}
    )
    assert status == 201, body
    return body  # type: ignore[no-any-return]


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
