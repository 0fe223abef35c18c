"""The page as a player uses it with sign-in off: chat, the day grid, My bookings, errors, keyboard, axe.

Every test starts from an empty club (the `demo` fixture) and a fresh browser
profile. What is asserted is what the person sees: the answer's text, which
cells are free, taken or theirs, what My bookings lists, and what is in the
table afterwards through the API.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from local.stack import LocalStack
from tests import clock
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    asked_for_a_full_hour,
    book_as,
    busy_once,
    confirm,
    mine,
    open_page,
    screenshot,
    send,
    show_day,
    spoken,
    the_booking_offered,
)

pytestmark = pytest.mark.timeout(180)


def test_chat_books_and_the_cell_is_shown_as_yours(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo)
    answer = send(page, "book a court tomorrow at 3pm")
    assert "15:00" in answer.inner_text()
    [booking] = mine(demo, "alice")
    assert (booking["date"], booking["time"]) == (clock.tomorrow().isoformat(), "15:00")
    # The grid follows the booking to its day, and the cell is the person's own.
    cell = page.locator(f"[data-cell='yours'][data-booking-id='{booking['booking_id']}']").first
    cell.wait_for()
    assert cell.get_attribute("data-court") == booking["court"]
    assert page.locator(f"#my-bookings [data-booking-id='{booking['booking_id']}']").count() == 1


def test_tapping_a_free_cell_books_it_after_one_confirmation(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo)
    day = clock.day(2).isoformat()
    show_day(page, day)
    slot = f"{day}T10:00|Court B"
    page.locator(f"[data-slot-id='{slot}']").click()
    assert mine(demo, "alice") == []  # nothing is booked before the confirmation
    confirm(page)
    page.locator("[data-cell='yours'][data-court='Court B'][data-time='10:00']").wait_for()
    assert page.locator(f"[data-slot-id='{slot}']").count() == 0
    [booking] = mine(demo, "alice")
    assert (booking["date"], booking["time"], booking["court"]) == (day, "10:00", "Court B")
    assert page.locator(f"#my-bookings [data-booking-id='{booking['booking_id']}']").count() == 1


def test_saying_no_to_the_confirmation_books_nothing(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo)
    day = clock.day(2).isoformat()
    show_day(page, day)
    page.locator(f"[data-slot-id='{day}T11:00|Court A']").click()
    page.locator("[data-confirm='no']:visible").click()
    assert page.locator(f"[data-slot-id='{day}T11:00|Court A']").count() == 1
    assert mine(demo, "alice") == []


def test_yes_takes_the_offered_alternative_and_offers_are_buttons(context: Any, demo: LocalStack) -> None:
    day = clock.day(2)
    page, offers = asked_for_a_full_hour(context, demo, day, 16)
    first = offers.nth(0).inner_text()
    reply = send(page, "yes")
    booking = the_booking_offered(demo, first)
    assert booking["time"] in reply.inner_text()
    # Other people's bookings are taken cells, never named.
    show_day(page, day.isoformat())
    assert page.locator("[data-cell='taken'][data-time='16:00']").count() == 3
    assert "rival" not in page.inner_text("body")


def test_tapping_an_offer_is_saying_which_one(context: Any, demo: LocalStack) -> None:
    page, offers = asked_for_a_full_hour(context, demo, clock.day(3), 12)
    assert offers.count() >= 2
    second = offers.nth(1).inner_text()
    before = page.locator(".chat-answer").count()
    offers.nth(1).click()
    page.wait_for_function("n => document.querySelectorAll('.chat-answer').length > n", arg=before)
    assert page.locator(".chat-me").last.inner_text().strip().lower() == "the second one"
    the_booking_offered(demo, second)


def test_move_from_my_bookings_to_a_free_cell(context: Any, demo: LocalStack) -> None:
    day = clock.day(2).isoformat()
    page = open_page(context, demo)
    send(page, f"book court A on {spoken(clock.day(2))} at 9am")
    [booking] = mine(demo, "alice")
    show_day(page, day)
    item = page.locator(f"#my-bookings [data-booking-id='{booking['booking_id']}']")
    item.locator("[data-action='move']").click()
    page.locator(f"[data-slot-id='{day}T14:00|Court C']").click()
    confirm(page)
    page.locator("[data-cell='yours'][data-court='Court C'][data-time='14:00']").wait_for()
    [moved] = mine(demo, "alice")
    assert (moved["booking_id"], moved["court"], moved["time"]) == (booking["booking_id"], "Court C", "14:00")
    page.locator(f"[data-slot-id='{day}T09:00|Court A']").wait_for()  # the old cell is free again
    assert "14:00" in item.inner_text()


def test_cancel_from_my_bookings_frees_the_cell(context: Any, demo: LocalStack) -> None:
    day = clock.day(1).isoformat()
    mine_before = book_as(demo.api_url, "alice", f"{day}T18:00|Court A")
    page = open_page(context, demo)
    show_day(page, day)
    page.locator("[data-cell='yours'][data-court='Court A'][data-time='18:00']").wait_for()
    item = page.locator(f"#my-bookings [data-booking-id='{mine_before['booking_id']}']")
    item.locator("[data-action='cancel']").click()
    assert len(mine(demo, "alice")) == 1  # not before the confirmation
    confirm(page)
    page.locator(f"[data-slot-id='{day}T18:00|Court A']").wait_for()
    assert mine(demo, "alice") == []
    item.wait_for(state="detached")
    # The calendar event is now out of date: the page offers the file that removes it.
    with page.expect_download() as download:
        page.locator("#status [data-action='update-calendar']").click()
    invite = Path(download.value.path()).read_text(encoding="utf-8")
    assert "METHOD:CANCEL" in invite
    assert f"UID:{mine_before['booking_id']}" in invite


def test_add_to_calendar_downloads_the_invite(context: Any, demo: LocalStack) -> None:
    booked = book_as(demo.api_url, "alice", clock.slot_id("Court B", 17, 2))
    page = open_page(context, demo)
    item = page.locator(f"#my-bookings [data-booking-id='{booked['booking_id']}']")
    with page.expect_download() as download:
        item.locator("[data-action='calendar']").click()
    saved = download.value
    assert saved.suggested_filename == f"court-booking-{booked['booking_id']}.ics"
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert f"UID:{booked['booking_id']}" in text


def test_my_bookings_arriving_after_the_grid_still_mark_my_cells(context: Any, demo: LocalStack) -> None:
    """A slow GET /bookings (answered after the day's availability) must not leave my cell drawn as taken."""
    day = clock.day(1).isoformat()
    booked = book_as(demo.api_url, "alice", f"{day}T19:00|Court C")
    page = context.new_page()
    held: list[Any] = []
    page.route("**/bookings", lambda route: held.append(route))  # GET /bookings waits until let go
    page.goto(f"{demo.api_url}/")
    page.fill("input[name=user]", "alice")
    page.locator("input[name=user]").press("Tab")
    page.select_option("select[name=day]", day)
    page.locator("[data-cell='taken'][data-court='Court C'][data-time='19:00']").wait_for()  # not known yet
    page.wait_for_function("() => true")  # let the held request reach the handler
    assert held, "the page asked for My bookings"
    for route in held:
        route.continue_()
    page.unroute("**/bookings")
    page.locator(f"[data-cell='yours'][data-booking-id='{booked['booking_id']}']").wait_for()
    assert page.locator("[data-cell='taken'][data-court='Court C'][data-time='19:00']").count() == 0


def test_every_error_is_shown_as_its_message(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo)
    day = clock.day(2).isoformat()
    show_day(page, day)
    # A 4xx the API answers: the slot was taken by someone else between showing and tapping.
    book_as(demo.api_url, "rival", f"{day}T13:00|Court A")
    page.locator(f"[data-slot-id='{day}T13:00|Court A']").click()
    confirm(page)
    alert = page.locator("[role=alert]")
    alert.filter(has_text=re.compile("taken", re.I)).wait_for()
    # A 502 and a 504 from a service: their messages, and the page stays usable.
    for offset, status, code in ((3, 502, "SERVICE_FAILED"), (4, 504, "SERVICE_TIMEOUT")):
        message = f"the availability service failed ({status} test)"
        body = json.dumps({"error": {"code": code, "message": message}})

        def failing(route: Any, request: Any, body: str = body, status: int = status) -> None:
            route.fulfill(status=status, body=body, content_type="application/json")

        page.route("**/availability?*", failing)
        page.select_option("select[name=day]", clock.day(offset).isoformat())
        alert.filter(has_text=message).wait_for()
        page.unroute("**/availability?*")
    assert page.locator("input[name=message]").is_enabled()


def test_a_503_with_retry_after_is_retried_once(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo)
    calls: list[str] = []
    page.route("**/chat", busy_once(calls))
    answer = send(page, "book a court tomorrow at 11am")
    assert len(calls) == 2
    assert "11:00" in answer.inner_text()
    assert len(mine(demo, "alice")) == 1


def test_keyboard_alone_books_a_cell(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo)
    day = clock.day(2).isoformat()
    show_day(page, day)
    slot = page.locator(f"[data-slot-id='{day}T08:00|Court A']")
    slot.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.getAttribute('data-confirm')")
    assert focused in ("yes", "no"), "the confirmation takes the focus"
    page.locator("[data-confirm='yes']:visible").focus()
    page.keyboard.press("Enter")
    page.locator("[data-cell='yours'][data-court='Court A'][data-time='08:00']").wait_for()
    # Escape closes a confirmation without booking.
    page.locator(f"[data-slot-id='{day}T09:00|Court A']").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert len(mine(demo, "alice")) == 1


def test_the_page_passes_axe_on_a_phone_and_a_desktop(context: Any, demo: LocalStack) -> None:
    book_as(demo.api_url, "alice", clock.slot_id("Court A", 15, 1))
    page = open_page(context, demo)
    send(page, "what is free tomorrow at 3pm?")
    show_day(page, clock.tomorrow().isoformat())
    axe = Axe()
    for name, size in (("page-phone-360x740", PHONE), ("page-desktop-1280x800", DESKTOP)):
        page.set_viewport_size(size)
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, indent=1)[:3000]
        # Nothing sticks out sideways on a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name}: the page is {width} px wide"
        screenshot(page, name)


def test_the_page_fetches_nothing_from_elsewhere(context: Any, demo: LocalStack) -> None:
    origins: set[str] = set()
    page = context.new_page()
    page.on("request", lambda r: origins.add(re.sub(r"^(\w+://[^/]+).*", r"\1", r.url)))
    page.goto(f"{demo.api_url}/")
    page.wait_for_selector("input[name=message]")
    assert origins == {demo.api_url}
