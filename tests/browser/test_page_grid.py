"""The day grid when things go wrong, and with the keyboard alone (sign-in off).

A failure is produced by answering one request with page.route, as a broken
service or API Gateway would; what is asserted is what the person sees, where the
focus is, and what the API holds afterwards.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.stack import LocalStack
from tests import clock
from tests.browser.conftest import (
    answer_with,
    api_error,
    book_as,
    confirm,
    day_label,
    focused,
    mine,
    open_page,
    show_day,
)

pytestmark = pytest.mark.timeout(180)

# Records, at every change of the day and every change of the grid, any free cell of another day
# than the one chosen, and the grid's caption right after the day changed (the test's own script).
WATCH_THE_GRID = """() => {
  window.wrongDay = [];
  window.captionsOnChange = [];
  const select = document.querySelector('select[name=day]');
  const check = () => {
    for (const cell of document.querySelectorAll('#grid [data-slot-id]')) {
      if (!cell.dataset.slotId.startsWith(select.value)) window.wrongDay.push(cell.dataset.slotId);
    }
  };
  select.addEventListener('change', () => {
    check();
    const caption = document.querySelector('#grid caption');
    window.captionsOnChange.push(caption ? caption.textContent : '');
  });
  new MutationObserver(check).observe(document.querySelector('#grid'), { childList: true, subtree: true });
}"""


def test_a_day_that_fails_to_load_never_shows_the_day_before(context: Any, demo: LocalStack) -> None:
    first, second = clock.day(2), clock.day(3)
    page = open_page(context, demo)
    show_day(page, first.isoformat())
    page.evaluate(WATCH_THE_GRID)
    message = "the availability service failed (500 test)"
    page.route("**/availability?*", api_error(500, "INTERNAL_ERROR", message))
    page.select_option("select[name=day]", second.isoformat())
    error = page.locator("#grid [role=alert]").filter(has_text=message)
    error.wait_for()
    assert day_label(second) in error.inner_text()
    assert page.evaluate("window.wrongDay") == [], "cells of the day before were shown under the new day"
    [caption] = page.evaluate("window.captionsOnChange")
    assert day_label(second) in caption
    assert "loading" in caption.lower()
    assert page.locator("#grid [data-slot-id]").count() == 0

    page.unroute("**/availability?*")
    page.locator("[data-action='retry-grid']").click()
    slot = page.locator(f"[data-slot-id='{second.isoformat()}T10:00|Court A']")
    slot.click()
    assert day_label(second) in page.locator("#confirm-text").inner_text()
    confirm(page)
    page.locator("[data-cell='yours'][data-court='Court A'][data-time='10:00']").wait_for()
    [booking] = mine(demo, "alice")
    assert booking["date"] == second.isoformat()
    assert page.evaluate("window.wrongDay") == []


def test_booking_and_moving_by_keyboard_leave_the_focus_on_the_cell_now_yours(context: Any, demo: LocalStack) -> None:
    day = clock.day(2).isoformat()
    page = open_page(context, demo)
    show_day(page, day)
    page.locator(f"[data-slot-id='{day}T08:00|Court A']").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the confirmation's "Book" has the focus
    yours = "[data-cell='yours'][data-court='Court A'][data-time='08:00']"
    page.locator(yours).wait_for()
    page.wait_for_function("s => document.activeElement.matches(s)", arg=yours)
    assert len(mine(demo, "alice")) == 1

    page.locator("#my-bookings [data-action='move']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('#grid button[data-slot-id]')")
    page.locator(f"[data-slot-id='{day}T14:00|Court C']").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # "Move"
    moved = "[data-cell='yours'][data-court='Court C'][data-time='14:00']"
    page.locator(moved).wait_for()
    page.wait_for_function("s => document.activeElement.matches(s)", arg=moved)
    [booking] = mine(demo, "alice")
    assert (booking["court"], booking["time"]) == ("Court C", "14:00")


def test_a_booking_whose_refresh_fails_still_says_booked(context: Any, demo: LocalStack) -> None:
    day = clock.day(2).isoformat()
    page = open_page(context, demo)
    show_day(page, day)
    failing = api_error(500, "INTERNAL_ERROR", "the bookings list failed (test)")

    def list_fails(route: Any) -> None:
        if route.request.method == "GET":
            failing(route)
        else:
            route.continue_()

    page.route("**/bookings", list_fails)
    page.locator(f"[data-slot-id='{day}T11:00|Court B']").click()
    confirm(page)
    refreshed = "(The list could not be refreshed: the bookings list failed (test))"
    status = page.locator("#status").filter(has_text=refreshed)
    status.wait_for()
    assert status.inner_text().startswith("Booked")
    [booking] = mine(demo, "alice")
    # Shown as held from the POST's own answer: the cell and My bookings.
    page.locator(f"[data-cell='yours'][data-booking-id='{booking['booking_id']}']").wait_for()
    assert page.locator(f"#my-bookings [data-booking-id='{booking['booking_id']}']").count() == 1


def test_the_message_is_in_view_after_tapping_a_cell_low_on_a_phone(context: Any, demo: LocalStack) -> None:
    day = clock.day(2).isoformat()
    page = open_page(context, demo)
    show_day(page, day)
    page.locator(f"[data-slot-id='{day}T20:00|Court C']").click()  # scrolled to, far below the top
    confirm(page)
    page.locator("[data-cell='yours'][data-court='Court C'][data-time='20:00']").wait_for()
    page.locator("#status").filter(has_text="Booked").wait_for()
    top, bottom, height = page.evaluate(
        "(() => { const r = document.querySelector('#status').getBoundingClientRect();"
        " return [r.top, r.bottom, innerHeight]; })()"
    )
    assert page.evaluate("scrollY") > 0
    assert top >= 0, f"the message is at {top}-{bottom} px of a {height} px window"
    assert bottom <= height, f"the message is at {top}-{bottom} px of a {height} px window"
    # At the very end of the page, the bar covers nothing of the last content.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last, bar = page.evaluate(
        """(() => [document.querySelector('#my-bookings li:last-child').getBoundingClientRect().bottom,
                   document.querySelector('#status').getBoundingClientRect().top])()"""
    )
    assert last <= bar


def test_a_gateway_timeout_is_explained_and_the_page_shows_what_went_through(context: Any, demo: LocalStack) -> None:
    day = clock.day(2).isoformat()
    page = open_page(context, demo)
    show_day(page, day)

    def booked_but_timed_out(route: Any) -> None:
        if route.request.method == "POST":
            route.fetch()  # it reaches the service and is booked; the answer is lost on the way back
            route.fulfill(status=504, body=json.dumps({"message": "Endpoint request timed out"}))
        else:
            route.continue_()

    page.route("**/bookings", booked_but_timed_out)
    page.locator(f"[data-slot-id='{day}T12:00|Court A']").click()
    confirm(page)
    alert = page.locator("#status [role=alert]")
    alert.filter(has_text="The server took too long to answer (HTTP 504: Endpoint request timed out).").wait_for()
    assert "It may or may not have gone through: My bookings shows what you hold now." in alert.inner_text()
    [booking] = mine(demo, "alice")
    page.locator(f"[data-cell='yours'][data-booking-id='{booking['booking_id']}']").wait_for()
    page.locator(f"#my-bookings [data-booking-id='{booking['booking_id']}']").wait_for()
    page.unroute("**/bookings")

    page.route("**/availability?*", answer_with(502, {"message": "Internal Server Error"}))
    page.select_option("select[name=day]", clock.day(3).isoformat())
    page.locator("#grid [role=alert]").filter(has_text="(HTTP 502: Internal Server Error).").wait_for()
    assert page.locator("#grid [role=alert]").inner_text().count("Internal Server Error") == 1


def test_the_grid_is_one_tab_stop_with_arrow_keys(context: Any, demo: LocalStack) -> None:
    day = clock.day(2)
    book_as(demo.api_url, "alice", f"{day.isoformat()}T09:00|Court B")
    page = open_page(context, demo)
    show_day(page, day.isoformat())
    page.locator("[data-cell='yours'][data-court='Court B'][data-time='09:00']").wait_for()
    stops = "[...document.querySelectorAll('#grid button, #grid [tabindex]')].filter(e => e.tabIndex >= 0).length"
    assert page.evaluate(stops) == 1
    assert page.locator("#grid button[data-slot-id]").count() > 30  # every free cell is still a button

    page.locator("[data-action='next-day']").focus()
    page.keyboard.press("Tab")
    where = focused(page)
    assert (where.get("court"), where.get("time"), where.get("cell")) == ("Court A", "08:00", "free")
    for key, court, time, cell in [
        ("ArrowRight", "Court B", "08:00", "free"),
        ("ArrowDown", "Court B", "09:00", "yours"),
        ("ArrowDown", "Court B", "10:00", "free"),
        ("End", "Court C", "10:00", "free"),
        ("ArrowRight", "Court C", "10:00", "free"),  # the edge: it stays
        ("Home", "Court A", "10:00", "free"),
        ("ArrowUp", "Court A", "09:00", "free"),
        ("Control+End", "Court C", "20:00", "free"),
        ("Control+Home", "Court A", "08:00", "free"),
    ]:
        page.keyboard.press(key)
        where = focused(page)
        assert (where.get("court"), where.get("time"), where.get("cell")) == (court, time, cell), key
        assert page.evaluate(stops) == 1, key
    # Enter and Space take the focused cell; Escape says no.
    for key in ("Enter", " "):
        page.keyboard.press(key)
        page.locator("#confirm[open]").wait_for()
        assert day_label(day) in page.locator("#confirm-text").inner_text()
        page.keyboard.press("Escape")
        page.locator("#confirm[open]").wait_for(state="detached")
        assert focused(page).get("time") == "08:00"
    assert len(mine(demo, "alice")) == 1
    # Tab goes on from the grid to My bookings.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#my-bookings') !== null")
