"""Waitlists on the page (sign-in off): joining in chat shows the entry and a badge; when the court is freed
the badge says it came through and My bookings holds it; Leave takes the entry off."""

from __future__ import annotations

from typing import Any

import pytest

from local.stack import LocalStack
from tests import clock
from tests.browser.conftest import book_as, mine, open_page, send
from tests.local.conftest import request

pytestmark = pytest.mark.timeout(180)


def test_the_badge_says_waiting_then_came_through_and_leave_takes_it_off(context: Any, demo: LocalStack) -> None:
    held = book_as(demo.api_url, "ann", clock.slot_id("Court A", 18, 1))
    page = open_page(context, demo, user="bob")
    answer = send(page, "put me on the waitlist for court A tomorrow at 6pm")
    assert "You are on the waitlist for Court A" in answer.inner_text()
    badge = page.locator("#waitlist-badge")
    page.wait_for_function("() => document.querySelector('#waitlist-badge').textContent === '1 waiting'")
    assert badge.is_visible()
    entry = page.locator("#my-waitlist li[data-status='waiting']")
    assert entry.inner_text().startswith("Court A")
    assert "18:00: waiting" in entry.inner_text()

    status, _ = request("DELETE", f"{demo.api_url}/bookings/{held['booking_id']}", headers={"x-user-id": "ann"})
    assert status == 200
    page.reload()
    page.wait_for_function("() => document.querySelector('#waitlist-badge').textContent === '1 came through'")
    claimed = page.locator("#my-waitlist li[data-status='claimed']")
    assert claimed.inner_text().startswith("Court A")
    assert "came through, Court A is yours" in claimed.inner_text()
    [booking] = mine(demo, "bob")
    # My bookings and the waitlist load side by side: the claimed booking is listed once its answer is in
    held_now = page.locator(f"#my-bookings [data-booking-id='{booking['booking_id']}']")
    held_now.wait_for(state="attached", timeout=10_000)
    assert held_now.count() == 1

    claimed.locator("button[data-action='leave']").click()
    page.wait_for_function("() => document.querySelector('#my-waitlist').hidden")
    assert badge.is_hidden()
    assert [b["booking_id"] for b in mine(demo, "bob")] == [booking["booking_id"]]  # the booking stays
