"""The local sign-in pages (`local.issuer`): OAuth 2.0 authorization code with PKCE, as the web page uses
Cognito's managed login, against the local stack in AuthMode=jwt.

Driven with plain http.client, redirects not followed: the form is read as a browser
would (its hidden fields posted back as they are), the code is exchanged with a real
S256 verifier, and the access token is taken by the stack's own JWT authorizer.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from courtbooking.models import USER_ID_PATTERN
from local import issuer as issuer_module
from local.issuer import CODE_SECONDS, CSP, LocalIssuer, s256
from local.jwt_auth import LOCAL_AUDIENCE, LOCAL_ISSUER, LocalJwtAuthorizer
from local.stack import LocalStack
from tests import clock
from tests.local.conftest import LogCapture, running_stack

pytestmark = pytest.mark.slow

FORM = {"content-type": "application/x-www-form-urlencoded"}


# --- the stack, and a client that does not follow redirects --------------------------------
@pytest.fixture(scope="module")
def logs() -> LogCapture:
    return LogCapture()


@pytest.fixture(scope="module")
def key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sign-in-pages") / "jwt-signing-key.pem"


@pytest.fixture(scope="module")
def stack(key_path: Path, logs: LogCapture) -> Iterator[LocalStack]:
    """The local stack in sign-in mode on free ports, with the local sign-in pages."""
    with running_stack(parameters={"AuthMode": "jwt"}, jwt_key=key_path, log=logs) as local:
        yield local


@pytest.fixture
def pages(stack: LocalStack) -> Iterator[LocalIssuer]:
    """The stack's sign-in pages, their clock put back after the test."""
    assert stack.issuer is not None
    real = stack.issuer.clock
    yield stack.issuer
    stack.issuer.clock = real


class Answer:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        self.text = response.read().decode()

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def location(self) -> tuple[str, dict[str, list[str]]]:
        """(where it redirects without the query, the query's parameters)."""
        split = urlsplit(self.headers["location"])
        return f"{split.scheme}://{split.netloc}{split.path}", parse_qs(split.query, keep_blank_values=True)


def fetch(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    target = urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=40)
    try:
        connection.request(method, target.path + (f"?{target.query}" if target.query else ""), body, headers or {})
        return Answer(connection.getresponse())
    finally:
        connection.close()


def pkce() -> tuple[str, str]:
    """(code_verifier, its S256 code_challenge), computed here, not by the module under test."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Form(HTMLParser):
    """The inputs, labels, buttons and text of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labels: dict[str, str] = {}
        self.buttons: list[str] = []
        self.action: str | None = None
        self.tags: list[str] = []
        self._open: tuple[str, str] | None = None
        self._text: list[str] = []
        self.feed(page)
        self.text = " ".join(" ".join(self._text).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "input":
            self.inputs.append(found)
        elif tag == "form":
            self.action = found.get("action")
        elif tag in ("label", "button"):
            self._open = (tag, found.get("for") or "")

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[0] == tag:
            self._open = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        if self._open and self._open[0] == "label":
            self.labels[self._open[1]] = self.labels.get(self._open[1], "") + data.strip()
        elif self._open and self._open[0] == "button":
            self.buttons.append(data.strip())

    def hidden(self) -> dict[str, str]:
        return {str(i["name"]): str(i["value"]) for i in self.inputs if i.get("type") == "hidden"}


class Client:
    """The web page's side of the flow, on the stack's own origin."""

    def __init__(self, stack: LocalStack, redirect_uri: str | None = None) -> None:
        self.stack = stack
        self.domain = f"{stack.api_url}/local-issuer"
        self.redirect_uri = redirect_uri or f"{stack.api_url}/"
        self.verifier, self.challenge = pkce()
        self.state = secrets.token_urlsafe(16)

    def query(self, **changes: str | None) -> dict[str, str]:
        query = {
            "response_type": "code",
            "client_id": LOCAL_AUDIENCE,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "scope": "openid",
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            **changes,
        }
        return {name: value for name, value in query.items() if value is not None}

    def authorize(self, **changes: str | None) -> Answer:
        return fetch("GET", f"{self.domain}/oauth2/authorize?{urlencode(self.query(**changes))}")

    def sign_in(self, username: str, **hidden: str) -> Answer:
        page = self.authorize()
        assert page.status == 200, page.text
        fields = {**Form(page.text).hidden(), **hidden, "username": username}
        return fetch("POST", f"{self.domain}/oauth2/authorize", urlencode(fields).encode(), FORM)

    def code(self, username: str) -> str:
        answer = self.sign_in(username)
        assert answer.status == 302, answer.text
        return answer.location[1]["code"][0]

    def exchange(self, code: str, **changes: str | None) -> Answer:
        fields = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "client_id": LOCAL_AUDIENCE,
            "code_verifier": self.verifier,
            **changes,
        }
        body = urlencode({name: value for name, value in fields.items() if value is not None}).encode()
        return fetch("POST", f"{self.domain}/oauth2/token", body, FORM)


