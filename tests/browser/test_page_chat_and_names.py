"""The chat over waits, reloads and changes of name; the demo name's rules; the page's own loading.

Sign-in off. A failure is produced by answering one request with page.route; what
is asserted is what the person sees and what the API holds afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest

from local.stack import LocalStack
from tests import clock
from tests.browser.conftest import (
    PHONE,
    api_error,
    asked_for_a_full_hour,
    busy_once,
    mine,
    open_page,
    send,
    the_booking_offered,
)

pytestmark = pytest.mark.timeout(180)

ACCENTS_RULE = "plain letters A-Z and a-z, digits and _ . @ : + - |; no spaces or accents"


def chat_log(page: Any) -> list[str]:
    return page.eval_on_selector_all("#chat-log > *", "nodes => nodes.map(n => n.className + ': ' + n.innerText)")


def watch_the_chat(page: Any) -> None:
    """Record in window.waits each waiting sign the chat log gets, with the log's aria-busy then (a test script)."""
    page.evaluate(
        """() => {
  window.waits = [];
  const log = document.querySelector('#chat-log');
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.nodeType === 1 && node.matches('.chat-wait')) {
        window.waits.push([node.textContent, log.getAttribute('aria-busy')]);
      }
    }
  }).observe(log, { childList: true });
}"""
    )


def test_a_waiting_sign_stands_in_for_the_answer(context: Any, demo: LocalStack) -> None:
    page = open_page(context, demo)
    watch_the_chat(page)
    send(page, "what is free tomorrow at 3pm?")
    assert page.evaluate("window.waits") == [["Thinking…", "true"]]
    assert page.locator("#chat-log .chat-wait").count() == 0
    assert page.get_attribute("#chat-log", "aria-busy") is None
    # An error takes its place too.
    page.route("**/chat", api_error(500, "INTERNAL_ERROR", "the chat failed (test)"))
    page.fill("input[name=message]", "and at 4pm?")
    page.locator("input[name=message]").press("Enter")
    page.locator("#chat-log .chat-error").filter(has_text="the chat failed (test)").wait_for()
    assert page.evaluate("window.waits.length") == 2
    assert page.locator("#chat-log .chat-wait").count() == 0
    assert page.get_attribute("#chat-log", "aria-busy") is None


def test_a_reload_keeps_the_conversation_and_its_offers(context: Any, demo: LocalStack) -> None:
    page, offers = asked_for_a_full_hour(context, demo, clock.day(2), 16)
    labels = offers.all_inner_texts()
    before = chat_log(page)
    page.reload()
    restored = page.locator(".chat-answer [data-offer-index]")
    restored.first.wait_for()
    assert chat_log(page) == before
    assert restored.all_inner_texts() == labels
    answers = page.locator(".chat-answer").count()
    restored.first.click()  # "the first one": the server still has the conversation by its id
    page.wait_for_function("n => document.querySelectorAll('.chat-answer').length > n", arg=answers)
    the_booking_offered(demo, labels[0])


def test_a_new_name_clears_the_chat_and_its_offers(context: Any, demo: LocalStack) -> None:
    page, _ = asked_for_a_full_hour(context, demo, clock.day(2), 16)
    assert page.evaluate("sessionStorage.getItem('court-booking.chat')")
    page.fill("input[name=user]", "bob")
    page.locator("input[name=user]").press("Tab")
    page.locator("#who").filter(has_text="Booking as bob").wait_for()
    assert chat_log(page) == []
    assert page.locator("[data-offer-index]").count() == 0
    assert page.evaluate("sessionStorage.getItem('court-booking.chat')") is None
    send(page, "yes")  # a new conversation: nothing of alice's offers to say yes to
    assert mine(demo, "bob") == []
    assert mine(demo, "alice") == []
    bobs = chat_log(page)
    page.reload()  # bob's own conversation comes back, and nothing of alice's
    page.locator("#who").filter(has_text="Booking as bob").wait_for()
    assert chat_log(page) == bobs


def test_a_name_too_long_is_refused_and_not_cut(context: Any, demo: LocalStack) -> None:
    page = context.new_page()
    page.goto(f"{demo.api_url}/")
    page.fill("input[name=user]", "a" * 200)
    page.locator("input[name=user]").press("Tab")
    page.locator("[role=alert]").filter(has_text="A name may be at most 128 characters").wait_for()
    assert len(page.input_value("input[name=user]")) == 200
    assert "Booking as" not in page.inner_text("#who")
    # The longest name allowed wraps: the page never scrolls sideways on a phone.
    page.fill("input[name=user]", "b" * 128)
    page.locator("input[name=user]").press("Tab")
    page.locator("#who").filter(has_text="Booking as bbbb").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("refused", ["Zoë", "ann smith"])
def test_a_name_the_service_refuses_says_the_rule_and_keeps_nobody_guessing(
    context: Any, demo: LocalStack, refused: str
) -> None:
    page = context.new_page()
    page.goto(f"{demo.api_url}/")
    page.fill("input[name=user]", "alice")
    page.locator("input[name=user]").press("Tab")
    page.locator("#who").filter(has_text="Booking as alice").wait_for()
    page.fill("input[name=user]", refused)
    page.locator("input[name=user]").press("Enter")
    alert = page.locator("[role=alert]").filter(has_text=ACCENTS_RULE)
    alert.wait_for()
    who = page.inner_text("#who")
    assert "not taken" in who, who
    assert page.get_attribute("input[name=user]", "aria-invalid") == "true"
    # Nothing is booked under either name while the typed one is refused.
    day = clock.day(2).isoformat()
    page.select_option("select[name=day]", day)
    page.locator(f"[data-slot-id='{day}T10:00|Court A']").click()
    alert.wait_for()
    assert page.locator("#confirm[open]").count() == 0
    assert mine(demo, "alice") == []


def test_the_settings_are_asked_again_after_a_503(context: Any, demo: LocalStack) -> None:
    calls: list[str] = []
    page = context.new_page()
    page.route("**/app/config.json", busy_once(calls))
    page.goto(f"{demo.api_url}/")
    page.locator("input[name=user]").wait_for()
    assert len(calls) == 2
    assert page.locator("[role=alert]").count() == 0


def test_without_its_scripts_the_page_says_what_to_do(context: Any, demo: LocalStack) -> None:
    page = context.new_page()
    page.route("**/app/*.js", lambda route: route.abort())
    page.goto(f"{demo.api_url}/")
    assert "If this stays, reload the page; the page needs JavaScript." in page.inner_text("#who")
