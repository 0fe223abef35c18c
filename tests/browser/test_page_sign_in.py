"""The page with sign-in on: the authorization-code flow with PKCE through the local issuer's form.

Two people sign in one after the other in the same browser; the second never
sees the first's bookings. Tokens live in sessionStorage, never localStorage,
and signing out clears them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local.stack import LocalStack
from tests import clock
from tests.browser.conftest import answer_with, spoken
from tests.local.conftest import LogCapture, empty_tables, request, running_stack

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def signed_in_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    key = tmp_path_factory.mktemp("jwt") / "signing-key.pem"
    with running_stack(parameters={"AuthMode": "jwt"}, jwt_key=key, log=LogCapture()) as local:
        yield local


@pytest.fixture
def stack(signed_in_stack: LocalStack) -> LocalStack:
    empty_tables(signed_in_stack)
    return signed_in_stack


def sign_in(page: Any, stack: LocalStack, user: str) -> None:
    page.goto(f"{stack.api_url}/")
    page.locator("[data-action='sign-in']").click()
    page.wait_for_url("**/local-issuer/oauth2/authorize?*")
    page.fill("input[name=username]", user)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{stack.api_url}/")  # back on the page, the code and state gone from the address
    page.locator("#who").filter(has_text=user).wait_for()


def storage(page: Any) -> tuple[str, str]:
    return page.evaluate("JSON.stringify(sessionStorage)"), page.evaluate("JSON.stringify(localStorage)")


def test_two_people_sign_in_and_the_second_never_sees_the_first(context: Any, stack: LocalStack) -> None:
    page = context.new_page()
    assert page.goto(f"{stack.api_url}/").ok
    assert page.locator("input[name=user]").count() == 0  # no name field: the token says who
    sign_in(page, stack, "alice")
    day = clock.day(2).isoformat()
    page.select_option("select[name=day]", day)
    page.locator(f"[data-slot-id='{day}T10:00|Court A']").click()
    page.locator("[data-confirm='yes']:visible").click()
    page.locator("[data-cell='yours'][data-court='Court A'][data-time='10:00']").wait_for()
    [alices] = page.locator("#my-bookings [data-booking-id]").all()
    booking_id = alices.get_attribute("data-booking-id")
    session, local = storage(page)
    assert "access_token" in session or "eyJ" in session
    assert "eyJ" not in local  # never a token in localStorage

    answers = page.locator(".chat-answer")
    page.fill("input[name=message]", "what have I booked?")
    page.locator("input[name=message]").press("Enter")
    answers.first.wait_for()
    assert page.evaluate("sessionStorage.getItem('court-booking.chat')")

    page.locator("[data-action='sign-out']").click()
    page.locator("[data-action='sign-in']").wait_for()
    session, local = storage(page)
    assert "eyJ" not in session
    assert "eyJ" not in local
    assert page.evaluate("sessionStorage.getItem('court-booking.chat')") is None

    sign_in(page, stack, "bob")
    assert page.locator("#chat-log > *").count() == 0  # alice's conversation is not bob's
    page.select_option("select[name=day]", day)
    page.locator("[data-cell='taken'][data-court='Court A'][data-time='10:00']").wait_for()
    assert page.locator("#my-bookings [data-booking-id]").count() == 0
    assert "alice" not in page.inner_text("body")
    # And through the API with bob's own token: alice's booking is not his to read.
    token = page.evaluate(
        "Object.values(sessionStorage).map(v => (v.match(/eyJ[\\w-]+\\.[\\w-]+\\.[\\w-]+/) || [])[0]).find(Boolean)"
    )
    status, _ = request("GET", f"{stack.api_url}/bookings/{booking_id}", headers={"authorization": f"Bearer {token}"})
    assert status == 404


def test_without_signing_in_the_page_asks_for_it_and_the_api_refuses(context: Any, stack: LocalStack) -> None:
    page = context.new_page()
    page.goto(f"{stack.api_url}/")
    page.locator("[data-action='sign-in']").wait_for()
    assert page.locator("[data-slot-id]").count() == 0
    status, _ = request("GET", f"{stack.api_url}/bookings")
    assert status == 401


def test_a_sign_in_expiring_clears_the_chat_and_its_offers(context: Any, stack: LocalStack) -> None:
    page = context.new_page()
    sign_in(page, stack, "alice")
    page.fill("input[name=message]", f"what is free on {spoken(clock.day(2))} at 4pm?")
    page.locator("input[name=message]").press("Enter")
    page.locator(".chat-answer [data-offer-index]").first.wait_for()
    # The identity provider's token is no longer accepted: API Gateway's authorizer answers 401.
    page.route("**/chat", answer_with(401, {"message": "Unauthorized"}))
    page.locator(".chat-answer [data-offer-index]").first.click()
    page.locator("[role=alert]").filter(has_text="Your sign-in has expired: sign in again").wait_for()
    assert page.locator("#chat-log > *").count() == 0
    assert page.locator("[data-offer-index]").count() == 0
    assert page.evaluate("sessionStorage.getItem('court-booking.chat')") is None
    page.locator("[data-action='sign-in']").wait_for()


@pytest.mark.parametrize(
    "query",
    [
        "code=a-code-from-elsewhere&state=forged",
        "error=access_denied&error_description=Your+account+is+locked.+Call+0800+123+to+unlock+it",
    ],
)
def test_an_answer_this_page_did_not_ask_for_is_refused_and_shows_nothing_of_it(
    context: Any, stack: LocalStack, query: str
) -> None:
    """A link with a code or an error the page's own sign-in did not start: no token request, no words of it."""
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{stack.api_url}/?{query}")
    alert = page.locator("[role=alert]").filter(has_text="did not match this page's request")
    alert.wait_for()
    assert "0800" not in page.inner_text("body")
    assert not [url for url in asked if "/oauth2/token" in url]
    assert page.url == f"{stack.api_url}/"  # the address no longer carries it