def refused(answer: Answer, error: str) -> str:
    """The RFC 6749 5.2 error answer's description."""
    assert (answer.status, answer.json()["error"]) == (400, error), answer.text
    assert answer.headers["cache-control"] == "no-store"
    return str(answer.json()["error_description"])


def error_page(answer: Answer, *words: str) -> None:
    """A 400 page that names the problem, and never a redirect."""
    assert answer.status == 400, answer.text
    assert "location" not in answer.headers
    assert answer.headers["content-type"].startswith("text/html")
    text = Form(answer.text).text
    for word in words:
        assert word in text, text


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "content-type": "application/json"}


# --- the whole flow ---------------------------------------------------------------------------
def test_sign_in_with_pkce_gives_tokens_the_stack_accepts_as_that_user(stack: LocalStack, empty_table: str) -> None:
    client = Client(stack)
    page = client.authorize()
    assert page.status == 200, page.text
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    form = Form(page.text)
    assert "script" not in form.tags
    assert form.action == "/local-issuer/oauth2/authorize"
    username = next(i for i in form.inputs if i.get("name") == "username")
    assert (username.get("autocomplete"), "required" in username) == ("username", True)
    assert form.labels[str(username["id"])] == "User name"
    assert form.buttons == ["Sign in"]
    assert "Local sign-in for development only: no password, whoever you type is who you are" in form.text
    assert form.hidden() == {**client.query(), "response_type": "code"}

    signed_in = client.sign_in("ivy.m@club")
    assert signed_in.status == 302, signed_in.text
    where, query = signed_in.location
    assert where == client.redirect_uri
    assert set(query) == {"code", "state"}
    assert query["state"] == [client.state]
    code = query["code"][0]
    assert len(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))) == 32

    answer = client.exchange(code)
    assert answer.status == 200, answer.text
    assert (answer.headers["cache-control"], answer.headers["pragma"]) == ("no-store", "no-cache")
    tokens = answer.json()
    assert set(tokens) == {"access_token", "id_token", "token_type", "expires_in"}
    assert (tokens["token_type"], tokens["expires_in"]) == ("Bearer", 3600)
    assert isinstance(stack.authorizer, LocalJwtAuthorizer)
    for name in ("access_token", "id_token"):
        claims = stack.authorizer.validate(tokens[name])  # the stack's key, issuer and audience
        assert (claims["sub"], claims["iss"], claims["aud"]) == ("ivy.m@club", LOCAL_ISSUER, LOCAL_AUDIENCE)
        assert claims["exp"] - claims["iat"] == 3600
    assert jwt.decode(tokens["access_token"], options={"verify_signature": False})["token_use"] == "access"
    assert jwt.decode(tokens["id_token"], options={"verify_signature": False})["token_use"] == "id"

    api = stack.api_url
    headers = bearer(tokens["access_token"])
    made = fetch("POST", f"{api}/bookings", json.dumps({"slot_id": clock.slot_id("Court C", 9)}).encode(), headers)
    assert (made.status, made.json()["user_id"]) == (201, "ivy.m@club"), made.text
    listed = fetch("GET", f"{api}/bookings", headers=headers)
    assert listed.status == 200, listed.text
    assert [b["booking_id"] for b in listed.json()["bookings"]] == [made.json()["booking_id"]]

    again = client.exchange(code)  # a code is good once
    assert "used" in refused(again, "invalid_grant")


