"""The web page in a real browser: Debian's headless Chromium, driven by Playwright, against the local stack.

No browser is ever downloaded: Playwright launches the `chromium` on the PATH
(Debian's package; `.ci/run` installs it). Without one, these tests skip with a
message saying what to install, except in CI (`CI` set), where that is a failure.

Screenshots go to tests/browser/artifacts/ (git-ignored), for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import json
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


# --- what a person does on the page (sign-in off) ---------------------------------------------
def open_page(context: Any, stack: LocalStack, user: str = "alice") -> Any:
    page = context.new_page()
    page.goto(f"{stack.api_url}/")
    page.fill("input[name=user]", user)
    page.locator("input[name=user]").press("Tab")
    page.wait_for_selector("#my-bookings")
    return page


def show_day(page: Any, day: str) -> None:
    page.select_option("select[name=day]", day)
    page.wait_for_selector(f"[data-slot-id^='{day}'], [data-cell='yours'], [data-cell='taken']")


def send(page: Any, message: str) -> Any:
    """Type a message, send it, and wait for its answer: the new `.chat-answer`."""
    answers = page.locator(".chat-answer")
    before = answers.count()
    page.fill("input[name=message]", message)
    page.locator("input[name=message]").press("Enter")
    page.wait_for_function("n => document.querySelectorAll('.chat-answer').length > n", arg=before, timeout=20_000)
    return answers.nth(before)


def spoken(day: dt.date) -> str:
    """A day as a person writes it: "Friday 4 December"."""
    return f"{day:%A} {day.day} {day:%B}"


def mine(stack: LocalStack, user: str) -> list[dict[str, Any]]:
    status, body = request("GET", f"{stack.api_url}/bookings", headers={"x-user-id": user})
    assert status == 200, body
    return body["bookings"]  # type: ignore[no-any-return]


def confirm(page: Any) -> None:
    page.locator("[data-confirm='yes']:visible").click()


def asked_for_a_full_hour(context: Any, stack: LocalStack, day: dt.date, hour: int) -> tuple[Any, Any]:
    """Rivals hold every court at `hour`; alice asks for it in the chat: the page and the answer's offer buttons."""
    for court in ("Court A", "Court B", "Court C"):
        book_as(stack.api_url, f"rival-{court[-1].lower()}", f"{day.isoformat()}T{hour:02d}:00|{court}")
    page = open_page(context, stack)
    answer = send(page, f"book a court on {spoken(day)} at {hour % 12 or 12}{'am' if hour < 12 else 'pm'}")
    offers = answer.locator("[data-offer-index]")
    assert offers.count() >= 1
    assert mine(stack, "alice") == []  # nothing is booked on an offer alone
    return page, offers


def the_booking_offered(stack: LocalStack, label: str) -> dict[str, Any]:
    """Alice's one booking, which is the offer labelled `label` ("Court B 15:00")."""
    [booking] = mine(stack, "alice")
    assert booking["court"] in label, (label, booking)
    assert booking["time"] in label, (label, booking)
    return booking


def day_label(day: dt.date) -> str:
    """A day as the page writes it: "Thu 3 Dec"."""
    return f"{day:%a} {day.day} {day:%b}"


def answer_with(status: int, body: dict[str, Any]) -> Any:
    """A page.route handler that answers every request it gets with `status` and the JSON `body`."""
    text = json.dumps(body)

    def handler(route: Any) -> None:
        route.fulfill(status=status, body=text, content_type="application/json")

    return handler


def api_error(status: int, code: str, message: str) -> Any:
    """A page.route handler answering as the API does when it fails: {"error": {"code", "message"}}."""
    return answer_with(status, {"error": {"code": code, "message": message}})


def busy_once(calls: list[str]) -> Any:
    """A page.route handler: the first request is answered 503 with Retry-After: 1, the others go through."""

    def handler(route: Any) -> None:
        calls.append(route.request.url)
        if len(calls) == 1:
            body = {"error": {"code": "SERVICE_UNAVAILABLE", "message": "DynamoDB is busy"}}
            route.fulfill(
                status=503, body=json.dumps(body), content_type="application/json", headers={"Retry-After": "1"}
            )
        else:
            route.continue_()

    return handler


def focused(page: Any) -> dict[str, Any]:
    """What has the keyboard focus: its data-* attributes and tag (data-cell is "free" on a free cell)."""
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const d = { ...e.dataset, tag: e.tagName.toLowerCase(), id: e.id };
          if (e.matches('button[data-slot-id]')) d.cell = 'free';
          return d;
        }"""
    )
