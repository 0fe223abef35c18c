"""Series on the page (sign-in off): a series said in the chat is shown date by date, "book them" books it,
My bookings lists its dates and Series lists it; Cancel series (after a confirmation) cancels its dates."""

from __future__ import annotations

from typing import Any

import pytest

from local.stack import LocalStack
from tests import clock
from tests.browser.conftest import confirm, mine, open_page, send

pytestmark = pytest.mark.timeout(180)

FIRST, SECOND = clock.day(2), clock.day(9)


def test_a_series_in_the_chat_is_listed_and_cancel_series_cancels_its_dates(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo, user="sal")
    shown = send(page, f"every {FIRST:%A} at 7pm on court B for 2 weeks")
    assert "free on Court B" in shown.inner_text()
    assert mine(demo, "sal") == []  # shown, not booked
    booked = send(page, "book them")
    assert "Booked 2 of 2 dates" in booked.inner_text()
    series = page.locator("#my-series li")
    series.first.wait_for(state="visible", timeout=10_000)
    assert series.count() == 1
    assert series.first.inner_text().startswith(f"Every {FIRST:%A} at 19:00, ")
    assert "2 booked" in series.first.inner_text()
    assert [(b["date"], b["court"]) for b in mine(demo, "sal")] == [
        (FIRST.isoformat(), "Court B"),
        (SECOND.isoformat(), "Court B"),
    ]

    series.first.locator("button[data-action='cancel-series']").click()
    confirm(page)
    page.wait_for_function("() => document.querySelector('#my-series').hidden")
    assert mine(demo, "sal") == []
    assert page.locator("#series-title").is_hidden()