def test_staff_sign_in_names_the_admin_group_in_both_tokens_and_others_do_not(stack: LocalStack) -> None:
    form = Form(Client(stack).authorize().text)
    staff_box = next(i for i in form.inputs if i.get("name") == "staff")
    assert (staff_box["type"], staff_box["value"]) == ("checkbox", "yes")
    for fields, groups in (({"staff": "yes"}, ["admins"]), ({}, None)):
        client = Client(stack)
        signed_in = client.sign_in("desk", **fields)
        assert signed_in.status == 302, signed_in.text
        tokens = client.exchange(signed_in.location[1]["code"][0]).json()
        for name in ("access_token", "id_token"):
            claims = jwt.decode(tokens[name], options={"verify_signature": False})
            assert claims.get("cognito:groups") == groups, (name, claims)


def test_each_sign_in_gets_its_own_code(stack: LocalStack) -> None:
    client = Client(stack)
    assert client.code("ann") != client.code("ann")


def test_the_signed_in_stack_points_the_page_at_the_local_sign_in_pages(stack: LocalStack) -> None:
    assert stack.runtime is not None
    environment = stack.runtime.pools["OrchestratorFunction"].config.environment
    assert environment["SIGN_IN_DOMAIN"] == f"{stack.api_url}/local-issuer" == stack.sign_in_url
    assert environment["SIGN_IN_CLIENT_ID"] == LOCAL_AUDIENCE


def test_only_the_registered_callback_is_a_redirect_uri(stack: LocalStack) -> None:
    """As Cognito's app client: the page's own URL, compared exactly; another path or a query is not it."""
    for uri in (f"{stack.api_url}/app/callback", f"{stack.api_url}/?from=menu", stack.api_url):
        error_page(Client(stack, redirect_uri=uri).authorize(), "redirect_uri")


def test_localhost_is_the_same_origin(stack: LocalStack) -> None:
    port = urlsplit(stack.api_url).port
    client = Client(stack, redirect_uri=f"http://localhost:{port}/")
    page = client.authorize()
    assert page.status == 200, page.text
    # the browser checks the redirect after the posted form against form-action: the other name is allowed
    assert f"form-action 'self' http://localhost:{port};" in page.headers["content-security-policy"]
    code = client.code("ann")
    origin = {"origin": f"http://localhost:{port}"}
    body = urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client.redirect_uri,
            "client_id": LOCAL_AUDIENCE,
            "code_verifier": client.verifier,
        }
    ).encode()
    answer = fetch("POST", f"{client.domain}/oauth2/token", body, {**FORM, **origin})
    assert answer.status == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == origin["origin"]
    foreign = fetch("POST", f"{client.domain}/oauth2/token", body, {**FORM, "origin": "http://evil.test"})
    assert "access-control-allow-origin" not in foreign.headers


# --- the token endpoint refuses -----------------------------------------------------------------
def test_a_wrong_verifier_is_refused_and_uses_the_code_up(stack: LocalStack) -> None:
    client = Client(stack)
    code = client.code("ann")
    other, _ = pkce()
    assert "code_verifier" in refused(client.exchange(code, code_verifier=other), "invalid_grant")
    refused(client.exchange(code), "invalid_grant")  # no second try at guessing


def test_a_code_expires_after_five_minutes(stack: LocalStack, pages: LocalIssuer) -> None:
    now = [1000.0]
    pages.clock = lambda: now[0]
    client = Client(stack)
    early, late = client.code("ann"), client.code("ann")
    now[0] += CODE_SECONDS - 1
    assert client.exchange(early).status == 200
    now[0] += 1
    assert "expired" in refused(client.exchange(late), "invalid_grant")


def test_the_redirect_uri_must_be_the_one_given_to_authorize(stack: LocalStack) -> None:
    client = Client(stack)
    code = client.code("ann")
    refused(client.exchange(code, redirect_uri=f"{stack.api_url}/other"), "invalid_grant")
    refused(client.exchange(code), "invalid_grant")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"client_id": "someone-else"}, "invalid_client"),
        ({"client_id": None}, "invalid_client"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"grant_type": None}, "invalid_request"),
        ({"code_verifier": None}, "invalid_request"),
        ({"code_verifier": "short"}, "invalid_request"),
        ({"code_verifier": "a" * 129}, "invalid_request"),
        ({"code_verifier": "a" * 42 + "!"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
    ],
)
def test_a_bad_token_request_is_refused(stack: LocalStack, changes: dict[str, str | None], error: str) -> None:
    client = Client(stack)
    refused(client.exchange(client.code("ann"), **changes), error)


