"""The web page (GET /, GET /app/<name>) through the orchestrator's handler, as API Gateway calls it.

Each file is served with its type, a short cache and an ETag (304 when the browser
has it); a name that is not one of the page's files is 404, `..` included; the
configuration comes from the environment and the service's clock; every answer
carries the security headers, with a Content-Security-Policy that allows no inline
script; and the page stays small.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from orchestration import page
from tests import clock
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler

ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "api.js": "text/javascript; charset=utf-8",
    "auth.js": "text/javascript; charset=utf-8",
    "dates.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
SIZE_LIMIT_BYTES = 150 * 1024


@pytest.fixture(autouse=True)
def fresh_files() -> Any:
    page.reset()
    yield
    page.reset()


def get(api: Handler, path: str, **headers: str) -> dict[str, Any]:
    """GET a page path; the answer with lower-case header names."""
    if path == "/":
        route, params = "GET /", None
    else:
        route, params = "GET /app/{file}", {"file": path.removeprefix("/app/")}
    answer = api(api_event("GET", path, {k.replace("_", "-"): v for k, v in headers.items()}, b"", route, params))
    answer["headers"] = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
    return answer


def csp(answer: dict[str, Any]) -> dict[str, list[str]]:
    policy = answer["headers"]["content-security-policy"]
    directives = [d.split() for d in policy.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def assert_secured(answer: dict[str, Any]) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert answer["headers"][name.lower()] == value, name
    policy = csp(answer)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in answer["headers"]["content-security-policy"]
    assert "'unsafe-eval'" not in answer["headers"]["content-security-policy"]
    assert "access-control-allow-origin" not in answer["headers"]


def test_the_page_is_served_at_the_root(orchestrator: Handler) -> None:
    answer = get(orchestrator, "/")
    assert answer["statusCode"] == 200
    assert answer["headers"]["content-type"] == "text/html; charset=utf-8"
    assert answer["headers"]["cache-control"] == "no-cache"
    assert answer["headers"]["etag"].startswith('"')
    assert '<html lang="en">' in answer["body"]
    assert '<script type="module" src="app/app.js">' in answer["body"]
    assert_secured(answer)


@pytest.mark.parametrize(("name", "content_type"), ASSETS.items())
def test_each_file_is_served_with_its_type_a_short_cache_and_an_etag(
    orchestrator: Handler, name: str, content_type: str
) -> None:
    answer = get(orchestrator, f"/app/{name}")
    assert answer["statusCode"] == 200
    assert answer["headers"]["content-type"] == content_type
    assert answer["headers"]["cache-control"] == "max-age=300"
    assert answer["body"] == (page.WEB / name).read_text(encoding="utf-8")
    assert_secured(answer)

    etag = answer["headers"]["etag"]
    again = get(orchestrator, f"/app/{name}", if_none_match=etag)
    assert (again["statusCode"], again["body"]) == (304, "")
    assert again["headers"]["etag"] == etag
    assert_secured(again)
    assert get(orchestrator, f"/app/{name}", if_none_match=f'W/{etag}, "other"')["statusCode"] == 304
    assert get(orchestrator, f"/app/{name}", if_none_match='"an-older-version"')["statusCode"] == 200


def test_every_file_of_the_page_is_one_the_tests_know() -> None:
    served = {p.name for p in page.WEB.iterdir() if p.suffix in page.CONTENT_TYPES}
    assert served == {*ASSETS, page.INDEX}


def test_the_etag_is_the_hash_of_the_content(orchestrator: Handler) -> None:
    etags = {get(orchestrator, f"/app/{name}")["headers"]["etag"] for name in ASSETS}
    assert len(etags) == len(ASSETS)
    assert get(orchestrator, "/", if_none_match=get(orchestrator, "/")["headers"]["etag"])["statusCode"] == 304


@pytest.mark.parametrize(
    "name",
    [
        "index.html",  # the page is served at /, not as a file
        "missing.js",
        "APP.JS",
        "app.js.map",
        "..",
        "..%2Fpage.py",
        "..%2F..%2Forchestration%2Fpage.py",
        "%2E%2E%2Fapp.py",
        "....%2F%2Fapp.js",
        "app.js%00",
        "app.js ",
        ".app.js",
    ],
)
def test_a_name_that_is_not_a_file_of_the_page_is_404(orchestrator: Handler, name: str) -> None:
    answer = get(orchestrator, f"/app/{name}")
    assert answer["statusCode"] == 404
    assert json.loads(answer["body"])["error"]["code"] == "NOT_FOUND"
    assert_secured(answer)


def test_a_path_that_climbs_out_of_app_finds_no_file(orchestrator: Handler) -> None:
    for path in ("/app/../orchestration/page.py", "/app/../../template.yaml", "/app/sub/app.js"):
        answer = get(orchestrator, path)
        assert answer["statusCode"] == 404, path
        assert "def " not in answer["body"]
        assert "Resources" not in answer["body"]


def test_the_configuration_without_sign_in(orchestrator: Handler, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "none")
    monkeypatch.setenv("SIGN_IN_DOMAIN", "https://club.auth.eu-west-1.amazoncognito.com")
    before = clock.local_now()
    answer = get(orchestrator, "/app/config.json")
    after = clock.local_now()
    assert answer["statusCode"] == 200
    assert answer["headers"]["content-type"] == "application/json"
    assert answer["headers"]["cache-control"] == "no-store"
    assert_secured(answer)
    assert csp(answer)["connect-src"] == ["'self'"]
    document = json.loads(answer["body"])
    assert document["auth_mode"] == "none"
    assert document["sign_in"] is None
    facility = document["facility"]
    assert facility["today"] in {before.date().isoformat(), after.date().isoformat()}
    assert facility["now"] in {f"{before:%H:%M}", f"{after:%H:%M}"}
    assert facility["timezone"] == clock.zone_name()
    assert facility["courts"] == ["Court A", "Court B", "Court C"]
    assert (facility["opening_time"], facility["closing_time"]) == ("08:00", "21:00")
    assert (facility["slot_minutes"], facility["horizon_days"]) == (60, 14)


def test_the_configuration_follows_the_facility_settings(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from courtbooking import config

    monkeypatch.setenv("FACILITY_TIMEZONE", "Pacific/Kiritimati")
    monkeypatch.setenv("COURTS", "North,South")
    monkeypatch.setenv("OPENING_TIME", "07:30")
    monkeypatch.setenv("CLOSING_TIME", "22:30")
    monkeypatch.setenv("SLOT_MINUTES", "30")
    monkeypatch.setenv("BOOKING_HORIZON_DAYS", "7")
    config.reset()
    before = clock.now().astimezone(clock.ZoneInfo("Pacific/Kiritimati"))
    facility = json.loads(get(orchestrator, "/app/config.json")["body"])["facility"]
    after = clock.now().astimezone(clock.ZoneInfo("Pacific/Kiritimati"))
    assert facility["timezone"] == "Pacific/Kiritimati"
    assert facility["courts"] == ["North", "South"]
    assert (facility["opening_time"], facility["closing_time"], facility["slot_minutes"]) == ("07:30", "22:30", 30)
    assert facility["horizon_days"] == 7
    assert facility["today"] in {before.date().isoformat(), after.date().isoformat()}


def test_the_configuration_with_sign_in(orchestrator: Handler, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "jwt")
    monkeypatch.setenv("SIGN_IN_DOMAIN", "https://club.auth.eu-west-1.amazoncognito.com/")
    monkeypatch.setenv("SIGN_IN_CLIENT_ID", "4p1ce1ient")
    answer = get(orchestrator, "/app/config.json")
    assert answer["statusCode"] == 200  # public: the page needs it to sign in
    document = json.loads(answer["body"])
    domain = "https://club.auth.eu-west-1.amazoncognito.com"
    assert document["auth_mode"] == "jwt"
    assert document["sign_in"] == {
        "authorize_url": f"{domain}/oauth2/authorize",
        "token_url": f"{domain}/oauth2/token",
        "logout_url": f"{domain}/logout",
        "client_id": "4p1ce1ient",
        "scope": "openid",
    }
    assert document["facility"]["today"] in {clock.today().isoformat(), clock.day(-1).isoformat()}
    assert csp(answer)["connect-src"] == ["'self'", domain]
    assert_secured(answer)
    assert csp(get(orchestrator, "/"))["connect-src"] == ["'self'", domain]


def test_sign_in_is_not_set_up_without_a_domain(orchestrator: Handler, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "jwt")
    monkeypatch.delenv("SIGN_IN_DOMAIN", raising=False)
    monkeypatch.setenv("SIGN_IN_CLIENT_ID", "4p1ce1ient")
    answer = get(orchestrator, "/app/config.json")
    document = json.loads(answer["body"])
    assert (document["auth_mode"], document["sign_in"]) == ("jwt", None)
    assert csp(answer)["connect-src"] == ["'self'"]


def test_the_page_needs_no_sign_in_and_is_not_in_the_api_description(
    orchestrator: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_MODE", "jwt")
    assert get(orchestrator, "/")["statusCode"] == 200
    assert get(orchestrator, "/app/app.js")["statusCode"] == 200
    event = api_event("GET", "/swagger?format=json", route_key="GET /swagger")
    spec = json.loads(orchestrator(event)["body"])
    assert "/" not in spec["paths"]
    assert not any(path.startswith("/app") for path in spec["paths"])


def test_the_page_has_no_inline_script_or_style() -> None:
    html = (page.WEB / page.INDEX).read_text(encoding="utf-8")
    assert "<style" not in html
    assert " style=" not in html
    assert " on" not in html.replace(" one", "")  # no onclick= and the like
    for tag in html.split("<script")[1:]:
        assert ' src="' in tag.split(">")[0], "an inline script"
        assert tag.split(">", 1)[1].startswith("</script"), "an inline script"
    for name in ASSETS:
        text = (page.WEB / name).read_text(encoding="utf-8")
        for banned in ("innerHTML", "insertAdjacentHTML", "eval(", "localStorage.", "http://", "https://"):
            assert banned not in text, f"{name} uses {banned}"


def test_the_page_says_what_to_do_when_its_scripts_do_not_run() -> None:
    html = (page.WEB / page.INDEX).read_text(encoding="utf-8")
    assert "If this stays, reload the page; the page needs JavaScript." in html
    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "needs JavaScript" in noscript


def test_the_page_is_small() -> None:
    total = sum(p.stat().st_size for p in page.WEB.rglob("*") if p.is_file())
    assert total < SIZE_LIMIT_BYTES, f"the page's files are {total / 1024:.1f} KB"


def test_the_pages_user_id_rule_is_the_services() -> None:
    """The page refuses a name before sending it; it must refuse exactly what the API refuses."""
    from courtbooking.models import USER_ID_PATTERN

    script = (page.WEB / "auth.js").read_text(encoding="utf-8")
    found = re.search(r"const USER_ID = /\^(.+)\$/;", script)
    assert found is not None
    assert found.group(1) == USER_ID_PATTERN