def test_an_unknown_code_or_a_json_body_is_refused(stack: LocalStack) -> None:
    client = Client(stack)
    refused(client.exchange("not-a-code"), "invalid_grant")
    body = json.dumps({"grant_type": "authorization_code", "code": client.code("ann")}).encode()
    answer = fetch("POST", f"{client.domain}/oauth2/token", body, {"content-type": "application/json"})
    refused(answer, "invalid_request")


# --- the authorize endpoint refuses -------------------------------------------------------------
def test_an_unknown_client_is_a_page_not_a_redirect(stack: LocalStack) -> None:
    client = Client(stack)
    error_page(client.authorize(client_id="someone-else"), "client_id", "someone-else")
    error_page(client.authorize(client_id=None), "client_id")


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.test/",
        "http://evil.test:{port}/",
        "http://127.0.0.1:1/",
        "https://127.0.0.1:{port}/",
        "http://127.0.0.1:{port}@evil.test/",
        "http://user@127.0.0.1:{port}/",
        "http://127.0.0.1:{port}/#fragment",
        "http://127.0.0.1:{port}//evil.test/",
        "//127.0.0.1:{port}/",
        "/relative",
    ],
)
def test_a_redirect_uri_off_the_apis_origin_is_a_page_not_a_redirect(stack: LocalStack, redirect_uri: str) -> None:
    uri = redirect_uri.format(port=urlsplit(stack.api_url).port)
    error_page(Client(stack).authorize(redirect_uri=uri), "redirect_uri")


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request", "S256"),
        ({"code_challenge_method": None}, "invalid_request", "S256"),
        ({"code_challenge": None}, "invalid_request", "code_challenge"),
        ({"code_challenge": "too-short"}, "invalid_request", "code_challenge"),
        ({"response_type": "token"}, "unsupported_response_type", "code"),
        ({"scope": "openid admin"}, "invalid_scope", "scope"),
    ],
)
def test_other_problems_go_back_to_the_redirect_uri_with_the_state(
    stack: LocalStack, changes: dict[str, str | None], error: str, words: str
) -> None:
    client = Client(stack)
    answer = client.authorize(**changes)
    assert answer.status == 302, answer.text
    where, query = answer.location
    assert where == client.redirect_uri
    assert (query["error"], query["state"]) == ([error], [client.state])
    assert words in query["error_description"][0]


def test_a_parameter_given_twice_is_refused(stack: LocalStack) -> None:
    client = Client(stack)
    url = f"{client.domain}/oauth2/authorize?{urlencode(client.query())}&redirect_uri=http://evil.test/"
    error_page(fetch("GET", url), "redirect_uri", "more than once")


@pytest.mark.parametrize(
    "username", ["ann ", " ann", "ann\n", "ann bob", "ann/", "ånn", "a" * 129, "", "<b>ann</b>", "ann\u200b"]
)
def test_a_user_name_off_the_services_rule_is_refused_not_trimmed(stack: LocalStack, username: str) -> None:
    answer = Client(stack).sign_in(username)
    assert answer.status == 400, answer.text
    assert "location" not in answer.headers
    form = Form(answer.text)
    assert form.buttons == ["Sign in"]
    typed = next(i for i in form.inputs if i.get("name") == "username")
    assert typed["value"] == username  # shown back as typed, escaped in the page
    assert typed.get("aria-invalid") == "true"
    assert "<b>" not in answer.text
    alert = answer.text.split('role="alert">', 1)[1].split("<", 1)[0]
    assert any(word in alert for word in ("Type a user name", "not allowed", "128 at most")), alert


def test_the_posted_form_is_checked_again(stack: LocalStack) -> None:
    client = Client(stack)
    error_page(client.sign_in("ann", redirect_uri="http://evil.test/"), "redirect_uri")
    error_page(client.sign_in("ann", client_id="someone-else"), "client_id")
    answer = client.sign_in("ann", code_challenge_method="plain")
    assert (answer.status, answer.location[1]["error"]) == (302, ["invalid_request"])


def test_the_state_is_escaped_in_the_page_and_given_back_as_it_was(stack: LocalStack) -> None:
    client = Client(stack)
    client.state = '"><script>alert(1)</script>&x=1'
    page = client.authorize()
    assert "<script>" not in page.text
    assert Form(page.text).hidden()["state"] == client.state
    assert client.sign_in("ann").location[1]["state"] == [client.state]


# --- sign-out, and everything else under the prefix ----------------------------------------------
def test_logout_goes_back_to_the_registered_sign_out_url(stack: LocalStack) -> None:
    domain, back = f"{stack.api_url}/local-issuer", f"{stack.api_url}/"
    answer = fetch("GET", f"{domain}/logout?{urlencode({'client_id': LOCAL_AUDIENCE, 'logout_uri': back})}")
    assert (answer.status, answer.headers["location"]) == (302, back)
    foreign = urlencode({"client_id": LOCAL_AUDIENCE, "logout_uri": "https://evil.test/"})
    error_page(fetch("GET", f"{domain}/logout?{foreign}"), "logout_uri")
    stranger = urlencode({"client_id": "someone-else", "logout_uri": back})
    error_page(fetch("GET", f"{domain}/logout?{stranger}"), "client_id")


def test_other_paths_and_methods_under_the_prefix(stack: LocalStack) -> None:
    domain = f"{stack.api_url}/local-issuer"
    assert fetch("GET", f"{domain}/oauth2/userInfo").status == 404
    assert fetch("GET", f"{domain}/").status == 404
    wrong = fetch("GET", f"{domain}/oauth2/token")
    assert (wrong.status, wrong.headers["allow"]) == (405, "POST, OPTIONS")


def test_sign_ins_are_logged_without_codes_or_tokens(stack: LocalStack, logs: LogCapture) -> None:
    client = Client(stack)
    code = client.code("logged.user")
    tokens = client.exchange(code).json()
    lines = "\n".join(logs.lines("LocalIssuer"))
    assert "signed in logged.user" in lines
    assert "tokens issued for logged.user" in lines
    assert code not in lines
    assert tokens["access_token"] not in lines


# --- with sign-in off ---------------------------------------------------------------------------
def test_with_sign_in_off_there_are_no_sign_in_pages() -> None:
    local = LocalStack(api_port=0, invoke_port=0, dynamodb_port=0, prewarm=False, log=LogCapture())
    local.start()
    try:
        assert local.issuer is None
        client_query = urlencode({"response_type": "code", "client_id": LOCAL_AUDIENCE})
        for method, path in (
            ("GET", f"/local-issuer/oauth2/authorize?{client_query}"),
            ("POST", "/local-issuer/oauth2/token"),
            ("GET", "/local-issuer/logout"),
        ):
            answer = fetch(method, f"{local.api_url}{path}")
            assert (answer.status, answer.json()) == (404, {"message": "Not Found"}), path
        assert local.runtime is not None
        assert local.runtime.pools["OrchestratorFunction"].config.environment["SIGN_IN_DOMAIN"] == ""
    finally:
        local.stop()


def test_a_sign_in_domain_given_is_kept(key_path: Path) -> None:
    cognito = "https://myclub.auth.eu-west-1.amazoncognito.com"
    parameters = {"AuthMode": "jwt", "SignInDomain": cognito}
    ports = {"api_port": 0, "invoke_port": 0, "dynamodb_port": 0}
    local = LocalStack(**ports, parameters=parameters, jwt_key=key_path, prewarm=False, log=LogCapture())
    local.start()
    try:
        assert local.runtime is not None
        assert local.runtime.pools["OrchestratorFunction"].config.environment["SIGN_IN_DOMAIN"] == cognito
        assert local.issuer is not None  # the local pages are still served; the page just does not use them
    finally:
        local.stop()


# --- no stack ---------------------------------------------------------------------------------------
def test_s256_is_rfc_7636s() -> None:
    # RFC 7636, Appendix B
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_the_user_name_rule_is_the_services() -> None:
    assert issuer_module.USER_ID_PATTERN == USER_ID_PATTERN
